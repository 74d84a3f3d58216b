"""Gunicorn settings for the web container (``python -m gunicorn -c deploy/gunicorn.conf.py``).

Everything comes from the environment, like the Django settings: ``PORT`` (8000),
``WEB_CONCURRENCY`` (worker processes, default 2 × CPUs + 1 capped at 8),
``GUNICORN_THREADS`` (2), ``GUNICORN_TIMEOUT`` (60 s).
"""

import multiprocessing
import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 8)))
threads = int(os.environ.get("GUNICORN_THREADS", 2))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then (memory held by big PDF/Excel exports).
max_requests = 1000
max_requests_jitter = 100
accesslog = "-"
errorlog = "-"
# The access log never carries query strings (they may hold search terms): path and status only.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "*")
