"""WSGI entry point: ``python -m gunicorn platform.wsgi`` from the repository root."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platform.settings")
application = get_wsgi_application()
