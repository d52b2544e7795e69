"""Settings for the career advisor: one module, switched by environment variables.

With no environment at all the service runs on SQLite, a Celery broker that needs no server
(kombu's filesystem transport) and emails written under ``var/``; with ``DATABASE_URL`` and
``REDIS_URL`` it runs on PostgreSQL and Redis. ``.env.example`` documents every variable.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A local .env is a convenience for developers; real deployments set the environment.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)
VAR_DIR = Path(env.str("VAR_DIR", default=str(BASE_DIR / "var")))

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off: generate one with "
            "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`."
        )
    SECRET_KEY = "insecure-development-key-only-used-with-debug-on"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# The base of the links in emails, which have no request to take their address from (pages
# build theirs from the request). By default the local web server on PORT, the variable
# honcho and most process managers give it. Honcho gives the worker and beat ports of their
# own, so `make run` sets SITE_URL for all three from the web server's port.
SITE_URL = env.str(
    "SITE_URL", default="http://127.0.0.1:{}".format(env.int("PORT", default=8000))
).rstrip("/")
SITE_NAME = env.str("SITE_NAME", default="Career Advisor")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    # Accounts: sign-up with email verification, login, password reset and change, with
    # rate limits and enumeration prevention (careers/accounts/ configures it).
    "allauth",
    "allauth.account",
    "simple_history",
    # One app per capability; comparisons and plans use content and accounts, never the
    # reverse, and all of them use core.
    "careers.core",
    "careers.accounts",
    "careers.content",
    "careers.comparisons",
    "careers.plans",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "careers.accounts.middleware.UserTimezoneMiddleware",
    # Inside the CSP and session middleware, so the page it renders gets their headers.
    "advisor.middleware.NotFoundPageMiddleware",
    # Axes must come last: it turns a locked-out login into its lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "advisor.urls"
WSGI_APPLICATION = "advisor.wsgi.application"
ASGI_APPLICATION = "advisor.asgi.application"

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
                "careers.core.context_processors.site",
            ],
        },
    },
]

# Databases ---------------------------------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # The web server, the worker and beat share one SQLite file: WAL lets readers proceed
    # during a write, and IMMEDIATE transactions take the write lock up front instead of
    # failing with "database is locked" when a read turns into a write.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE", "timeout": 20}
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis: the Celery broker and the shared cache (throttling, login lockouts) -----------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    # django-redis rather than Django's own Redis backend for one option: with Redis down, a
    # cache read answers "nothing cached" and a write is dropped, each with a logged warning,
    # instead of raising. Throttles then let requests through (fail open) rather than answer
    # 500, and /healthz still reports the broker as down. Short socket timeouts keep a dead
    # Redis from holding a request for long.
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "advisor",
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": env.float("REDIS_CACHE_CONNECT_TIMEOUT", default=0.5),
                "SOCKET_TIMEOUT": env.float("REDIS_CACHE_TIMEOUT", default=0.5),
            },
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    DJANGO_REDIS_LOGGER = "advisor.cache"
    # A signed-in request reads its session from Redis, the database only on a miss. Only
    # with a shared cache: a process's own cache would keep a session another signed out.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Advice "shown" counts wait in the cache (careers.content.feedback). Beat writes a shared
# cache's every minute; a cache of the process's own memory is written by the process
# itself, at most this many seconds after its last write (None: never, beat alone).
ADVICE_SHOWN_FLUSH_SECONDS = None if REDIS_URL else 60

# Celery ------------------------------------------------------------------------------------------
CELERY_BROKER_DIR = VAR_DIR / "broker"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    # A task a worker took but never acknowledged (the worker was SIGKILLed) goes back to the
    # queue after this many seconds. Far longer than the longest chunk takes (50 emails, a few
    # seconds), far shorter than an hour, so a killed worker delays its emails by minutes.
    # A retry's countdown may exceed it; the task is then delivered twice, which the
    # conditional claim makes harmless.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=300),
        # How often the workers look for such tasks, in seconds. Kombu's default scans on
        # every tenth 10-second tick, which could add 100 s to the timeout; one indexed
        # Redis read every 30 s costs nothing.
        "unacked_restore_interval": env.int("CELERY_RESTORE_INTERVAL", default=30),
        "unacked_restore_throttle": 1,
    }
else:
    CELERY_BROKER_URL = "filesystem://"
    for _folder in (
        CELERY_BROKER_DIR / "queue",
        CELERY_BROKER_DIR / "processed",
        CELERY_BROKER_DIR / "control",
        VAR_DIR / "celery-results",
    ):
        _folder.mkdir(parents=True, exist_ok=True)
    CELERY_RESULT_BACKEND = f"file://{VAR_DIR / 'celery-results'}"
    # One folder is both the outbox and the inbox: every process on this machine that uses
    # the embedded broker sees the same queue.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_DIR / "queue"),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        "store_processed": False,
        "control_folder": str(CELERY_BROKER_DIR / "control"),
    }
# No task's return value is read but the health ping's (which asks for its own). Storing them
# costs a Redis write per task, and with a Redis result store each send also subscribes for
# its result: with Redis down, that turned a publish refused in a second into 20 s of retries
# ending in a RuntimeError, instead of the broker error the dispatcher handles.
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_RESULT_EXPIRES = 3600
# A task is acknowledged after it ran, so a worker killed mid-task leaves it for another
# worker; tasks are written to be safe to run twice (a nudge delivery is taken from pending
# with a conditional UPDATE, so a second run of its task finds it taken and sends nothing).
CELERY_TASK_ACKS_LATE = True
# A worker process that dies mid-task (SIGKILL, out of memory) hands the task straight back
# to the queue instead of leaving it to the visibility timeout; safe for the same reason.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# A worker reserves one task at a time: a killed worker holds back one chunk, not a prefetch
# of many, and a long chunk never keeps others waiting behind it on a busy worker.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
# How often beat runs the nudge dispatcher; a nudge waits at most this long past its hour.
NUDGE_DISPATCH_MINUTES = env.int("NUDGE_DISPATCH_MINUTES", default=15)
# A pending nudge delivery whose task was enqueued this many seconds ago and has not run
# (lost with a broker restart, or never enqueued because the broker was down) is enqueued
# again by the requeue sweep. Longer than a chunk waits in a healthy queue.
NUDGE_REQUEUE_AFTER = env.int("NUDGE_REQUEUE_AFTER", default=300)
# How often beat runs the requeue sweep, in minutes.
NUDGE_REQUEUE_MINUTES = env.int("NUDGE_REQUEUE_MINUTES", default=5)
# The queue tasks go to and workers read; separate deployments can share one Redis.
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="celery")

# Email -------------------------------------------------------------------------------------------


def mailer_from_url(url: str) -> dict:
    """A MAILERS entry from django-environ's EMAIL_URL form (smtp://user:pass@host:port,
    smtp+tls://..., consolemail://, filemail:///path)."""
    config = environ.Env.email_url_config(url)
    backend = config["EMAIL_BACKEND"]
    if backend.endswith("smtp.EmailBackend"):
        options = {
            "host": config["EMAIL_HOST"],
            "port": config["EMAIL_PORT"],
            "username": config["EMAIL_HOST_USER"] or None,
            "password": config["EMAIL_HOST_PASSWORD"] or None,
            "use_tls": bool(config.get("EMAIL_USE_TLS")),
            "use_ssl": bool(config.get("EMAIL_USE_SSL")),
            "timeout": env.int("EMAIL_TIMEOUT", default=10),
        }
    elif backend.endswith("filebased.EmailBackend"):
        options = {"file_path": config["EMAIL_FILE_PATH"] or str(VAR_DIR / "mail")}
    else:
        options = {}
    return {"BACKEND": backend, "OPTIONS": options}


EMAIL_URL = env.str("EMAIL_URL", default="")
MAILERS = {
    "default": mailer_from_url(EMAIL_URL)
    if EMAIL_URL
    else {
        # Embedded default: every email is written as a file under var/mail/.
        "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "OPTIONS": {"file_path": str(VAR_DIR / "mail")},
    }
}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Career Advisor <advisor@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Authentication ----------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    # Axes counts failed logins (web form, admin and the API token endpoint alike).
    "axes.backends.AxesStandaloneBackend",
    # Django's model backend, logging in by username or by email address (allauth's, which
    # ours extends). allauth's own stays listed so sessions it signed in still resolve; it
    # never accepts what ours refused.
    "careers.accounts.backends.AuthenticationBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "content:home"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24
# How many proxies in front of the app append to X-Forwarded-For: the client address is read
# that many hops from the right, so a forged header cannot dodge lockouts, rate limits or
# throttles (axes, allauth and DRF all read it).
PROXY_COUNT = env.int("PROXY_COUNT", default=0)

# Accounts (django-allauth): sign up with an email address and a password, and verify the
# address before the account can log in or get anything else from us.
ACCOUNT_ADAPTER = "careers.accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {
    "signup": "careers.accounts.forms.SignupForm",
    "login": "careers.accounts.forms.LoginForm",
    "add_email": "careers.accounts.forms.EmailChangeForm",
}
# No username to choose, so the form cannot say that one is taken: allauth makes one from
# the address. Existing accounts (the demo login among them) log in by username or email.
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
# The link in the email opens a page with a button: mail scanners follow links, and a GET
# must not confirm an address on their behalf.
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 3
# Sign-up with an address that has an account, and a reset for one that has none, answer
# exactly as for a new or a known address; the existing address gets a notice instead.
ACCOUNT_PREVENT_ENUMERATION = True
# A reset asked for an address without an account sends nothing: the form would otherwise
# let anyone make us mail any address, and that person never asked to hear from us.
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
# One address per account, changed by verifying the new one (the old one stays in use, for
# logins and nudges, until then).
ACCOUNT_CHANGE_EMAIL = True
# Sessions last SESSION_COOKIE_AGE, as they did before: no "remember me" box.
ACCOUNT_SESSION_REMEMBER = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
# Subjects are written in full in templates/account/email/.
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ALLAUTH_TRUSTED_PROXY_COUNT = PROXY_COUNT


def account_rates(variable: str, default: str, per: str) -> str:
    """An allauth rate limit from the environment: one or more ``<count>/<period>`` (period
    s, m, h or d, e.g. ``3/h`` or ``3/h,10/d``), counted per ``ip``, ``key`` or ``user``."""
    return ",".join(f"{rate.strip()}/{per}" for rate in env.str(variable, default).split(","))


# Counted in the default cache: with REDIS_URL every web process shares the counters, so a
# client cannot spread its requests over processes (locally, one process counts alone).
# Actions not named here keep allauth's defaults (reset links 20/m per client, password and
# address changes 5/m and 10/m per user).
ACCOUNT_RATE_LIMITS = {
    # Password-reset emails: per address asked for, and per client asking (a client spraying
    # many addresses).
    "reset_password": ",".join(
        [
            account_rates("RATE_LIMIT_RESET_PER_CLIENT", "20/h", "ip"),
            account_rates("RATE_LIMIT_RESET_PER_ADDRESS", "3/h", "key"),
        ]
    ),
    # Sign-ups (each sends an email), per client.
    "signup": account_rates("RATE_LIMIT_SIGNUP_PER_CLIENT", "10/h", "ip"),
    # Login attempts, per client; failed ones also per client and per account typed (axes
    # locks an account and address pair out on top of this).
    "login": account_rates("RATE_LIMIT_LOGIN_PER_CLIENT", "30/m", "ip"),
    "login_failed": ",".join(
        [
            account_rates("RATE_LIMIT_FAILED_LOGIN_PER_CLIENT", "10/m", "ip"),
            account_rates("RATE_LIMIT_FAILED_LOGIN_PER_ACCOUNT", "5/5m", "key"),
        ]
    ),
    # Verification emails (and "you already have an account" notices), per address.
    "confirm_email": account_rates("RATE_LIMIT_VERIFICATION_EMAIL_PER_ADDRESS", "1/3m", "key"),
}

AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)  # hours
# Lock the username being guessed from that address, not the whole address (shared NATs).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The login form's field (allauth's "login": a username or an email address).
AXES_USERNAME_FORM_FIELD = "login"
# The username as axes records it from any login (site, admin, API), cut to its column.
AXES_USERNAME_CALLABLE = "careers.accounts.lockout.lockout_username"
# Keep a log of failed logins for the admin, beyond the per-username counters.
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_IPWARE_PROXY_COUNT = PROXY_COUNT

# Internationalisation and time: store UTC, show each user's own zone ---------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# Static files ------------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Security ----------------------------------------------------------------------------------------
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Load balancers probe /healthz over plain HTTP from inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if not SECURE_SSL_REDIRECT:
    # Behind a proxy that terminates TLS and redirects HTTP itself, the app must not redirect
    # again; the deploy check's warning about it is answered by that proxy.
    SILENCED_SYSTEM_CHECKS = ["security.W008"]
# Every script and style comes from this app: no inline script, no CDN.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# REST API ----------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    # drf-spectacular, plus every error an operation can answer (careers/core/schema.py).
    "DEFAULT_SCHEMA_CLASS": "careers.core.schema.AutoSchema",
    "NUM_PROXIES": PROXY_COUNT,
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_THROTTLE_ANON", default="60/minute"),
        "user": env.str("API_THROTTLE_USER", default="600/minute"),
        "login": env.str("API_THROTTLE_LOGIN", default="10/minute"),
    },
    # JSON bodies nested past a fixed depth or holding lone surrogates are a 400, and no
    # message that echoes input can fail to render (careers/core/api.py).
    "DEFAULT_PARSER_CLASSES": [
        "careers.core.api.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_RENDERER_CLASSES": [
        "careers.core.api.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    # Services raise Django's ValidationError; the API answers it as a 400 like DRF's own.
    "EXCEPTION_HANDLER": "careers.core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Career Advisor API",
    "DESCRIPTION": (
        "People-centred comparison of AI career offers, weekly learning plans and the curated "
        "advice behind them. Authenticate with a token from POST /api/auth/token/ "
        "(header `Authorization: Token <key>`) or a browser session. Every operation lists "
        "the errors it can answer, each with its body; a 400 names the fields at fault. A few "
        "values have a format of this API's own (`week-start`: a Monday; `career-path-slug`, "
        "`scale-criterion-key`...: a published item, listed by the endpoint the field names)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

# Logging -----------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}, "mail.log": {"level": "WARNING"}},
}

# The interview every citation points into, and its length (validation bound for spans).
INTERVIEW_SOURCE = "interview"
INTERVIEW_LENGTH = "26:32"
# Curated items whose citation nobody has re-checked for this many days are "review due".
CITATION_REVIEW_DAYS = env.int("CITATION_REVIEW_DAYS", default=365)
# Editors see how decisions turned out only for groups of at least this many people.
OUTCOME_MIN_GROUP = env.int("OUTCOME_MIN_GROUP", default=10)
# Reverting from a historical version goes through the review workflow, not straight live.
SIMPLE_HISTORY_REVERT_DISABLED = True
DEMO_USERNAME = env.str("DEMO_USERNAME", default="demo")
DEMO_PASSWORD = env.str("DEMO_PASSWORD", default="advisor-demo-2026")
