"""Marginalia settings: everything that differs between machines comes from the environment."""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("MARGINALIA_DATA_DIR", BASE_DIR / "data"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)


def persistent_secret_key() -> str:
    """A random key kept in the data folder: never a fixed default anyone could read here."""
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        # Created private (0600) from the start, not chmod-ed after being readable for a moment.
        with os.fdopen(os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as f:
            f.write(secrets.token_urlsafe(50))
    return key_file.read_text().strip()


SECRET_KEY = os.environ.get("SECRET_KEY") or persistent_secret_key()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # The search index's vector column (search.models); harmless on SQLite.
    "django.contrib.postgres",
    "django_htmx",
    # Before django_tasks_db: its `db_worker` command is fics' own (it takes back imports whose
    # worker died, and prunes old results), which wraps the library's.
    "fics",
    "django_tasks_db",
    "groups",
    "annotations",
    # After `annotations`: its receivers of fics.signals run first (search.receivers).
    "search",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "config.middleware.HtmxLoginRedirectMiddleware",
    # Last in the list, yet it answers before the body is read: every middleware's __call__ runs
    # before any process_view, and it is CSRF's process_view that reads request.POST.
    "config.middleware.RequestBodyLimitMiddleware",
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
                "django.template.context_processors.csp",
                "annotations.context_processors.groups_news",
            ],
        },
    },
]

if database_url := os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(database_url, conn_max_age=60)}
else:
    DATABASES = {
        "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": DATA_DIR / "marginalia.sqlite3"}
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The same for a DATABASE_URL naming an SQLite file: without them, concurrent writes fail
    # with "database is locked". Options given in the URL's query string still win.
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE takes the write lock at BEGIN, so two writers wait on the busy
        # timeout instead of failing with "database is locked" halfway through.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;"
        ),
    } | DATABASES["default"].get("OPTIONS", {})
    # Opening SQLite and running those pragmas on every request cost more than a cached page.
    DATABASES["default"].setdefault("CONN_MAX_AGE", 600)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Lets fics.db.prepared_cursor prepare its statements: Django's own cursors bind values on
    # the client and are never prepared, whatever this says. None, Django's default, sends
    # those unprepared too, as a pooler in transaction mode that drops prepared statements needs.
    DATABASES["default"]["OPTIONS"] = {"prepare_threshold": 5} | DATABASES["default"].get(
        "OPTIONS", {}
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache keeps drawn chapters and readers' pages (annotations.chapter_source, chapter_page).
# Their keys carry versions read from the database, so every process may keep its own copy: the
# local-memory cache needs nothing installed. With several app servers, REDIS_URL shares one
# (Django's RedisCache; `pip install redis`), so a page is drawn once for all of them.
#
# Sessions are read on every page, so they are cached too ("cached_db": written through to the
# database, read from the cache). That cache must be one for all processes, or a process could
# read a session another had changed: files in the data folder, or Redis.
if redis_url := os.environ.get("REDIS_URL"):
    redis = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}
    CACHES = {"default": redis, "sessions": redis}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            # A chapter page is up to a few hundred kB: this bounds each process's share.
            "OPTIONS": {"MAX_ENTRIES": 400},
        },
        "sessions": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": DATA_DIR / "sessions",
            "OPTIONS": {"MAX_ENTRIES": 10_000},
        },
    }
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_CACHE_ALIAS = "sessions"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# ModelBackend, with the user of each request read by one written-out query (config/auth.py).
AUTHENTICATION_BACKENDS = ["config.auth.ReaderBackend"]
LOGIN_URL = "login"
# Failed logins are counted here (config/login.py): in files, so that every server process sees
# the same counts.
CACHES["login_failures"] = {
    "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
    "LOCATION": DATA_DIR / "login-failures",
    # When full, the cache drops a third of its entries at random, counts included: leave room
    # for floods far beyond the limits.
    "OPTIONS": {"MAX_ENTRIES": 10_000},
}
# Mail serves password resets only, and only once an SMTP server is named: without one the reset
# pages do not exist (config.views.needs_mail). A reset link logs in as its reader, so it goes by
# SMTP or not at all. Never the console backend: it would write every reset link into the server
# log, for anyone who reads the log to take the account over, while the reader waits for a mail.
MAILERS = {}
if email_host := os.environ.get("EMAIL_HOST"):
    MAILERS["default"] = {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": email_host,
            "port": int(os.environ.get("EMAIL_PORT", "587")),
            "username": os.environ.get("EMAIL_HOST_USER", ""),
            "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("EMAIL_USE_TLS", True),
            # A slow mail server must not hold a worker for long.
            "timeout": 10,
        },
    }
    DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", f"marginalia@{email_host}")
else:
    # No mailer is the intended state without a mail server, not a mistake to warn about.
    SILENCED_SYSTEM_CHECKS = ["mail.W001"]
# Only where a proxy we run appends the client's address to X-Forwarded-For; otherwise clients
# could write any address there, and every reader behind the proxy would share the proxy's one.
TRUST_X_FORWARDED_FOR = env_bool("TRUST_X_FORWARDED_FOR", False)
LOGIN_REDIRECT_URL = "library"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "staticfiles"
# WhiteNoise looks here even before any collectstatic: let it find an (empty) folder.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage",
    },
}
# Serve straight from the app folders too, so `runserver` and the tests need no collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Largest story file accepted, in megabytes (upload page and import_fics alike).
MAX_UPLOAD_MB = int(os.environ.get("MAX_UPLOAD_MB", "20"))
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_UPLOAD_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = MAX_UPLOAD_BYTES
# All of one request to an upload page: several story files and the form around them (+1 MB).
# config.middleware.RequestBodyLimitMiddleware refuses larger bodies before reading them.
MAX_UPLOAD_REQUEST_MB = int(os.environ.get("MAX_UPLOAD_REQUEST_MB", str(5 * MAX_UPLOAD_MB)))
MAX_UPLOAD_REQUEST_BYTES = MAX_UPLOAD_REQUEST_MB * 1024 * 1024 + 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FILES = 200

# Imports run in the background (fics.tasks): their queue is a table in the database, worked by
# `manage.py db_worker` (`make run` starts one). Each file is read in a child process under these
# limits, so that a hostile file fails alone.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
IMPORT_MEMORY_LIMIT_MB = int(os.environ.get("IMPORT_MEMORY_LIMIT_MB", "1024"))
IMPORT_CPU_LIMIT_SECONDS = int(os.environ.get("IMPORT_CPU_LIMIT_SECONDS", "120"))
# A worker renews the lease of the import it runs four times a period; an import whose lease ran
# out lost its worker (killed, its machine gone) and is queued again (fics.tasks).
IMPORT_LEASE_SECONDS = float(os.environ.get("IMPORT_LEASE_SECONDS", "30"))
# Works added by address are fetched by FanFicFare (fics.following) with its defaults, then this
# personal.ini, if given, for per-site options (https://github.com/JimmXinu/FanFicFare/wiki).
FANFICFARE_INI = os.environ.get("FANFICFARE_INI", "")

# Scripts only from our own origin: no inline script, no eval, nothing from elsewhere.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True  # htmx reads the token from the page, never the cookie
CSRF_FAILURE_VIEW = "config.views.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0"))
    if env_bool("BEHIND_HTTPS_PROXY", False):
        # Only trust X-Forwarded-Proto when a proxy we run sets it; otherwise clients could.
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
