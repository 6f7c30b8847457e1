"""An IIN that slips into a log record is masked by the handlers in LOGGING."""

import logging
from urllib.parse import quote

from django.test import Client

import pytest

from lms.factories import VALID_IINS
from lms.log_filters import MaskIINs

IIN = VALID_IINS[0]
MASKED = IIN[:2] + "*" * 8 + IIN[-2:]


def console_output(logger: logging.Logger, emit) -> str:
    """What the console handler of ``logger`` writes for the records ``emit`` makes."""
    handlers = [
        handler
        for handler in logging.getLogger().handlers
        if any(isinstance(f, MaskIINs) for f in handler.filters)
    ]
    assert handlers, "LOGGING's console handler has no MaskIINs filter"
    records = []
    capture = logging.Handler()
    capture.emit = records.append
    logger.addHandler(capture)
    try:
        emit()
    finally:
        logger.removeHandler(capture)
    lines = []
    for record in records:
        if handlers[0].filter(record):
            lines.append(handlers[0].format(record))
    return "\n".join(lines)


def test_a_message_argument_and_a_traceback_are_masked():
    logger = logging.getLogger("lms.tests")

    def emit():
        logger.warning("Looked up %s for user %d", IIN, 7)
        try:
            raise ValueError(f"bad value {IIN}")
        except ValueError:
            logger.exception("failed")

    output = console_output(logger, emit)
    assert IIN not in output
    assert f"Looked up {MASKED} for user 7" in output
    assert f"ValueError: bad value {MASKED}" in output


def test_longer_numbers_and_other_text_are_left_alone():
    logger = logging.getLogger("lms.tests")
    output = console_output(
        logger, lambda: logger.info("order 1234567890123 at 12:30, id 42")
    )
    assert "order 1234567890123 at 12:30, id 42" in output


@pytest.mark.django_db
def test_djangos_not_found_warning_masks_an_iin_in_the_path():
    logger = logging.getLogger("django.request")
    output = console_output(
        logger, lambda: Client().get(f"/api/v1/no-such-thing/{IIN}")
    )
    assert "Not Found" in output
    assert MASKED in output and IIN not in output


@pytest.mark.parametrize(
    "typed",
    [
        f"{IIN[:6]} {IIN[6:]}",
        f"{IIN[:6]}-{IIN[6:]}",
        f"{IIN[:6]}%20{IIN[6:]}",
        " ".join([IIN[:3], IIN[3:6], IIN[6:9], IIN[9:]]),
        # As a GET form sends it, pasted with a no-break space, or a dash encoded.
        f"?number={IIN[:6]}+{IIN[6:]}",
        f"?q={IIN[:6]}%C2%A0{IIN[6:]}",
        f"?q={IIN[:6]}%c2%a0{IIN[6:]}",
        f"?q={IIN[:6]}%2D{IIN[6:]}",
        f"{IIN[:6]}\u00a0{IIN[6:]}",
        f"{IIN[:6]} \u2013 {IIN[6:]}",
        f"{IIN[:6]}\t{IIN[6:]}",
        # Dots and underscores, which the verification page also reads as an IIN.
        f"{IIN[:6]}.{IIN[6:]}",
        ".".join([IIN[:4], IIN[4:8], IIN[8:]]),
        f"{IIN[:6]}_{IIN[6:]}",
        f"?number={IIN[:6]}%2E{IIN[6:]}",
        f"?number={IIN[:6]}%5F{IIN[6:]}",
        ".".join([IIN[:3], IIN[3:6], IIN[6:9], IIN[9:]]),
    ],
)
def test_an_iin_typed_in_groups_is_masked(typed):
    logger = logging.getLogger("lms.tests")
    output = console_output(logger, lambda: logger.warning("Not Found: /x/%s", typed))
    assert output.endswith(MASKED), output
    assert IIN[:6] not in output and IIN[6:] not in output


@pytest.mark.parametrize(
    "text",
    [
        "at 2026-11-30 21:39:09,123 call +7 701 234 56 78",
        "from 2026-12-01 - 2026-12-31",
        "rows\n1024\n2048\n4096",
        '127.0.0.1 - - [01/Dec/2026:07:56:12 +0000] "GET /kk/ HTTP/1.1" 200 31415',
        '192.168.100.200 - - [01/Dec/2026:07:56:12 +0000] "GET /kk/ HTTP/1.1" 200 3',
        "Django 5.2.8, Wagtail 8.0.1, took 0.25 s",
    ],
)
def test_dates_times_counts_and_phone_numbers_are_left_alone(text):
    logger = logging.getLogger("lms.tests")
    assert text in console_output(logger, lambda: logger.info(text))


@pytest.mark.parametrize(
    "typed",
    [
        "７９１０２８３０２７２８",  # full-width
        "٧٩١٠٢٨٣٠٢٧٢٨",  # Arabic-Indic
        "۷۹۱۰۲۸۳۰۲۷۲۸",  # Persian
        # As Django escapes a path in its lines about a request.
        "７９１０２８３０２７２８".encode("unicode_escape").decode(),
        "٧٩١٠٢٨ ٣٠٢٧٢٨".encode("unicode_escape").decode(),
        # As a URL encodes them, in an access log's request line.
        quote("７９１０２８３０２７２８"),
        quote("٧٩١٠٢٨٣٠٢٧٢٨").lower(),
        quote("۷۹۱۰۲۸-۳۰۲۷۲۸"),
        f"id{IIN}",
    ],
)
def test_an_iin_in_digits_of_another_script_is_masked(typed):
    """The sign-in form reads such an IIN as the same IIN (lms.iin.normalize_iin);
    the log hides it however a line writes it."""
    logger = logging.getLogger("lms.tests")
    output = console_output(logger, lambda: logger.warning("Not Found: /x/%s", typed))
    assert output.endswith(MASKED), output


def test_escaped_text_that_is_no_iin_is_left_alone():
    logger = logging.getLogger("lms.tests")
    text = (
        "name \\u0410\\u0439\\u0433\\u0435\\u0440\\u0456\\u043c, 11 digits 79102830272"
    )
    assert text in console_output(logger, lambda: logger.info(text))
