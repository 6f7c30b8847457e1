import os

from django.core.wsgi import get_wsgi_application

from certificates.checks import require_readable_keys
from lms import env_file

env_file.load()
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.dev")
application = get_wsgi_application()
# A web process whose certificate keys cannot be read would look healthy while
# /.well-known/jwks.json and the certificate pages answer 500: it refuses to
# start instead, and gunicorn with it (`manage.py check` reports the same key as
# certificates.E001).
require_readable_keys()
