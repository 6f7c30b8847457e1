"""The deployment's environment file.

``manage.py`` and the WSGI application read ``.env`` in the project's root (or the
file ``LMS_ENV_FILE`` names) before Django starts, so that commands run from cron,
which starts them with an almost empty environment, get the same settings as the
web processes. Variables already in the environment win over the file.
"""

import os
from pathlib import Path

import environ

DEFAULT = Path(__file__).resolve().parent.parent / ".env"


def load() -> None:
    path = Path(os.environ.get("LMS_ENV_FILE") or DEFAULT)
    if path.is_file():
        environ.Env.read_env(path, overwrite=False)
