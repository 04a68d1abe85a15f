"""The one settings module. Everything that differs between machines comes from the
environment (see ``alliance.config.env``); nothing here should need editing to deploy."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from alliance.config.env import env_bool, env_int, env_list, env_str

PACKAGE_DIR = Path(__file__).resolve().parent.parent
# Where the embedded database, uploads and the demo's secret key live.
VAR_DIR = Path(env_str("ALLIANCE_VAR_DIR", str(Path.cwd() / "var"))).resolve()

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and not env_bool("ALLIANCE_TESTING", False):
        raise ImproperlyConfigured(
            "Set SECRET_KEY (or SECRET_KEY_FILE); `alliance demo` creates one under var/."
        )
    SECRET_KEY = "insecure-development-key-never-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "django_htmx",
    "django_tasks_db",
    "axes",
    "alliance.accounts",
    "alliance.partnerships",
    "alliance.engagement",
    "alliance.risks",
    "alliance.analytics",
    "alliance.scenarios",
    "alliance.interchange",
    "alliance.extraction",
    "alliance.attention",
    "alliance.web",
    "alliance.briefings",
    "alliance.api",
    # django-ninja: its browsable docs are served from its bundled static files (no CDN).
    "ninja",
    "alliance.notifications",
    "alliance.operations",
    # After Alliance's apps, whose templates override allauth's.
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below the static files: every page, export and feed is "no-store" (no copy in any cache).
    "alliance.accounts.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Each session's address, browser and last request, written at most every few minutes.
    "alliance.accounts.middleware.SessionActivityMiddleware",
    # The signed-in user's own language beats the browser's (see alliance.accounts.middleware).
    "alliance.accounts.middleware.UserLanguageMiddleware",
    # The counsellor team may not work without a second factor.
    "alliance.accounts.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A session unused for SESSION_IDLE_MINUTES ends (alliance.accounts.middleware).
    "alliance.accounts.middleware.IdleSessionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its lockout page.
    "axes.middleware.AxesMiddleware",
]
# The load bench's record of where each request's time goes (bench/web.py sets it on the
# server it starts; never in production): alliance.web.request_timing.
if env_bool("ALLIANCE_REQUEST_TIMING", False):
    MIDDLEWARE.insert(0, "alliance.web.request_timing.RequestTimingMiddleware")

ROOT_URLCONF = "alliance.config.urls"
WSGI_APPLICATION = "alliance.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "alliance.accounts.context.account",
                "alliance.web.context_processors.as_of",
            ],
        },
    },
]

# Django's form templates, with the choice widgets written out in Python (twenty times faster,
# byte for byte the same: alliance.web.forms.rendering).
FORM_RENDERER = "alliance.web.forms.rendering.FormRenderer"

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'alliance.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
# A kept connection (DATABASE_CONN_MAX_AGE) is checked before each request reuses it, so a
# restarted PostgreSQL costs the requests made while it was down, not the ones after.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True


def _postgresql_options(database: dict) -> None:
    """Do not hang a web thread on a server that does not answer: fail, and say so (503).
    And no JIT compilation: PostgreSQL compiles a query whose *estimated* cost passes
    ``jit_above_cost``, and the correlated counts of the portfolio are estimated at 8 million
    for a reader of 2,000 agreements — it then spent 3.96 s of its 4.4 s compiling a query
    that runs in 0.4 s. Short queries are what a web application sends; reports that would
    gain from JIT can turn it on for themselves (``DATABASE_JIT=on``)."""
    if not database["ENGINE"].endswith("postgresql"):
        return
    options = database.setdefault("OPTIONS", {})
    options.setdefault("connect_timeout", env_int("DATABASE_CONNECT_TIMEOUT", 5))
    if env_str("DATABASE_JIT", "off") != "on":
        options["options"] = " ".join(filter(None, [options.get("options", ""), "-c jit=off"]))


_postgresql_options(DATABASES["default"])
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Owner-only, as the database file itself (alliance.core.files).
    Path(DATABASES["default"]["NAME"]).parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    # Many users on the embedded database (one writer at a time): WAL lets readers read while
    # someone writes; a write transaction takes the write lock when it begins (IMMEDIATE), so it
    # waits its turn instead of failing with "database is locked" when it upgrades from a read;
    # and a writer waits up to SQLITE_BUSY_TIMEOUT_SECONDS for the lock before giving up.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": env_int("SQLITE_BUSY_TIMEOUT_SECONDS", 30),
        }
    )
# Read replicas of a PostgreSQL primary (docs/deployment.md): the pages that only read
# (portfolio, search, briefs) run their queries on one of them; every write, and every read in
# a transaction or outside those pages, stays on the primary (alliance.core.routers).
DATABASE_REPLICAS = []
for _number, _url in enumerate(env_list("DATABASE_REPLICA_URLS", []), start=1):
    DATABASES[f"replica{_number}"] = dj_database_url.parse(
        _url, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0)
    )
    DATABASES[f"replica{_number}"]["TEST"] = {"MIRROR": "default"}
    _postgresql_options(DATABASES[f"replica{_number}"])
    DATABASE_REPLICAS.append(f"replica{_number}")
DATABASE_ROUTERS = ["alliance.core.routers.ReplicaRouter"] if DATABASE_REPLICAS else []
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The cache holds short-lived counters shared by every web process: allauth's rate limits
# (password-reset e-mails, second-factor attempts) and the codes of authenticator apps already
# used (a code works once). In the database, so no process keeps them in memory; the table is
# made by ``migrate`` (accounts migration 0006).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "alliance_cache",
    }
}

TESTING = env_bool("ALLIANCE_TESTING", False)

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Argon2 is deliberately slow; the test suite creates hundreds of users.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The password policy, checked offline (no network at run time): at least 12 characters, not
# like the user's name, not in Django's list of 20,000 passwords common in breaches, and not
# guessable by zxcvbn, which matches the 30,000 most frequent passwords of a 10-million leak,
# names and words (also in leetspeak, repeated, reversed or joined), keyboard walks, sequences
# and dates, and estimates the guesses left (PASSWORD_MINIMAL_STRENGTH 3 of 4: about 10^10).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": max(12, env_int("PASSWORD_MIN_LENGTH", 12))},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django_zxcvbn_password_validator.ZxcvbnPasswordValidator"},
]
PASSWORD_MINIMAL_STRENGTH = 3
PASSWORD_EXTRA_DICTIONARY = ["alliance", "agreement", "partnership", "consortium"]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
# Login throttling (alliance.accounts.throttling): failures are counted per client address and
# per account separately, over the cool-off. An address that fails this often, whatever names
# it tries, waits; an account that fails more often than that (from several addresses) is
# locked until the cool-off ends or its owner sets a new password through the reset link.
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_ADDRESS_FAILURE_LIMIT", 10)
LOGIN_ACCOUNT_FAILURE_LIMIT = env_int("LOGIN_ACCOUNT_FAILURE_LIMIT", 20)
if LOGIN_ACCOUNT_FAILURE_LIMIT <= LOGIN_ADDRESS_FAILURE_LIMIT:
    raise ImproperlyConfigured(
        "LOGIN_ACCOUNT_FAILURE_LIMIT must be above LOGIN_ADDRESS_FAILURE_LIMIT: otherwise one "
        "address alone could lock any account."
    )
AXES_HANDLER = "alliance.accounts.throttling.LoginThrottle"
AXES_FAILURE_LIMIT = LOGIN_ADDRESS_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
# Failing again while locked does not push the end of the lock further (a lock anyone can
# keep alive would be a permanent one).
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# allauth's login form names its field "login" (a username or an e-mail address).
AXES_USERNAME_CALLABLE = "alliance.accounts.throttling.login_name"
# The client's address: the connection's, or behind this many reverse proxies of yours the
# address the outermost one saw (X-Forwarded-For is ignored otherwise: anyone can write it).
ALLIANCE_TRUSTED_PROXIES = env_int("ALLIANCE_TRUSTED_PROXIES", 0)
AXES_CLIENT_IP_CALLABLE = "alliance.accounts.throttling.client_address"
ALLAUTH_TRUSTED_PROXY_COUNT = ALLIANCE_TRUSTED_PROXIES
# Tests log users in through Django's test client, which gives the backend no request;
# the throttling test switches it back on.
AXES_ENABLED = not TESTING
LOGIN_URL = "account_login"
# The first page after login (the inbox once it exists; invitations land there too).
LOGIN_REDIRECT_URL = "inbox"  # "My week": what needs the user now, first
LOGOUT_REDIRECT_URL = "account_login"

# Accounts (django-allauth): log in with a username or an e-mail address; nobody signs up on
# their own (people come in through an invitation, see alliance.accounts.invitations).
ACCOUNT_ADAPTER = "alliance.accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {"login": "alliance.accounts.forms.LoginForm"}
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PRESERVE_USERNAME_CASING = False
ACCOUNT_LOGOUT_ON_GET = False
# The password stays the same on this device; every other session ends (see
# alliance.accounts.sessions).
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Alliance] "
# Throttling of logins is django-axes' (per address and per account); allauth keeps its limits
# on e-mails sent (password resets) and other actions.
ACCOUNT_RATE_LIMITS = {"login_failed": False}
# A password-reset link works once (it is bound to the password it replaces) and for this long.
PASSWORD_RESET_TIMEOUT = 60 * 60 * env_int("PASSWORD_RESET_HOURS", 24)

# Two-factor authentication (allauth's MFA): an authenticator app (TOTP), passkeys and
# security keys (WebAuthn), and recovery codes. Required for the counsellor team and for
# administrators (alliance.accounts.two_factor); a browser can be trusted for MFA_TRUST_DAYS.
MFA_ADAPTER = "alliance.accounts.adapter.TwoFactorAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_TOTP_ISSUER = env_str("MFA_TOTP_ISSUER", "Alliance")
# A code of the previous or next 30 seconds is accepted too (phones' clocks drift); each code
# works once.
MFA_TOTP_TOLERANCE = 1
MFA_TRUST_ENABLED = True
MFA_TRUST_COOKIE_AGE = timedelta(days=env_int("MFA_TRUST_DAYS", 14))
# Browsers allow WebAuthn only in a secure context (HTTPS, or http://localhost): over plain
# HTTP the demo's localhost is the only place where passkeys can work at all.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = env_bool(
    "WEBAUTHN_ALLOW_HTTP", not env_bool("SECURE_COOKIES", False)
)
# Users already set by an administrator may not have a confirmed address yet.
MFA_ALLOW_UNVERIFIED_EMAIL = True
# Off in the test suite only, where users log in with force_login; the tests of two-factor
# switch it back on.
MFA_REQUIRED_FOR_TEAM = env_bool("MFA_REQUIRED_FOR_TEAM", not TESTING)

# Active sessions (allauth's usersessions): device, address and last seen, each revocable.
# "Last seen" is refreshed at most this often (not a database write per request).
USERSESSIONS_TRACK_ACTIVITY = True
SESSION_ACTIVITY_INTERVAL = timedelta(minutes=5)

# E-mail (Django's MAILERS): SMTP when EMAIL_HOST is set; otherwise the demo writes each
# message to the console, or to a file under EMAIL_FILE_PATH when that is set, so that mail can
# be read without a mail server.
_use_tls = env_bool("EMAIL_USE_TLS", False)
_use_ssl = env_bool("EMAIL_USE_SSL", False)
if _use_tls and _use_ssl:
    raise ImproperlyConfigured("Set EMAIL_USE_TLS or EMAIL_USE_SSL, not both.")
if env_str("EMAIL_HOST", ""):
    _mailer: dict = {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": env_str("EMAIL_HOST"),
            "port": env_int("EMAIL_PORT", 465 if _use_ssl else 587 if _use_tls else 25),
            "username": env_str("EMAIL_HOST_USER", ""),
            "password": env_str("EMAIL_HOST_PASSWORD", ""),
            "use_tls": _use_tls,
            "use_ssl": _use_ssl,
            "timeout": env_int("EMAIL_TIMEOUT", 30),
        },
    }
elif env_str("EMAIL_FILE_PATH", ""):
    _mailer = {
        "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "OPTIONS": {"file_path": env_str("EMAIL_FILE_PATH")},
    }
else:
    _mailer = {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
MAILERS = {"default": _mailer}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Alliance <alliance@localhost>")
# The address links in scheduled e-mail point to (no request to read it from).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
# The scheduler on the task worker (alliance.notifications.scheduler): how often it ticks, when
# a run a killed worker left is started again, when a message caught mid-send is given up.
NOTIFICATION_TICK_SECONDS = env_int("NOTIFICATION_TICK_SECONDS", 60)
NOTIFICATION_RUN_TIMEOUT_SECONDS = env_int("NOTIFICATION_RUN_TIMEOUT_SECONDS", 1800)
# How ``alliance worker --queue bulk`` (the daily jobs) stays out of the pages' way
# (alliance.cli.yield_the_cores): the niceness it adds to itself; whether it runs only on CPU
# time nothing else wants (Linux's SCHED_IDLE); how many cores its threads may use (0: all but
# one, at least one).
WORKER_BULK_NICE = env_int("WORKER_BULK_NICE", 10)
WORKER_BULK_IDLE = env_bool("WORKER_BULK_IDLE", True)
WORKER_BULK_CORES = env_int("WORKER_BULK_CORES", 0)
NOTIFICATION_CLAIM_SECONDS = env_int("NOTIFICATION_CLAIM_SECONDS", 600)
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# Invitations to an agreement: a single-use link, valid this many days.
INVITATION_MAX_AGE_DAYS = env_int("INVITATION_MAX_AGE_DAYS", 14)
# What else ends with a membership, called as hook(actor=, user=, agreement=) inside the
# revoking transaction: calendar feeds now; API tokens of that agreement belong here too.
MEMBERSHIP_REVOKED_HOOKS = [
    "alliance.interchange.services.calendar_feeds_revoke_for_member",
    "alliance.api.services.api_tokens_revoke_for_member",
    "alliance.api.services.webhooks_revoke_for_member",
]
# Requests a minute per API token (or signed-in user) before 429 Too Many Requests.
API_RATE_LIMIT_PER_MINUTE = env_int("API_RATE_LIMIT_PER_MINUTE", 600)
# Outgoing webhooks (alliance.api.webhooks): HTTPS only; plain HTTP to this machine in tests
# and DEBUG only; addresses on private networks (a closed network's own receivers) only when
# allowed here.
WEBHOOK_ALLOW_LOCAL_HTTP = env_bool("WEBHOOK_ALLOW_LOCAL_HTTP", DEBUG or TESTING)
WEBHOOK_ALLOW_PRIVATE_NETWORKS = env_bool("WEBHOOK_ALLOW_PRIVATE_NETWORKS", False)
# What else the scheduler's tick runs (each called with the tick's time): webhooks' outbox.
SCHEDULER_TICK_HOOKS = ["alliance.api.webhooks.run"]

LANGUAGE_CODE = env_str("LANGUAGE_CODE", "en")
LANGUAGES = [("en", _("English")), ("fr", _("French")), ("de", _("German"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
# One date format per language (alliance/web/formats/<language>/formats.py).
FORMAT_MODULE_PATH = ["alliance.web.formats"]
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "media/"
MEDIA_ROOT = VAR_DIR / "media"
# Uploads (agreement documents, imported files) are their owner's only, whatever the umask.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Serve straight from the apps' static folders: no collectstatic step for the demo.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Confidential text at rest (see alliance.core.encryption): newest key first.
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS", [])
# The key `alliance backup --encrypt` encrypts with (a Fernet key; alliance.operations.backup).
BACKUP_ENCRYPTION_KEY = env_str("BACKUP_ENCRYPTION_KEY", "")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
# A session nobody used for this long ends (checked on the next request; the last activity is
# written into the session at most once a minute).
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 60)
SESSION_COOKIE_AGE = 60 * 60 * env_int("SESSION_MAX_HOURS", 24 * 7)

# HTTPS: redirect plain HTTP and tell browsers to use only HTTPS for SECURE_HSTS_SECONDS
# (start low, then a year: 31536000). Behind reverse proxies (ALLIANCE_TRUSTED_PROXIES),
# the outermost one says in X-Forwarded-Proto whether the client used HTTPS.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
if ALLIANCE_TRUSTED_PROXIES:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy (Django's own): scripts only from this site, with the page's nonce;
# nothing framed, posted or loaded from elsewhere. Style sheets only from this site (no
# <style> element: Plotly's run-time rules are served as vendor/plotly.css); style
# *attributes* stay allowed, the Gantt chart positions its bars with them and Plotly sizes its
# charts through them (an attribute cannot load anything or match other elements).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "style-src-elem": [CSP.SELF],
    "style-src-attr": [CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:", "blob:"],
    "font-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Two queues (alliance.operations.queues): "default" for what a person waits for (the
# recompute after a write, imports, mail), "bulk" for the daily portfolio recompute, each
# served by its own worker so that a write never waits behind the long job.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "bulk"],
    }
}
# Leases (alliance.operations.leases): a task whose worker stopped beating this long (or whose
# process is gone, on the same machine) is taken back; tried again after TASK_RETRY_SECONDS,
# doubling each time, up to TASK_MAX_ATTEMPTS attempts in all, then marked failed.
TASK_LEASE_SECONDS = env_int("TASK_LEASE_SECONDS", 60)
# Finished task results kept before the daily job prunes them (alliance.operations.results).
TASK_RESULTS_KEEP_DAYS = env_int("TASK_RESULTS_KEEP_DAYS", 14)
TASK_RESULTS_FAILED_KEEP_DAYS = env_int("TASK_RESULTS_FAILED_KEEP_DAYS", 90)
TASK_RETRY_SECONDS = env_int("TASK_RETRY_SECONDS", 30)
TASK_MAX_ATTEMPTS = env_int("TASK_MAX_ATTEMPTS", 3)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

# Insight snapshots already rendered in a reader's language, kept per process (MB of JSON);
# in the tests every hit is checked against what was stored, so a caller that changes shared
# data fails (alliance.analytics.snapshot_cache).
SNAPSHOT_CACHE_MB = env_int("SNAPSHOT_CACHE_MB", 64)
SNAPSHOT_CACHE_CHECK = TESTING
# Insight snapshots kept (alliance.analytics.retention): every one of the last
# INSIGHT_SNAPSHOTS_DAILY_DAYS days, then the last of each month; the daily job removes the
# others, INSIGHT_SNAPSHOTS_PRUNE_BATCH rows per transaction. The calibration reads the window's
# and the month ends of INSIGHT_SNAPSHOTS_MONTHS_READ months before it.
INSIGHT_SNAPSHOTS_DAILY_DAYS = env_int("INSIGHT_SNAPSHOTS_DAILY_DAYS", 90)
INSIGHT_SNAPSHOTS_MONTHS_READ = env_int("INSIGHT_SNAPSHOTS_MONTHS_READ", 24)
INSIGHT_SNAPSHOTS_PRUNE_BATCH = env_int("INSIGHT_SNAPSHOTS_PRUNE_BATCH", 1000)
