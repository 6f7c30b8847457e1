"""gunicorn settings read from the project's root (gunicorn loads this file from
the working directory by default); command-line options add to them."""

# Access and error log lines have IINs masked (lms/gunicorn.py).
logger_class = "lms.gunicorn.MaskedLogger"
