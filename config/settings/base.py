"""The single source of settings, read from the environment (django-environ).

Without DATABASE_URL / REDIS_URL the product runs on SQLite and Celery's filesystem
transport, so a newcomer's laptop needs no services.
"""

import datetime as dt
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from config import sqlite

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
DEV_SECRET_KEY = "dev-insecure-change-me-in-production-3b9f1c"  # refused by a production start (below)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default=DEV_SECRET_KEY)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
VAR_DIR = Path(env.str("DJANGO_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "guardian",
    "simple_history",
    "django_htmx",
    "django_filters",
    "template_partials",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "branches",
    "cases",
    "audit",
    "reviews",
    "imports",
    "reminders",
    "plans",
    "stats",
    "partystats",
    "dossier",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "cases.upload_limit.UploadSizeLimitMiddleware",  # before anything reads the body
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "config.middleware.SessionLifetimeMiddleware",
    "config.middleware.NoStoreMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "branches.gate.AccountGateMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_ratelimit.middleware.RatelimitMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a lockout into the Chinese lockout page
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "branches.context_processors.roles",
                "imports.context_processors.imports",
                "reminders.context_processors.bell",
                "audit.context_processors.audit",
                "partystats.context_processors.partystats",
            ],
            "builtins": ["template_partials.templatetags.partials"],
        },
    }
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# SQLite shared by web, worker and beat: WAL, BEGIN IMMEDIATE and a busy timeout (config/sqlite.py).
sqlite.configure(DATABASES["default"])
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out account or address
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
ANONYMOUS_USER_NAME = None  # guardian: no anonymous user row
GUARDIAN_RAISE_403 = False
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "cases:dashboard"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "branches.passwords.MinimumLengthValidator",
        "OPTIONS": {"min_length": env.int("DJANGO_PASSWORD_MIN_LENGTH", default=10)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login throttling (django-axes): after AXES_FAILURE_LIMIT failures within the cool-off, the account
# is locked from every address, and the address for every account, until the cool-off ends or an
# admin deletes the attempts (管理后台 → Access attempts, or `manage.py axes_reset_username NAME`).
# A success does not wipe the failures: that would let anyone with one valid account reset the
# count of the address they share with an attack.
AXES_FAILURE_LIMIT = env.int("DJANGO_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env.int("DJANGO_LOGIN_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_LOCKOUT_TEMPLATE = "account/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "cases.web.client_ip"  # the address the audit trail records
AXES_RESET_ON_SUCCESS = False
AXES_VERBOSE = False  # no banner on every start (manage.py, workers)

# Second factor (django-otp, TOTP). Anyone may enrol; with DJANGO_REQUIRE_2FA=1 committee officers,
# the department and staff/superusers must, before they can use anything (branches/two_factor.py).
REQUIRE_2FA = env.bool("DJANGO_REQUIRE_2FA", default=False)
OTP_TOTP_ISSUER = "发展党员全程纪实"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
# Chinese for the strings Django's and the packages' own catalogues leave in English (the admin).
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
MEDIA_ROOT = Path(env.str("DJANGO_MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Excel import limits (imports.importer.limits reads them; the web check, the worker and
# manage.py import_cases alike). Applied while the workbook streams, before any row is checked.
IMPORT_MAX_FILE_BYTES = env.int("IMPORT_MAX_FILE_BYTES", default=10 * 1024 * 1024)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=10_000)  # rows below the header, blank ones included
IMPORT_MAX_COLUMNS = env.int("IMPORT_MAX_COLUMNS", default=60)  # the template has 40
IMPORT_MAX_CELLS = env.int("IMPORT_MAX_CELLS", default=600_000)  # cells in the sheet, styled blanks included
# 10,000 full template rows unzip to about 17 MB of sheet XML; far more is a zip bomb.
IMPORT_MAX_UNZIPPED_BYTES = env.int("IMPORT_MAX_UNZIPPED_BYTES", default=64 * 1024 * 1024)
# A queued or running check/import that has not reported progress for this long has lost its worker:
# its page says so and offers a retry.
IMPORT_STALL_SECONDS = env.int("IMPORT_STALL_SECONDS", default=300)

# Uploads: materials are PDF/JPG/PNG scans; anything larger is refused with a Chinese message.
MAX_UPLOAD_BYTES = env.int("MAX_UPLOAD_BYTES", default=10 * 1024 * 1024)
# A scanned JPG is decoded to check it: an A3 page at 600 dpi is about 70 million pixels; more is a bomb.
MAX_UPLOAD_IMAGE_PIXELS = env.int("MAX_UPLOAD_IMAGE_PIXELS", default=80_000_000)
# A request body bigger than the largest file of any upload (a scan above, or an import workbook)
# plus the form around it is refused from its Content-Length, unread (cases/upload_limit.py).
MAX_UPLOAD_REQUEST_BYTES = env.int(
    "MAX_UPLOAD_REQUEST_BYTES", default=max(MAX_UPLOAD_BYTES, IMPORT_MAX_FILE_BYTES) + 256 * 1024
)
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# Forms that say whether a 公民身份号码 is registered (create, edit): POSTs per user.
ID_LOOKUP_RATES = env.list("ID_LOOKUP_RATES", default=["10/m", "200/d"])
# An import's check tells for each row whether its number is registered: uploads per user.
IMPORT_UPLOAD_RATES = env.list("IMPORT_UPLOAD_RATES", default=["20/h", "60/d"])
RATELIMIT_VIEW = "cases.views.throttle.ratelimited"
if max(len(ID_LOOKUP_RATES), len(IMPORT_UPLOAD_RATES)) > 3:  # cases/views/throttle.py has three slots
    raise ImproperlyConfigured("ID_LOOKUP_RATES / IMPORT_UPLOAD_RATES: at most three rates each")

SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# The public address printed in letters' QR codes (verification page); empty = the deciding request's host.
SITE_URL = env.str("SITE_URL", default="")
# The public verification page answers one address this often (django-ratelimit syntax), then 429.
VERIFY_RATE_LIMIT = env.str("VERIFY_RATE_LIMIT", default="30/m")

# E-mail (the reminders' daily digest): EMAIL_URL (e.g. smtp+tls://user:pass@mail.example.org:587,
# parsed by django-environ); without it DJANGO_EMAIL_BACKEND, and by default files under var/mail/
# so that a newcomer can read what would have been sent.
if env.str("EMAIL_URL", default=""):
    globals().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = env.str(
        "DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend"
    )
    EMAIL_FILE_PATH = str(VAR_DIR / "mail")
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
# The public address the digest's links start with (the letters' QR codes use SITE_URL or the request).
REMINDER_SITE_URL = SITE_URL or "http://127.0.0.1:8000"
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default="noreply@dangjian.local")

# Celery: Redis when REDIS_URL is set, otherwise kombu's filesystem transport in VAR_DIR.
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_QUEUE_DIR = VAR_DIR / "celery"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {}
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_QUEUE_DIR / "queue"),
        "data_folder_out": str(CELERY_QUEUE_DIR / "queue"),
        "processed_folder": str(CELERY_QUEUE_DIR / "processed"),
        "control_folder": str(CELERY_QUEUE_DIR / "control"),
        "store_processed": False,
        "polling_interval": 1,
    }
    for folder in ("queue", "processed", "control"):
        (CELERY_QUEUE_DIR / folder).mkdir(parents=True, exist_ok=True)
# One cache shared by every process (rate limits, login lockouts): Redis when REDIS_URL is set,
# otherwise files under VAR_DIR, which web, worker and beat on one machine all see.
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }
    # django-ratelimit calls a file cache "not shared"; on one machine it is.
    SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# The hour (0–23, Asia/Shanghai) of the daily deadline reminders' sweep (config/celery.py).
REMINDER_SWEEP_HOUR = env.int("REMINDER_SWEEP_HOUR", default=6)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint logs every layout step at INFO: keep the worker's log readable.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# The 2026 revision of the 细则 takes effect on this date unless an admin changes it in the
# rule settings (cases.RuleSettings); this is only the default for a fresh database.
RULES_2026_DEFAULT_EFFECTIVE = "2026-05-11"
SIMPLE_HISTORY_REVERT_DISABLED = True  # history is read-only for everyone, admins included

# The audit seal (audit.keys): key id → secret, newest first; the first (or AUDIT_HMAC_SIGNING_KEY)
# seals, all verify. Kept outside the database; the development default is flagged by check --deploy.
AUDIT_HMAC_KEYS = {k: v for k, v in env.dict("AUDIT_HMAC_KEYS", default={}).items() if k and v} or {
    "dev": "dev-insecure-audit-key-change-me"
}
AUDIT_HMAC_SIGNING_KEY = env.str("AUDIT_HMAC_SIGNING_KEY", default="")

# ---- Deployment hardening (issue 8: the production start, HTTPS, CSP, sessions, logs) -------------
# DJANGO_ENV=production is set by the Dockerfile: starting the image is a production start. It refuses
# a missing, default or weak secret key, turns on HTTPS-only behaviour, and seed_demo refuses to run.
DJANGO_ENV = env.str("DJANGO_ENV", default="development")
PRODUCTION = DJANGO_ENV == "production"
if PRODUCTION and (
    SECRET_KEY == DEV_SECRET_KEY
    or len(SECRET_KEY) < 50
    or len(set(SECRET_KEY)) < 5
    or SECRET_KEY.startswith("django-insecure-")
):
    raise ImproperlyConfigured(
        "生产环境拒绝启动：DJANGO_SECRET_KEY 未设置、是默认值或太弱（至少 50 个字符、5 种以上不同字符）。"
        " Production start refused: set DJANGO_SECRET_KEY to a long random value, e.g."
        " python -c 'import secrets; print(secrets.token_urlsafe(50))'"
    )
# The demo county and its logins (admin / demo12345 …) are built only on the embedded SQLite
# database, unless seed_demo is given --allow-any-database (make run: DEMO=1); never in production.
DATABASE_IS_EMBEDDED = not env.str("DATABASE_URL", default="")

# HTTPS. TLS ends at a reverse proxy in front of gunicorn: DJANGO_BEHIND_PROXY=1 trusts its
# X-Forwarded-Proto header (only safe when nothing but the proxy can reach gunicorn).
SECURE_SSL_REDIRECT = env.bool("DJANGO_SSL_REDIRECT", default=PRODUCTION)
# Behind it, the client's address is the last one the proxy appended to X-Forwarded-For
# (cases.web.client_ip: the audit trail, login lockouts and rate limits all read it).
BEHIND_PROXY = env.bool("DJANGO_BEHIND_PROXY", default=False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
RATELIMIT_IP_META_KEY = "cases.web.client_ip"
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=365 * 24 * 3600 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", default=PRODUCTION)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_HSTS_PRELOAD", default=PRODUCTION)
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# Content Security Policy (django-csp): no inline script or style anywhere, every asset from here.
# htmx's own indicator <style> is switched off in base.html (htmx-config) and lives in app.css.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# Sessions end after 30 minutes without a request (Django: the expiry moves on with every request)
# and 8 hours after login whatever happens (config.middleware.SessionLifetimeMiddleware).
SESSION_IDLE_SECONDS = env.int("DJANGO_SESSION_IDLE_MINUTES", default=30) * 60
SESSION_MAX_AGE_SECONDS = env.int("DJANGO_SESSION_MAX_HOURS", default=8) * 3600
SESSION_COOKIE_AGE = SESSION_MAX_AGE_SECONDS  # both limits are enforced by config.middleware

# A refused request (403) is logged as one line, without the PermissionDenied traceback.
LOGGING.setdefault("filters", {})["no_403_traceback"] = {"()": "config.log_filters.DropForbiddenTraceback"}
LOGGING["loggers"].setdefault("django.request", {}).setdefault("filters", []).append("no_403_traceback")

# 党内统计 (partystats): at what date a new member's age is taken — "approval" (the 上级党委审批 date,
# as the plans count 35岁以下) or "cutoff" (the report's cut-off day). Stocks always take the cut-off.
PARTYSTATS_AGE_ON = env.str("PARTYSTATS_AGE_ON", default="approval")
if PARTYSTATS_AGE_ON not in ("approval", "cutoff"):
    raise ImproperlyConfigured("PARTYSTATS_AGE_ON must be approval or cutoff")
# A cell changing by more than this share against the same period of last year asks for an explanation.
PARTYSTATS_CHANGE_SHARE = env.float("PARTYSTATS_CHANGE_SHARE", default=0.3)
