"""Settings, read from environment variables.

With none set the project runs embedded: a SQLite file and Celery tasks executed in-process.
With DATABASE_URL and CELERY_BROKER_URL set it runs on PostgreSQL and Redis with real workers.
"""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")  # optional; real environment variables win

DEBUG = env.bool("DEBUG", default=False)

# A development key only while DEBUG is on: production must bring its own.
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set SECRET_KEY (or DEBUG=1 for development).")
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # third party
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "crispy_forms",
    "crispy_bootstrap5",
    "csp",
    "axes",
    "simple_history",
    "django_celery_beat",
    # ours, in dependency order: each app imports only from those above it
    "crm.users",
    "accounts",
    "opportunities",
    "campaigns",
    "crm",  # the project layer: role homes, the nightly run, demo data
    "crm.analytics",  # the reports, composing every app above (project layer)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "crm.users.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # last, as django-axes asks: it turns lockouts raised by the auth backend into responses
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "crm.urls"

# What the apps above accounts show on the account 360 page (see accounts/panels.py).
ACCOUNT_PAGE_PANELS: list[str] = [
    "accounts.scoring.panels.score_panel",
    "opportunities.panels.account_pipeline_panels",
    "opportunities.qbr.panels.account_qbr_panels",
]
# A hearing that marks the customer hesitant pauses offers and books a CS follow-up this
# many days later ("take a note, don't push").
HEARING_HESITATION_FOLLOW_UP_DAYS = env.int("HEARING_HESITATION_FOLLOW_UP_DAYS", default=30)
ACCOUNT_PAGE_PANELS.append("opportunities.offers.panels.account_offer_panels")

# Next-best-offer rules (opportunities/offers). Defaults from DESIGN.md "Offers":
# upsell when 90 % of the plan is used ("near or over the limit", 003) …
OFFER_UTILISATION_THRESHOLD = 0.9
# … or when the last 30 days' usage is 50 % above the 30 days before ("grew fast", 003) …
OFFER_GROWTH_THRESHOLD = 0.5
# … or when a trial or a free plan ends within this many days (002).
OFFER_TRIAL_DAYS = 30
# Down-sell to a low-loyalty or churn-risk account whose renewal is this close (000, 002).
OFFER_RENEWAL_DAYS = 60
# Price anchoring: an add-on costs at most this share of the current monthly spend (003).
OFFER_ANCHOR_SHARE = 0.30
# Contact cap: cards plus logged contacts in OFFER_CONTACT_WINDOW_DAYS; more is pushing (002).
OFFER_CONTACT_CAP = 4
OFFER_CONTACT_WINDOW_DAYS = 30
# A dismissed offer of a product stays away this long.
OFFER_COOLDOWN_DAYS = 90
# A detractor answer (0-6) pauses offers this long (002).
OFFER_DETRACTOR_QUIET_DAYS = 90
# A QBR this close is the moment to raise the offer (003).
OFFER_QBR_WINDOW_DAYS = 30
# The fiscal closing month is a moment when it is at most this many months away.
OFFER_FISCAL_MONTHS_AHEAD = 2
# Affinity is learnt from accounts of these tiers ("loyal customers buy together", 002).
OFFER_AFFINITY_TIERS = ["high"]
# A live card older than this is expired by the publish step (it had its chance).
OFFER_CARD_DAYS = 45
# Base probability of each rule being won; medium loyalty scales it by 0.8, churn risk 0.6.
OFFER_PROBABILITY = {
    "upsell_trial_end": 0.45,
    "upsell_overage": 0.40,
    "upsell_utilisation": 0.30,
    "upsell_growth": 0.25,
    "cross_sell_affinity": 0.20,
    "down_sell_renewal": 0.50,
    "watch_condition_met": 0.60,
}
# Cards shown on the rep's dashboard before "show more".
OFFER_DASHBOARD_CARDS = 5
# Chunks of a nightly step (score, offers) that one process works on at once, each in a
# thread with its own connection (PostgreSQL only; accounts.chunks). A chunk spends about half
# its time waiting on the database, so two threads keep both of a 2-core machine's cores busy
# when the night runs in one process (no broker: `run_nightly` from cron); workers take
# chunks on top of these.
NIGHTLY_THREADS = env.int("NIGHTLY_THREADS", default=2)

# Reports (crm/analytics). A group of fewer accounts than this is flagged: one customer more
# or less moves its average too much to act on (e.g. 2 accounts: one upgrade doubles it).
ANALYTICS_SMALL_GROUP = env.int("ANALYTICS_SMALL_GROUP", default=5)
# Gross margin used by LTV (share of revenue left after the cost of serving it). 75 % is the
# usual figure for B2B SaaS (hosting, support and payment costs take 20-30 %); set your own.
ANALYTICS_GROSS_MARGIN = env.float("ANALYTICS_GROSS_MARGIN", default=0.75)
# LTV divides by the monthly churn rate; a group that lost nobody would be worth for ever,
# so its lifetime is capped at five years, the horizon a sales plan reasonably counts on.
ANALYTICS_LTV_MAX_MONTHS = env.int("ANALYTICS_LTV_MAX_MONTHS", default=60)
WSGI_APPLICATION = "crm.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "crm.context_processors.navigation",
            ],
        },
    },
]

# Database: a SQLite file unless DATABASE_URL says otherwise.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The in-process tasks write while pages read: WAL lets readers go on during a write,
    # and IMMEDIATE transactions fail fast on a busy database instead of deadlocking.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # No JIT compilation: it pays off for long analytical queries, not for ours (compiling
    # took 0.5-2.7 s of report aggregates that then ran in 0.2-2 s at 100,000 accounts), and
    # room for the reports' hash aggregates (at the default 4 MB they spill to disk: the NPS
    # report's took 2.6 s, 1.7 s with 32 MB). See docs/benchmarks.md, reports. A DATABASE_URL
    # with ?options=... replaces these.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "options", "-c jit=off -c work_mem=32MB"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache holds the reports' daily figures (crm/analytics/cache.py) and the API's throttle
# counters. In-process memory by default; with a Redis broker, that Redis unless CACHE_URL
# says otherwise, so that every gunicorn worker (and machine) shares one copy of a report.
# It takes the broker's next database, not the broker's own: clearing a Django cache empties
# its whole Redis database, which would drop the queued tasks with it.
_REDIS_BROKER = urlsplit(env.str("CELERY_BROKER_URL", default=""))
if _REDIS_BROKER.scheme in ("redis", "rediss"):
    _broker_db = int(_REDIS_BROKER.path.strip("/") or 0)
    _DEFAULT_CACHE = urlunsplit(_REDIS_BROKER._replace(path=f"/{(_broker_db + 1) % 16}"))
else:
    _DEFAULT_CACHE = "locmemcache://"
CACHES = {"default": env.cache("CACHE_URL", default=_DEFAULT_CACHE)}
CACHES["default"].setdefault("KEY_PREFIX", "crm")

# Authentication
AUTH_USER_MODEL = "users.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "users:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "users:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_COOKIE_AGE = 12 * 60 * 60  # one working day; a shared office PC must not stay logged in

# django-axes: lock a username from one address for a while, never an address for ever.
# The default (IP only, no cool-off) would lock out a whole office behind one NAT.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Emails are case-insensitive here, so the counter must be too, or a case change would reset it.
AXES_USERNAME_CALLABLE = "crm.users.throttling.login_throttle_username"
AXES_LOCKOUT_TEMPLATE = "users/lockout.html"
AXES_VERBOSE = False

# Internationalisation: Japanese first, English second.
LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("Japanese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "crm" / "locale"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

# Static files: vendored Bootstrap, htmx and Chart.js; nothing comes from a CDN.
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "media/"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Security. The secure defaults apply whenever DEBUG is off; `check --deploy` stays silent.
HTTPS = env.bool("HTTPS", default=not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

# Content-Security-Policy: our own origin only. Scripts are files from static/; a script that
# must be inline carries the per-request nonce. No inline styles either.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],  # Bootstrap draws its form icons as data: SVGs
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "object-src": [NONE],
    },
}

# REST API: locked down unless a view says otherwise.
REST_FRAMEWORK = {
    # Token first: an anonymous call then answers 401 with "WWW-Authenticate: Token".
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "accounts.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    # Decimals (usage quantities, prices per unit) travel as JSON numbers, as clients send them.
    "COERCE_DECIMAL_TO_STRING": False,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    # Services raise Django's ValidationError; the API answers it as a 400 like its own.
    "EXCEPTION_HANDLER": "accounts.api.exceptions.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    # Per client per minute: anonymous callers only ever get 401, so a few suffice; a user's
    # integration loading usage in bulk sends far fewer requests than this.
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_ANON_RATE", default="30/minute"),
        "user": env.str("API_USER_RATE", default="600/minute"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "CRM API",
    "DESCRIPTION": (
        "Accounts, their subscriptions and usage, loyalty scores and the pipeline.\n\n"
        "Lists come in pages; follow `next` until it is null. Lists of things have numbered "
        "pages with a `count`; the history lists (usage, activities, NPS answers, orders, "
        "loyalty scores) page by an opaque `cursor`, without a count: each page starts after "
        "the previous page's last row, so rows written meanwhile are neither skipped nor "
        "repeated."
    ),
    "VERSION": "1.0.0",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "DismissReasonEnum": "opportunities.models.DismissReason",
        "OfferKindEnum": "campaigns.models.CampaignType",  # also an offer card's kind
        "CampaignStatusEnum": "campaigns.models.Campaign.Status",
        "TargetStatusEnum": "campaigns.models.TargetStatus",
        "TargetReasonEnum": "campaigns.models.TargetReason",
    },
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "accounts.api.schema.document_error_responses",
    ],
}

# Celery. Without a broker, tasks run in-process as they are called (the embedded default).
CELERY_TASK_ALWAYS_EAGER = "CELERY_BROKER_URL" not in env
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="memory://")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = (
    env.str(
        "CELERY_RESULT_BACKEND",
        default=CELERY_BROKER_URL if CELERY_BROKER_URL.startswith("redis") else "",
    )
    or None
)
CELERY_RESULT_EXPIRES = timedelta(days=1)
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_TASK_TIME_LIMIT = 30 * 60
# Reliability, proved by the fault drills in tests/faults (docs/fault-drills.md).
# A task is acknowledged when it has finished, not when it starts, and a pool process killed
# mid-task (the OOM killer, a SIGKILL) hands its message back to the queue at once: every
# task here is idempotent (the night resumes after its last step, a chunk is written once,
# an import is claimed once), so running one again is always safe and losing one is not.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# Long chunks must not be handed to a second worker while the first is still on them.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # A message a whole worker took with it when it died (its machine lost, not just a pool
    # process) comes back after this long; the nightly run is also taken over at once by any
    # new trigger (`manage.py run_nightly`), see crm/nightly.py.
    "visibility_timeout": 2 * 60 * 60,
    # Redis that refuses or does not answer must not hold a page for minutes (the default
    # connect timeout is the operating system's, about two minutes on a lost host).
    "socket_connect_timeout": 2,
    "socket_timeout": 10,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# A page that queues work tries three times within about a second and then tells the user
# it could not (accounts/background.py enqueue()); the drill measures ~1 s on a refused port.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 0.5,
}
# Outcomes live in the database (import jobs, the nightly and scoring runs), and nothing
# waits on a task's return value. Storing none also keeps a page that queues work from
# subscribing to the result store first: with Redis down that subscription alone retried for
# 19 s and then raised a RuntimeError (a 500). A caller that wants a result asks for it with
# apply_async(..., ignore_result=False).
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# The queue tasks are sent to and workers listen on, unless told otherwise: two environments
# sharing one Redis keep apart, and a test's own workers get the chunks their night sends.
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="celery")
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    "nightly-run": {
        "task": "crm.tasks.nightly_run",
        "schedule": crontab(hour=2, minute=0),  # 02:00 Asia/Tokyo, before anyone is at work
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
