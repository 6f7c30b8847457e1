"""Settings shared by every environment.

All configuration comes from the environment here, in one place (CONTRACTS.md §2).
Each variable has a development default or, in production, a clear error.
"""

from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

import environ

from lms.secrets import ed25519_pem, kept_secret, random_token
from lms.settings_values import database_config, redis_url, site_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(environ.Env().str("LMS_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()

# lms.settings.dev turns debug on (DJANGO_DEBUG=0 turns it off there); production
# and the tests never have it.
DEBUG = False
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="") or kept_secret(
    VAR_DIR, "secret_key", random_token
)


def _listed(name: str, default: list[str]) -> list[str]:
    """A comma-separated variable; spaces around the commas are not part of it."""
    return [item.strip() for item in env.list(name, default=default) if item.strip()]


ALLOWED_HOSTS = _listed("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
# The public address, without a trailing slash: links, QR codes and credentials'
# issuer are it with a path appended (lms.settings_values.site_url).
SITE_URL = site_url(env.str("SITE_URL", default="http://127.0.0.1:8000"))
CSRF_TRUSTED_ORIGINS = _listed("DJANGO_CSRF_TRUSTED_ORIGINS", [SITE_URL])
# A form refused for its CSRF token says so in the site's layout and language.
CSRF_FAILURE_VIEW = "lms.errors.csrf_failure"

# Keys for personal data and certificates (CONTRACTS.md §2, §7).
IIN_HASH_KEY = env.str("IIN_HASH_KEY", default="") or kept_secret(
    VAR_DIR, "iin_hash_key", random_token
)
CERTIFICATE_SIGNING_KEY = env.str("CERTIFICATE_SIGNING_KEY", default="") or kept_secret(
    VAR_DIR, "certificate_signing_key.pem", ed25519_pem
)
# Earlier signing keys (PEM, separated by blank lines) whose public halves stay in
# the JWKS so that credentials they signed still verify after a rotation.
CERTIFICATE_RETIRED_KEYS = env.str("CERTIFICATE_RETIRED_KEYS", default="")
# The keys that will sign after the next rotation (PEM, the same form): published in
# the JWKS ahead of time, so that verifiers' copies hold them when they start to
# sign; they sign nothing until made CERTIFICATE_SIGNING_KEY.
CERTIFICATE_NEXT_KEYS = env.str("CERTIFICATE_NEXT_KEYS", default="")

# Mux (CONTRACTS.md §2, §8). Without credentials videos play from local files.
MUX_TOKEN_ID = env.str("MUX_TOKEN_ID", default="")
MUX_TOKEN_SECRET = env.str("MUX_TOKEN_SECRET", default="")
MUX_WEBHOOK_SECRET = env.str("MUX_WEBHOOK_SECRET", default="")
MUX_SIGNING_KEY_ID = env.str("MUX_SIGNING_KEY_ID", default="")
MUX_SIGNING_KEY_PRIVATE = env.str("MUX_SIGNING_KEY_PRIVATE", default="")

# Sign-in through an OpenID Connect provider (the e-Government identity provider).
OIDC_PROVIDER_ID = env.str("OIDC_PROVIDER_ID", default="egov")
OIDC_PROVIDER_NAME = env.str("OIDC_PROVIDER_NAME", default="eGov ID")
OIDC_CLIENT_ID = env.str("OIDC_CLIENT_ID", default="")
OIDC_CLIENT_SECRET = env.str("OIDC_CLIENT_SECRET", default="")
OIDC_SERVER_URL = env.str("OIDC_SERVER_URL", default="")
# The ID token or userinfo claim that carries the person's IIN.
OIDC_IIN_CLAIM = env.str("OIDC_IIN_CLAIM", default="iin")

INSTALLED_APPS = [
    "wagtail_modeltranslation",
    "wagtail_modeltranslation.makemigrations",
    "wagtail_modeltranslation.migrate",
    "lms",
    "home",
    "courses",
    "progress",
    "certificates",
    "registry",
    "reports",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "lms.wagtail_users.UsersAppConfig",  # wagtail.users with the IIN-aware admin
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_tasks",
    "django_tasks_rq",
    "django_rq",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "ninja",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "lms.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "lms.middleware.CompressPagesMiddleware",  # outside all that write the body
    "lms.middleware.JsonApiErrorsMiddleware",
    "lms.outage.DatabaseOutageMiddleware",  # 503, not 500, when it cannot connect
    "django.contrib.sessions.middleware.SessionMiddleware",
    "lms.middleware.LocaleMiddleware",  # leaves /api/ 404s as JSON
    "lms.middleware.MethodNotAllowedPageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "lms.middleware.PrivateAnswersMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "lms.middleware.DataSaverMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "lms.urls"
WSGI_APPLICATION = "lms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "lms.data_saver.context",
                "lms.context_processors.return_path",
            ],
        },
    },
]

DATABASES = {
    "default": database_config(
        env.str("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
    )
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The demo's database: a transaction that will write takes SQLite's write lock
    # when it begins, and one that finds it taken waits up to 20 s. (A transaction
    # that reads first and writes later fails at once with "database is locked"
    # when another writer got in between.)
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool(
        "DATABASE_CONN_HEALTH_CHECKS", default=False
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "lms.User"

# Redis: RQ queues for background tasks and the cache. Unset: in-process tasks and
# a local-memory cache, so that the demo runs on a bare machine.
REDIS_URL = redis_url(env.str("REDIS_URL", default=""))
# Seconds to wait for Redis to connect or answer (it answers in well under a
# millisecond). A Redis that hangs then costs a request this long at most before
# the cache is bypassed or the task is left to the sweeps (docs/deployment.md,
# "Redis"). RQ workers lengthen the answer timeout for their own blocking reads.
REDIS_CONNECT_TIMEOUT = 1.0
REDIS_SOCKET_TIMEOUT = 2.0
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "lms.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="lms"),
            "OPTIONS": {
                "socket_connect_timeout": REDIS_CONNECT_TIMEOUT,
                "socket_timeout": REDIS_SOCKET_TIMEOUT,
            },
        }
    }
    # django-rq passes only the URL on to redis-py, so the timeouts go in it.
    _query = urlencode(
        {
            "socket_connect_timeout": REDIS_CONNECT_TIMEOUT,
            "socket_timeout": REDIS_SOCKET_TIMEOUT,
            **dict(parse_qsl(urlsplit(REDIS_URL).query)),
        }
    )
    RQ_QUEUES = {
        "default": {
            # Joined as text: unsplitting a unix:///path URL would lose its "//".
            "URL": f"{REDIS_URL.partition('?')[0]}?{_query}",
            "DEFAULT_TIMEOUT": 600,
        }
    }
    TASKS = {"default": {"BACKEND": "lms.queue.RQBackend", "QUEUES": ["default"]}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    RQ_QUEUES = {}
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# Content-Security-Policy of every page outside the admin
# (lms.middleware.ContentSecurityPolicyMiddleware), in the shape of Django 6's
# SECURE_CSP. No script or style is written into a page; the player streams from
# Mux (hls.js fetches playlists and segments from *.mux.com and plays them from
# blob: URLs in a blob: worker) and shows posters from image.mux.com. form-action is
# left open: signing in with eGov ID posts here and is redirected to the provider.
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:", "https://image.mux.com"],
    "media-src": ["'self'", "blob:", "https://*.mux.com"],
    "connect-src": ["'self'", "https://*.mux.com"],
    "worker-src": ["'self'", "blob:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "frame-ancestors": ["'self'"],
    "report-uri": ["/csp-report/"],  # lms.views.csp_report logs what is refused
}
# The Wagtail and Django admins write scripts into their pages.
SECURE_CSP_EXCLUDE = ("/admin/", "/django-admin/")
# Violation reports logged per client address and minute (lms.views.csp_report).
CSP_REPORTS_PER_MINUTE = env.int("CSP_REPORTS_PER_MINUTE", default=20)
# Browser features no page of the site uses, refused to the pages and anything
# they might embed.
SECURE_PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
}

# Sessions are kept in the database and read through the cache: a signed-in
# request costs one cache lookup instead of a query.
SESSION_ENGINE = "lms.sessions"  # cached_db, its cached copy trusted 5 minutes

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"django.contrib.auth.password_validation.{name}"}
    for name in (
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    )
]
AUTHENTICATION_BACKENDS = [
    "lms.backends.ModelBackend",
    "lms.backends.AuthenticationBackend",
]

# Languages: Kazakh first and default, then Russian and English.
LANGUAGE_CODE = "kk"
LANGUAGES = [("kk", "Қазақша"), ("ru", "Русский"), ("en", "English")]
MODELTRANSLATION_DEFAULT_LANGUAGE = "kk"
MODELTRANSLATION_LANGUAGES = ("kk", "ru", "en")
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("kk",), "kk": ("ru",)}
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_wagtail"]
FORMAT_MODULE_PATH = ["lms.formats"]
TIME_ZONE = "Asia/Almaty"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
# Files only their owner may download, through a view that checks (certificate
# PDFs): kept outside MEDIA_ROOT, which the web server serves to anyone.
PRIVATE_MEDIA_ROOT = Path(
    env.str("PRIVATE_MEDIA_ROOT", default=str(VAR_DIR / "private"))
)
PRIVATE_STORAGE = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT)},
}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": PRIVATE_STORAGE,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Wagtail
WAGTAIL_SITE_NAME = "Бақытты отбасы"
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "odt", "txt", "vtt"]
WAGTAIL_WORKFLOW_ENABLED = True
# The password form of a protected page or document, in the site's layout.
WAGTAIL_PASSWORD_REQUIRED_TEMPLATE = "password_required.html"  # noqa: S105
WAGTAILDOCS_PASSWORD_REQUIRED_TEMPLATE = "password_required.html"  # noqa: S105
# The admin asks no outside service: no Gravatar (it would receive a hash of every
# editor's e-mail address) and no check for new Wagtail releases.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False
# Wagtail's rich text features without "embed": videos come from Mux, and a page
# frames no other site (SECURE_CSP).
WAGTAILADMIN_RICH_TEXT_EDITORS = {
    "default": {
        "WIDGET": "wagtail.admin.rich_text.DraftailRichTextArea",
        "OPTIONS": {
            "features": [
                "h2",
                "h3",
                "h4",
                "bold",
                "italic",
                "ol",
                "ul",
                "hr",
                "link",
                "document-link",
                "image",
            ]
        },
    }
}

# Accounts (django-allauth, CONTRACTS.md §4)
LOGIN_URL = "account_login"
# The admin and private pages send to the same, rate-limited sign-in page.
WAGTAILADMIN_LOGIN_URL = "/admin/login/"
# Both first reach lms.views.sign_in_here: a signed-in user sent to sign in (the
# admin, a page for a group they are not in) is told they have no access there;
# the sign-in page would send them straight back, and round.
WAGTAIL_FRONTEND_LOGIN_URL = "wagtailcore_login"
# Staff reset a forgotten password on the site's own, rate-limited form
# (/accounts/password/reset/, where /admin/password_reset/ leads); Wagtail's would
# send any number of e-mails.
WAGTAIL_PASSWORD_RESET_ENABLED = False
# Staff change their e-mail address and password on the site's pages too, which ask
# for the password again, limit guesses and tell the old address
# (lms.wagtail_hooks links them from the admin's account page).
WAGTAIL_EMAIL_MANAGEMENT_ENABLED = False
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False
LOGIN_REDIRECT_URL = "/"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
# A new account is sent a link to confirm its address and may sign in meanwhile;
# the dashboard asks for the confirmation until it is made.
ACCOUNT_EMAIL_VERIFICATION = env.str("ACCOUNT_EMAIL_VERIFICATION", default="optional")
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_ADAPTER = "lms.adapters.AccountAdapter"
ACCOUNT_FORMS = {
    "login": "lms.forms.LoginForm",
    "signup": "lms.forms.SignupForm",
    "reset_password": "lms.forms.ResetPasswordForm",
    "reset_password_from_key": "lms.forms.ResetPasswordKeyForm",
    "change_password": "lms.forms.ChangePasswordForm",
    "set_password": "lms.forms.SetPasswordForm",
    "add_email": "lms.forms.AddEmailForm",
    "reauthenticate": "lms.forms.ReauthenticateForm",
}
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    # A session left open on a shared computer guesses the password no faster
    # than the account closure form lets it (lms.forms.CloseAccountForm).
    "change_password": "5/15m/user",
    "reauthenticate": "5/15m/user",
}
# Adding, removing or making primary an e-mail address, and changing the password,
# ask for the password again (within 5 minutes of the last time): whoever holds an
# open session could otherwise move the account to their own address and take it
# over with a password reset. Each such change is told to the primary address.
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_REAUTHENTICATION_METHODS = ("password",)
ACCOUNT_EMAIL_NOTIFICATIONS = True
SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_ADAPTER = "lms.adapters.SocialAccountAdapter"
SOCIALACCOUNT_FORMS = {"signup": "lms.forms.SocialSignupForm"}
SOCIALACCOUNT_PROVIDERS = {}
if OIDC_CLIENT_ID and OIDC_SERVER_URL:
    SOCIALACCOUNT_PROVIDERS["openid_connect"] = {
        "APPS": [
            {
                "provider_id": OIDC_PROVIDER_ID,
                "name": OIDC_PROVIDER_NAME,
                "client_id": OIDC_CLIENT_ID,
                "secret": OIDC_CLIENT_SECRET,
                "settings": {"server_url": OIDC_SERVER_URL},
            }
        ]
    }

EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Бақытты отбасы <noreply@bakytty-otbasy.kz>"
)
# Where django.core.mail.backends.filebased.EmailBackend writes, one file a message.
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))
# The SMTP server, when EMAIL_BACKEND is django.core.mail.backends.smtp.EmailBackend.
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)

NINJA_PAGINATION_PER_PAGE = 50

# How many reverse proxies in front append to X-Forwarded-For (0: the client is
# REMOTE_ADDR); per-address limits count the address the outermost proxy saw.
TRUSTED_PROXIES = env.int("TRUSTED_PROXIES", default=0)
# allauth's sign-in and sign-up limits count the same address.
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXIES
# Public certificate verification pages: lookups per client address per minute.
CERTIFICATE_VERIFY_RATE_LIMIT = env.int("CERTIFICATE_VERIFY_RATE_LIMIT", default=30)
# Registry API calls with a missing or wrong token audited per client address per
# minute (all are answered 401; beyond this many they are not recorded one by one).
REGISTRY_UNAUTHORIZED_PER_MINUTE = env.int(
    "REGISTRY_UNAUTHORIZED_PER_MINUTE", default=20
)

# Error reports hide IINs posted in forms (lms.views.PersonalDataReporterFilter).
DEFAULT_EXCEPTION_REPORTER_FILTER = "lms.views.PersonalDataReporterFilter"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_iins": {"()": "lms.log_filters.MaskIINs"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["mask_iins"]}
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's own records through the same masked handler, not its defaults.
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "INFO"},
    },
}
