"""gunicorn's logger with the project's IIN masking (``lms.log_filters``).

gunicorn writes its access log itself, outside Django's logging: each line holds
the request's path and query string, where an IIN typed into a form (the
certificate check is a GET) would appear in clear. ``gunicorn.conf.py`` at the
project's root makes gunicorn use this class.
"""

from gunicorn.glogging import Logger

from lms.log_filters import MaskIINs


class MaskedLogger(Logger):
    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.access_log, self.error_log):
            if not any(isinstance(f, MaskIINs) for f in log.filters):
                log.addFilter(MaskIINs())
