import os

from django.core.wsgi import get_wsgi_application

from lms import env_file

env_file.load()
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.dev")
application = get_wsgi_application()
