"""Qualiréseau settings: one module, read from the environment (12-factor).

Every value that differs between a laptop and production comes from an environment
variable; see docs/deploy.md for the list. Without ``DATABASE_URL`` the embedded
PostgreSQL of ``platform.devdb`` is used (``make run`` / ``make test``).
"""

import os
from pathlib import Path

import csp.constants as csp
import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# --- Core -----------------------------------------------------------------------------
DEBUG = env_bool("DEBUG", False)
# PRODUCTION switches on every safety net checked by `manage.py check --deploy`.
PRODUCTION = env_bool("PRODUCTION", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
# Placeholders of deploy/env.example and deploy/k8s/secret.example.yaml: refused in production.
PLACEHOLDER_SECRET_KEYS = ("change-me", "change-me-to-50-random-characters")
if PRODUCTION:
    from django.core.exceptions import ImproperlyConfigured

    if not SECRET_KEY:
        raise ImproperlyConfigured("SECRET_KEY doit être défini en production.")
    if SECRET_KEY in PLACEHOLDER_SECRET_KEYS or SECRET_KEY.startswith("change-me"):
        raise ImproperlyConfigured(
            "SECRET_KEY est la valeur d'exemple de env.example : générez une vraie clé "
            '(python -c "import secrets; print(secrets.token_urlsafe(50))").'
        )
    if DEBUG:
        raise ImproperlyConfigured("DEBUG=1 est interdit en production (PRODUCTION=1).")
if not SECRET_KEY:
    SECRET_KEY = "dev-only-insecure-key-" + "x" * 40  # noqa: S105 - never used in production
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
ENVIRONMENT = os.environ.get("ENVIRONMENT", "production" if PRODUCTION else "development")
RELEASE = os.environ.get("RELEASE", "")

# --- Applications -----------------------------------------------------------------------
# Public schema: the network (users, territories, groups, structures, frames, reporting).
SHARED_APPS = [
    "django_tenants",
    "platform",  # the wiring: loads the Celery app when Django is ready
    "core",
    "tenants",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.admin",
    "django.contrib.humanize",
    "rest_framework",
    "knox",  # API tokens: only a digest is stored (model: tenants.ApiToken)
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "referentiels",
    "accompagnement.groupes",
    "accompagnement.reporting",
]
# Each structure's schema: its own quality data.
TENANT_APPS = [
    "django.contrib.contenttypes",
    "accompagnement.diagnostics",
    "accompagnement.plans",
    "accompagnement.livrables",
    "accompagnement.registres",
    "accompagnement.bilans",
    "accompagnement.qualite",
]
INSTALLED_APPS = list(SHARED_APPS) + [app for app in TENANT_APPS if app not in SHARED_APPS]
# Our own apps, in dependency order (demo loader and home-page to-dos follow this order).
LOCAL_APPS = [
    "tenants",
    "referentiels",
    "accompagnement.groupes",
    "accompagnement.diagnostics",
    "accompagnement.plans",
    "accompagnement.livrables",
    "accompagnement.registres",
    "accompagnement.bilans",
    "accompagnement.qualite",
    "accompagnement.reporting",
]

TENANT_MODEL = "tenants.Structure"
TENANT_DOMAIN_MODEL = "tenants.Domain"
TENANT_SUBFOLDER_PREFIX = "s"
# Send "SET search_path" once per schema switch instead of before every query (halves the
# round trips of a structure page; nothing in the code changes search_path by raw SQL).
TENANT_LIMIT_SET_CALLS = True
PUBLIC_SCHEMA_NAME = "public"
ROOT_URLCONF = "platform.urls_structure"  # mounted under /s/<slug>/ by django-tenants
PUBLIC_SCHEMA_URLCONF = "platform.urls"  # the network-level pages
DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]
AUTH_USER_MODEL = "tenants.User"

MIDDLEWARE = [
    "platform.middleware.SecurityHeadersMiddleware",  # first: every response gets them
    "csp.middleware.CSPMiddleware",
    "api.errors.ApiErrorMiddleware",  # API errors as JSON, whoever answers (before routing)
    "platform.middleware.HealthCheckMiddleware",
    "platform.middleware.StructureRoutingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "platform.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "tenants.middleware.TwoFactorRequiredMiddleware",
    "tenants.middleware.StructureAccessMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "platform.middleware.SentryScopeMiddleware",
    "axes.middleware.AxesMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        # No "loaders": Django then wraps them in its cached loader, in production as in
        # development (each template compiled once per process; tests/platform checks it).
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "platform.context_processors.navigation",
            ],
            "builtins": ["core.templatetags.routing_tags"],
        },
    }
]
WSGI_APPLICATION = "platform.wsgi.application"
ASGI_APPLICATION = "platform.asgi.application"

# --- Database ---------------------------------------------------------------------------
if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60)}
else:
    # pgserver (development only) is imported here and nowhere else.
    from platform import devdb

    DATABASES = {"default": devdb.django_database()}
# A connection kept between requests is checked before reuse: after a PostgreSQL restart
# the stale connection is replaced instead of failing the next request.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Behind PgBouncer only session pooling is safe: django-tenants selects a structure with a
# session-level ``SET search_path``, which transaction pooling would hand to another
# client's transactions (another structure's data). Declared by DATABASE_POOL_MODE
# (``direct`` or ``session``); anything else is refused (docs/scaling.md).
DATABASE_POOL_MODE = os.environ.get("DATABASE_POOL_MODE", "direct")
if DATABASE_POOL_MODE not in ("direct", "session"):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        f"DATABASE_POOL_MODE={DATABASE_POOL_MODE!r} refusé : seuls « direct » et « session » "
        "gardent le search_path de la structure (voir docs/scaling.md)."
    )
DATABASES["default"]["ENGINE"] = "django_tenants.postgresql_backend"
DATABASES["default"].setdefault("TEST", {})
if os.environ.get("TEST_DATABASE_NAME"):  # several suites side by side on one server
    DATABASES["default"]["TEST"]["NAME"] = os.environ["TEST_DATABASE_NAME"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication -----------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # one account from one address
    "tenants.throttling.LoginThrottleBackend",  # per address and per account (spraying)
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},  # CNIL: 12 characters for a password-only account
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "tenants.password_validation.PersonalWordsValidator"},
]
LOGIN_URL = "/compte/connexion/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/compte/connexion/"
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", 8 * 3600))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_LOCKOUT_TEMPLATE = "tenants/lockout.html"  # French message, status 429
# Behind N reverse proxies that append to X-Forwarded-For (docs/deploy.md): the client is
# the N-th address from the right; 0 (default): REMOTE_ADDR, X-Forwarded-For ignored.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", 0))
AXES_CLIENT_IP_CALLABLE = "core.client_ip.client_ip"
# Wider limits than axes' (tenants/throttling.py), counted in the cache over a window.
LOGIN_THROTTLE_WINDOW = int(os.environ.get("LOGIN_THROTTLE_WINDOW", 15 * 60))  # seconds
LOGIN_FAILURES_PER_IP = int(os.environ.get("LOGIN_FAILURES_PER_IP", 20))
LOGIN_FAILURES_PER_ACCOUNT = int(os.environ.get("LOGIN_FAILURES_PER_ACCOUNT", 20))
PASSWORD_RESET_WINDOW = int(os.environ.get("PASSWORD_RESET_WINDOW", 3600))
PASSWORD_RESET_PER_EMAIL = int(os.environ.get("PASSWORD_RESET_PER_EMAIL", 3))
PASSWORD_RESET_PER_IP = int(os.environ.get("PASSWORD_RESET_PER_IP", 10))
# Two-factor authentication is mandatory for federation admins and experts in production.
OTP_REQUIRED_FOR_NETWORK_ROLES = env_bool("OTP_REQUIRED_FOR_NETWORK_ROLES", PRODUCTION)
DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "demo")
# Personal API tokens (django-rest-knox): several named tokens per person, each with its own
# expiry (none by default), hashed at rest; header `Authorization: Token <key>`.
KNOX_TOKEN_MODEL = "tenants.ApiToken"
REST_KNOX = {"TOKEN_TTL": None, "AUTH_HEADER_PREFIX": "Token", "AUTO_REFRESH": False}
# Days before a new token expires when none is given (0: never).
API_TOKEN_DEFAULT_DAYS = int(os.environ.get("API_TOKEN_DEFAULT_DAYS", 365))

# --- Internationalisation ---------------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files --------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
# Uploaded files (evidence, deliverables) live outside the web root and are served only
# by views that check access (never by whitenoise or the web server).
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
MEDIA_URL = "/fichiers/"
STORAGES = {
    "default": {"BACKEND": "django_tenants.files.storage.TenantFileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MULTITENANT_RELATIVE_MEDIA_ROOT = "%s"
# Outside production, WhiteNoise serves static files straight from the apps (no collectstatic).
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
MAX_UPLOAD_SIZE = int(os.environ.get("MAX_UPLOAD_SIZE", 20 * 1024 * 1024))

# --- Email ------------------------------------------------------------------------------
# Development: one line per e-mail on the console (core.mail); production sets an SMTP backend.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "core.mail.OneLineConsoleBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", 25))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "Qualiréseau <ne-pas-repondre@qualireseau.fr>"
)
# Links in e-mails: the address the site is served at (in development, the PORT `make run`
# serves, so an invitation works as sent).
SITE_URL = os.environ.get("SITE_URL", f"http://localhost:{os.environ.get('PORT', '8000')}")

# --- Celery -------------------------------------------------------------------------------
# See docs/operations.md ("Tâches de fond"). Background work is recorded in the database
# (core.jobs, core.outbox): a Celery message is only a wake-up call that may be lost.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
# Without a broker tasks run in-process (eager), so `make run` needs no Redis.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or None
# A message is acknowledged when its task ends; a worker killed mid-task gives it back.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# Long jobs: a worker process takes one message at a time (no message waits behind a job).
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# The longest task (a 500-structure import) runs ~8 min on a loaded machine; jobs are
# limited to 1 h. Redis gives an unacknowledged message back after the visibility timeout:
# longer than any task, so a running job is never delivered twice. A worker that died is
# noticed sooner by the jobs' sweeper (heartbeat + lease), not by this timeout.
CELERY_TASK_TIME_LIMIT = int(os.environ.get("CELERY_TASK_TIME_LIMIT", 3600))
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 60
# A broker that does not answer (host unreachable, frozen Redis) costs a publication these
# timeouts: short, for the requests that publish (3 s and 10 s with one retry made each
# request wait 6 s to 10 s; bench/broker_outage.py). The socket timeout stays above the
# worker's 1 s BRPOP.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_TASK_TIME_LIMIT + 600,
    "socket_connect_timeout": 1,
    "socket_timeout": 2,
}
# Publishing never makes a request wait long: no retry (redis-py itself reconnects a pooled
# connection to a Redis that restarted), the row waits for the sweeper (jobs) or the
# periodic delivery (e-mails); after a broker error, this process skips publishing for
# BROKER_DOWN_BACKOFF_SECONDS (core.broker): only the first request pays the timeouts.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 0,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 0.5,
}
BROKER_DOWN_BACKOFF_SECONDS = float(os.environ.get("BROKER_DOWN_BACKOFF_SECONDS", 5))
# Queues: "jobs" (imports, exports: long), "emails" (outbox), "celery" (periodic, short).
# One worker per queue in production (deploy/); `make worker` consumes all of them.
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_ROUTES = {
    "tenants.tasks.run_structure_import_task": {"queue": "jobs"},
    "accompagnement.diagnostics.tasks.generate_export_task": {"queue": "jobs"},
    "accompagnement.registres.tasks.import_register_task": {"queue": "jobs"},
    "accompagnement.plans.tasks.import_plan_task": {"queue": "jobs"},
    "referentiels.tasks.import_version_task": {"queue": "jobs"},
    "accompagnement.diagnostics.tasks.confirm_remaining_task": {"queue": "jobs"},
    "core.tasks.deliver_outbox_message": {"queue": "emails"},
    "core.tasks.deliver_pending_outbox": {"queue": "emails"},
}
CELERY_BEAT_SCHEDULE: dict = {
    "deliver-pending-outbox": {"task": "core.tasks.deliver_pending_outbox", "schedule": 60.0},
    # Jobs whose publication failed (broker down) or whose worker died (stale heartbeat).
    "sweep-jobs": {"task": "core.tasks.sweep_jobs", "schedule": 30.0},
    # Review campaigns: reminders J-7 and J+1 to structures that have not submitted (idempotent).
    "campagnes-relances": {
        "task": "accompagnement.reporting.tasks.send_campaign_reminders",
        "schedule": 6 * 3600.0,
    },
    # Reminders of the accompaniment (actions due/late, meetings coming, deliverables waiting).
    "accompagnement-rappels": {
        "task": "accompagnement.groupes.tasks.send_reminders",
        "schedule": 6 * 3600.0,
    },
    # Registers: entries older than their retention period are removed (personal data).
    "registres-conservation": {
        "task": "accompagnement.registres.tasks.apply_retention",
        "schedule": 24 * 3600.0,
    },
    # Controlled documents whose review date comes (once per document and review date).
    "qualite-revisions-documents": {
        "task": "accompagnement.qualite.tasks.remind_document_reviews",
        "schedule": 24 * 3600.0,
    },
    # Dangling references from the structures' schemas to public rows (no FK constraints).
    "check-integrity": {"task": "tenants.tasks.check_integrity_task", "schedule": 24 * 3600.0},
}
# Durable jobs (core.jobs): a running job whose heartbeat is older than this and whose
# lease is free is published again; a waiting job is published again after REQUEUE; a job
# attempted MAX_ATTEMPTS times (each attempt killed its worker) is marked failed.
JOB_STALE_AFTER_SECONDS = int(os.environ.get("JOB_STALE_AFTER_SECONDS", 120))
JOB_REQUEUE_AFTER_SECONDS = int(os.environ.get("JOB_REQUEUE_AFTER_SECONDS", 900))
JOB_MAX_ATTEMPTS = int(os.environ.get("JOB_MAX_ATTEMPTS", 5))
# Outbox: an e-mail that failed this many times is "dead" (shown to the federation admin).
OUTBOX_MAX_ATTEMPTS = int(os.environ.get("OUTBOX_MAX_ATTEMPTS", 10))

# Reminders (days): deliverables waiting for the expert, meetings coming, actions due soon.
LIVRABLE_RELANCE_JOURS = int(os.environ.get("LIVRABLE_RELANCE_JOURS", 14))
REUNION_RAPPEL_JOURS = int(os.environ.get("REUNION_RAPPEL_JOURS", 7))
ACTION_RAPPEL_JOURS = int(os.environ.get("ACTION_RAPPEL_JOURS", 7))
# Retention of the registers' entries about people, in years (docs/rgpd.md); registers of
# figures only (surveys, client counts) are kept.
REGISTRES_RETENTION_ANS = {
    "reclamations": int(os.environ.get("RETENTION_RECLAMATIONS_ANS", 5)),
    "evenements": int(os.environ.get("RETENTION_EVENEMENTS_ANS", 10)),
}
# The data protection officer named on the privacy notice and the processing register.
DPO_EMAIL = os.environ.get("DPO_EMAIL", "dpo@qualireseau.example")
# Controlled documents: the owner is reminded this many days before the review date.
DOCUMENT_REVISION_RAPPEL_JOURS = int(os.environ.get("DOCUMENT_REVISION_RAPPEL_JOURS", 30))

# --- API ---------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.StructureAccess"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # limit/offset that are not integers answer 400 (api.pagination), never a default page.
    "DEFAULT_PAGINATION_CLASS": "api.pagination.StrictLimitOffsetPagination",
    "PAGE_SIZE": 100,
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    # Throttles (api/throttling.py): anonymous clients per address, people per token (or
    # per session), token creation scoped; rates from the environment.
    "DEFAULT_THROTTLE_CLASSES": [
        "api.throttling.AnonymousRateThrottle",
        "api.throttling.TokenRateThrottle",
        "api.throttling.ScopedThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("API_THROTTLE_ANON", "60/min"),
        "token": os.environ.get("API_THROTTLE_TOKEN", "1200/min"),
        "token_create": os.environ.get("API_THROTTLE_TOKEN_CREATE", "20/hour"),
    },
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}
# The OpenAPI schema and Swagger page: public in development, signed-in people in production.
API_DOCS_PUBLIC = env_bool("API_DOCS_PUBLIC", not PRODUCTION)
SPECTACULAR_SETTINGS = {
    "SERVE_PERMISSIONS": ["api.authentication.ApiDocsAccess"],
    "TITLE": "Qualiréseau API",
    "DESCRIPTION": "API du réseau (/api/v1/) et des structures (/s/<slug>/api/v1/).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/(s/[^/]+/)?api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # JSON request bodies only where JSON is accepted (api/schema.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.json_request_bodies",
        # Every operation documents the API's JSON errors (status codes, one component).
        "api.schema.document_errors",
    ],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several models have a "statut" with different choices: name each enum explicitly.
    "ENUM_NAME_OVERRIDES": {
        "StatutLivrableVersionEnum": "accompagnement.livrables.models.LivrableVersion.Statut",
        "StatutSoumissionLivrableEnum": "accompagnement.groupes.models.SoumissionLivrable.Statut",
        "StatutActionEnum": "accompagnement.plans.models.Action.Statut",
        "StatutReferentielVersionEnum": "referentiels.models.ReferentielVersion.Statut",
    },
}

# --- Security ----------------------------------------------------------------------------
# The cache holds the login/reset counters and the API throttles: Redis in production so
# every worker shares them (CACHE_URL, e.g. redis://redis:6379/1); memory otherwise.
if os.environ.get("CACHE_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["CACHE_URL"],
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Browser features the platform never uses are switched off for every page.
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), "
    "gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), usb=()"
)
# Content-Security-Policy (django-csp): scripts only from our origin (htmx and Chart.js
# are served locally) or inline with the request's nonce (`nonce="{{ request.csp_nonce }}"`);
# no inline event handlers. Inline style attributes remain allowed (no script can run
# from them). The admin and the API docs follow the same policy.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp.SELF],
        "script-src": [csp.SELF, csp.NONCE],
        "style-src": [csp.SELF, csp.UNSAFE_INLINE],
        "img-src": [csp.SELF, "data:"],
        "font-src": [csp.SELF],
        "connect-src": [csp.SELF],
        "object-src": [csp.NONE],
        "base-uri": [csp.SELF],
        "form-action": [csp.SELF],
        "frame-ancestors": [csp.NONE],
    }
}
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 31536000))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SILENCED_SYSTEM_CHECKS: list[str] = []

# --- Logging (never personal data: see platform/sentry.py) ---------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# --- Sentry -------------------------------------------------------------------------------
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
if SENTRY_DSN:
    from platform.sentry import init_sentry

    init_sentry(dsn=SENTRY_DSN, environment=ENVIRONMENT, release=RELEASE)
