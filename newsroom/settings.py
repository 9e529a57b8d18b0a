"""Newsroom settings: one module, every difference between environments comes from
environment variables (see README, "Configuration"). Local defaults are safe for a
laptop; production (DEBUG off) refuses to start without its secret key."""

import hashlib
import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


# DJANGO_ENV=production: DEBUG off whatever else is set, and no guessed secret or host
# name (a forgotten variable must stop the site, not run it with a public default).
PRODUCTION = os.environ.get("DJANGO_ENV", "").strip().lower() == "production"
if PRODUCTION and env_bool("DEBUG", False):
    raise ImproperlyConfigured(
        "DEBUG must be off when DJANGO_ENV=production: unset DEBUG or set DEBUG=0."
    )
DEBUG = False if PRODUCTION else env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (DJANGO_ENV=production): a long "
            "random string, for example from "
            "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`."
        )
    SECRET_KEY = "django-insecure-local-development-only"

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", [] if PRODUCTION else ["localhost", "127.0.0.1", "[::1]"]
)
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS must be set when DJANGO_ENV=production: the comma-separated "
        "host names the site answers to, for example news.example.org."
    )
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "taggit",
    "reversion",
    "csp",
    "axes",
    "articles",
    "photos",
    "operations",
    "live",
    "fronts",
    "pagecache",
]

MIDDLEWARE = [
    # First: a stored page already carries the headers the middleware below added
    # (security, CSP, validators), so a hit replays them and skips everything else.
    # Signed-in users and every write pass straight through (docs/caching.md).
    "pagecache.middleware.PageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    # ETag/Last-Modified and 304s for every page, cached or not.
    "django.middleware.http.ConditionalGetMiddleware",
    # Anonymous readers' GETs read from the replica, if any; before anything reads.
    "newsroom.routers.ReplicaReadsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A view that finds the database away answers 503, keeping an editor's text.
    "operations.outage.DatabaseOutageMiddleware",
    # Last, as django-axes requires: it turns a locked-out login into its lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "newsroom.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "newsroom" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "articles.context_processors.site",
            ],
        },
    },
]

WSGI_APPLICATION = "newsroom.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        # Persistent connections: a new connection per request cost a story page
        # two thirds of its speed (#7). Gunicorn's sync workers serve one request
        # at a time, so one kept connection per worker is all a pool would give.
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# On PostgreSQL the story page's query (articles/lookup.py) runs as a prepared
# statement, planned once per connection: planning was a third of its time (#7). A
# pooler that cannot keep prepared statements (PgBouncer before 1.21 in transaction
# mode) needs DATABASE_PREPARED_STATEMENTS=0.
PREPARED_STATEMENTS = os.environ.get("DATABASE_PREPARED_STATEMENTS", "1") == "1"
# A read replica answers anonymous readers' pages (newsroom/routers.py); writes,
# the admin, signed-in editors and migrations stay on the primary.
if DATABASE_REPLICA_URL := os.environ.get("DATABASE_REPLICA_URL", ""):
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL,
        conn_max_age=DATABASES["default"]["CONN_MAX_AGE"],
        conn_health_checks=True,
    )
    # In tests the replica is the test primary under a second name.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["newsroom.routers.PrimaryReplicaRouter"]
# How far the replica may fall behind: for this long after any write, readers read the
# primary, so no page is computed (and cached) from a copy missing that write.
DATABASE_REPLICA_MAX_LAG = float(os.environ.get("DATABASE_REPLICA_MAX_LAG", "5"))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Page cache (docs/caching.md). REDIS_URL (redis://host:6379/0) shares it between
# machines; without it, files under CACHE_DIR share it between the processes of one
# machine (gunicorn's workers must all see an invalidation). Short socket timeouts:
# a Redis that is away makes pages slower, never stuck. Keys are namespaced by the
# database: two sites (or test servers) on one machine never share pages.
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHE_NAMESPACE = hashlib.sha256(
    repr(
        [DATABASES["default"].get(k) for k in ("ENGINE", "HOST", "PORT", "NAME")]
    ).encode()
).hexdigest()[:12]
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": CACHE_NAMESPACE,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "pagecache.filecache.PlainFileCache",  # uncompressed
            "LOCATION": Path(os.environ.get("CACHE_DIR", BASE_DIR / ".cache"))
            / CACHE_NAMESPACE,
            # Each write lists the folder to enforce this: ~5 ms at 5,000 files.
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }
PAGE_CACHE = env_bool("PAGE_CACHE", True)
# Rendered parts of story pages, kept by story version (pagecache/fragments.py):
# what a page the page cache cannot answer is made from.
FRAGMENT_CACHE = env_bool("FRAGMENT_CACHE", True)
# Seconds a CDN or browser may reuse a public page (and as long again while it
# revalidates): what readers behind a CDN may lag behind an edit.
PAGE_CACHE_MAX_AGE = int(os.environ.get("PAGE_CACHE_MAX_AGE", "30"))

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": (
            "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
        )
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "newsroom" / "static"]
# Fixed when the settings load, not by the test runner turning DEBUG off: tests and
# `make run` find static files in the apps; production serves the collected copies.
WHITENOISE_AUTOREFRESH = DEBUG
WHITENOISE_USE_FINDERS = DEBUG

MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Originals of uploaded photos: never under MEDIA_URL (they may carry GPS positions).
PRIVATE_MEDIA_ROOT = Path(
    os.environ.get("PRIVATE_MEDIA_ROOT", BASE_DIR / "private-media")
)

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed, compressed copies made by collectstatic (WhiteNoise serves them with
    # far-future caching); during development files come straight from the apps.
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
    "originals": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": PRIVATE_MEDIA_ROOT,
            "base_url": "/admin/articles/photo/original/",
        },
    },
}
# Media on S3-compatible object storage (AWS S3, MinIO, Ceph, R2…) by configuration
# alone. Both stores stay private, as buckets are by default: readers get renditions
# through /img/ (and a CDN in front), editors get originals through the admin; any
# URL the storage makes itself is signed and short-lived. Credentials come from
# AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or the machine's role) via boto3.
if AWS_STORAGE_BUCKET_NAME := os.environ.get("AWS_STORAGE_BUCKET_NAME", ""):
    S3_OPTIONS = {
        "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
        "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
        "querystring_auth": True,
        "querystring_expire": 300,
        "file_overwrite": False,
    }
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **S3_OPTIONS,
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "location": os.environ.get("AWS_MEDIA_PREFIX", "media"),
        },
    }
    STORAGES["originals"] = {
        "BACKEND": "articles.s3.OriginalsS3Storage",
        "OPTIONS": {
            **S3_OPTIONS,
            "bucket_name": os.environ.get("AWS_ORIGINALS_BUCKET_NAME")
            or AWS_STORAGE_BUCKET_NAME,
            "location": os.environ.get("AWS_ORIGINALS_PREFIX", "originals"),
        },
    }
    _media, _originals = (STORAGES[a]["OPTIONS"] for a in ("default", "originals"))
    _media_prefix = _media["location"].strip("/")
    if _media["bucket_name"] == _originals["bucket_name"] and (
        not _media_prefix
        or f"{_originals['location'].strip('/')}/".startswith(f"{_media_prefix}/")
    ):
        raise ImproperlyConfigured(
            "AWS_ORIGINALS_PREFIX must not lie inside AWS_MEDIA_PREFIX in one bucket: "
            "photo originals (with their GPS data) must never share the media files' "
            "place, which a CDN or a bucket policy may make public."
        )
PHOTO_MAX_UPLOAD_BYTES = int(os.environ.get("PHOTO_MAX_UPLOAD_MB", "25")) * 1024 * 1024

TAGGIT_CASE_INSENSITIVE = True

SITE_NAME = os.environ.get("SITE_NAME", "Newsroom")
ARTICLES_PER_PAGE = 20

# Production safety: on whenever DEBUG is off, each can be turned off by its variable
# (for example behind a proxy that terminates TLS and redirects by itself).
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY", False) else None
)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = int(
    os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000")
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
CSRF_COOKIE_HTTPONLY = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content-Security-Policy (django-csp): scripts and styles only from files of this
# site, never inline, so text that slips through as markup still cannot run. Pictures
# may also come from data: URLs (the admin's icons), the origin of an absolute
# MEDIA_URL (S3, a CDN) and the origins listed in IMAGE_ORIGINS.
IMAGE_ORIGINS = env_list("IMAGE_ORIGINS", [])
if urlsplit(MEDIA_URL).scheme in {"http", "https"}:
    IMAGE_ORIGINS.append("{0.scheme}://{0.netloc}".format(urlsplit(MEDIA_URL)))
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *IMAGE_ORIGINS],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "report-uri": env_list("CSP_REPORT_URI", []) or None,
    },
}

# Admin login protection (django-axes): LOGIN_FAILURE_LIMIT failed logins for one
# user name from one address lock that pair out for LOGIN_COOLOFF_MINUTES (another
# address, or another user, can still log in). Superusers see and lift lockouts in
# the admin (Axes → Access attempts) or with `manage.py axes_reset_username`.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(
    minutes=int(os.environ.get("LOGIN_COOLOFF_MINUTES", "30"))
)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "login_locked_out.html"
AXES_VERBOSE = False  # no banner on every command; failures are still logged
# Behind the TLS proxy the client's address is the last one the proxy appended to
# CLIENT_IP_HEADER; without a proxy that header is the client's to forge, so only
# the socket's address counts.
if env_bool("BEHIND_TLS_PROXY", False):
    AXES_IPWARE_META_PRECEDENCE_ORDER = (
        os.environ.get("CLIENT_IP_HEADER", "HTTP_X_FORWARDED_FOR"),
        "REMOTE_ADDR",
    )
    AXES_IPWARE_PROXY_COUNT = 0
    IPWARE_STRICT = False
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# Test material and the seed story live beside the clone, never inside it (copyright).
NEWSROOM_SHARED = Path(os.environ.get("NEWSROOM_SHARED", BASE_DIR.parent / "shared"))

# How long a signed preview link of an unpublished story keeps working.
PREVIEW_LINK_HOURS = int(os.environ.get("PREVIEW_LINK_HOURS", "48"))

# How often an open live story page asks for new entries (live.js), in seconds.
LIVE_POLL_SECONDS = float(os.environ.get("LIVE_POLL_SECONDS", "10"))
TAGGIT_TAGS_FROM_STRING = "articles.tags.parse_tags"
TAGGIT_STRING_FROM_TAGS = "articles.tags.edit_string"
