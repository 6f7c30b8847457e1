"""gunicorn's own access log masks IINs as Django's logging does."""

import runpy
from pathlib import Path

from gunicorn.config import Config

from lms.factories import VALID_IINS
from lms.gunicorn import MaskedLogger

ROOT = Path(__file__).resolve().parents[2]
IIN = VALID_IINS[0]


def test_the_projects_gunicorn_settings_use_the_masking_logger():
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert settings["logger_class"] == "lms.gunicorn.MaskedLogger"


def test_an_iin_in_a_request_line_is_masked_in_the_access_log(tmp_path):
    access_log = tmp_path / "access.log"
    cfg = Config()
    cfg.set("accesslog", str(access_log))
    cfg.set("logger_class", "lms.gunicorn.MaskedLogger")
    logger = cfg.logger_class(cfg)
    assert isinstance(logger, MaskedLogger)

    logger.access_log.info(
        '"%s" 200', f"GET /certificates/verify/?number={IIN[:6]}%20{IIN[6:]} HTTP/1.1"
    )
    for handler in logger.access_log.handlers:
        handler.flush()

    text = access_log.read_text()
    assert "/certificates/verify/?number=79********28" in text
    assert IIN[:6] not in text
