"""The deployment's environment file.

``manage.py`` and the WSGI application read ``.env`` in the project's root (or the
file ``LMS_ENV_FILE`` names) before Django starts, so that commands run from cron,
which starts them with an almost empty environment, get the same settings as the
web processes. Variables already in the environment win over the file.

Both also report a setting from the environment that cannot work in one line
(``lms.settings_values``): the settings are first read after this.
"""

import os
from pathlib import Path

import environ

from lms.settings_values import report_in_one_line

DEFAULT = Path(__file__).resolve().parent.parent / ".env"


def load() -> None:
    report_in_one_line()
    path = Path(os.environ.get("LMS_ENV_FILE") or DEFAULT)
    if path.is_file():
        environ.Env.read_env(path, overwrite=False)
