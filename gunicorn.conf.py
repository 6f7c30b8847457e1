"""gunicorn settings read from the project's root (gunicorn loads this file from
the working directory by default); command-line options add to them."""

import os
import time

# Access and error log lines have IINs masked (lms/gunicorn.py).
logger_class = "lms.gunicorn.MaskedLogger"

# One time zone in the whole log: the project's TIME_ZONE (lms/settings/base.py).
# Django sets the process's zone to it when a worker loads the application, so the
# workers' and the access log's lines would switch to it while the master's stay
# in the machine's zone; set here, before gunicorn starts, it holds for both.
TIME_ZONE = "Asia/Almaty"
os.environ["TZ"] = TIME_ZONE
time.tzset()
