"""An IIN that slips into a log record is masked by the handlers in LOGGING."""

import logging
import sys
import timeit
import unicodedata
from urllib.parse import quote, unquote_plus

from django.test import Client

import pytest

from lms.factories import VALID_IINS
from lms.iin import normalize_iin
from lms.log_filters import MaskIINs, holds_iin, mask

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


# How staff type one IIN into the admin's search, as the access logs of runserver
# and gunicorn write the request line: each one lms.iin.normalize_iin reads as the
# IIN, so each is masked.
HEAD, TAIL = IIN[:6], IIN[6:]
TYPED_IN_A_QUERY = [
    f"{HEAD}%E2%80%93{TAIL}",  # an en dash: a phone's "--"
    f"{HEAD}%e2%80%93{TAIL}",
    f"{HEAD}%E2%80%94{TAIL}",  # an em dash
    f"{HEAD}%E2%88%92{TAIL}",  # a minus sign
    f"{HEAD}%EF%BC%8D{TAIL}",  # a full-width hyphen
    f"{HEAD}%E2%80%AF{TAIL}",  # a narrow no-break space
    f"{HEAD}%e2%80%af{TAIL}",
    f"{HEAD}%E2%80%89{TAIL}",  # a thin space
    f"{HEAD}%E3%80%80{TAIL}",  # an ideographic space
    f"{HEAD}%C2%A0{TAIL}",  # a no-break space
    f"{HEAD}\u2013{TAIL}",
    f"{HEAD}\u202f{TAIL}",
    f"{HEAD}\u2009{TAIL}",
    f"{HEAD}\u3000{TAIL}",
    f"{HEAD}\u00a0{TAIL}",
    f"{HEAD}+{TAIL}",  # a space, form-encoded
    f"{HEAD}%20%E2%80%93%20{TAIL}",
    f"{HEAD}+\u2013+{TAIL}",
    # A space or a tab pasted before it: the escape ends in a digit.
    f"%20{IIN}",
    f"%09{IIN}",
    f"%20%20{IIN}",
    f"%C2%A0{IIN}",
    f"%E2%80%AF{IIN}",
    f"%E3%80%80%E3%80%80{IIN}",
    f"%20{HEAD}%E2%80%93{TAIL}%20",
]


@pytest.mark.parametrize("typed", TYPED_IN_A_QUERY)
def test_an_iin_typed_into_the_admins_search_is_masked_in_access_logs(typed):
    assert normalize_iin(unquote_plus(typed)) == IIN
    line = f'"GET /admin/accounts/user/?q={typed}&o=1 HTTP/1.1" 200 31415'
    assert holds_iin(line) and holds_iin(line, valid=True)
    masked = mask(line)
    assert MASKED in masked, masked
    assert HEAD not in masked and TAIL not in masked
    assert masked.endswith('&o=1 HTTP/1.1" 200 31415')
    assert not holds_iin(masked)
    logger = logging.getLogger("django.server")
    assert masked in console_output(logger, lambda: logger.info(line))


@pytest.mark.parametrize(
    "typed",
    [
        f"{HEAD}\u2013{TAIL}",
        f"{HEAD}\u202f{TAIL}",
        f"{HEAD}\u3000{TAIL}",
        f"\u00a0{IIN}",
        f"\u3000{IIN}",
        f"\u0430{IIN}",  # a Cyrillic letter, escaped as "\u0430"
    ],
)
@pytest.mark.django_db
def test_djangos_not_found_warning_masks_an_iin_in_an_escaped_path(typed):
    """Django escapes the path in its warning: ``\\u2013``, ``\\xa0``."""
    logger = logging.getLogger("django.request")
    output = console_output(logger, lambda: Client().get(f"/api/v1/nothing/{typed}"))
    assert "Not Found" in output
    assert MASKED in output and HEAD not in output and TAIL not in output


def separators_of_normalize_iin() -> list[str]:
    """Each character that lms.iin.normalize_iin drops between digits, but for
    line breaks: each line of a log is read on its own."""
    everything = "".join(map(chr, range(sys.maxunicode + 1)))
    gone = set(everything) - set(normalize_iin(everything))
    return sorted(
        character
        for character in gone
        if unicodedata.decimal(character, None) is None  # a digit becomes ASCII
        and len(f"1{character}2".splitlines()) == 1
    )


def test_every_separator_normalize_iin_drops_is_read_however_a_line_writes_it():
    separators = separators_of_normalize_iin()
    assert {" ", "\t", "-", "\u00a0", "\u2013", "\u202f", "\u3000"} <= set(separators)
    missed = []
    for separator in separators:
        encoded = quote(separator, safe="")
        for written in {
            separator,
            separator.encode("unicode_escape").decode(),  # as Django escapes a path
            encoded,
            encoded.lower(),
        }:
            for line, expected in [
                (f"?q={HEAD}{written}{TAIL}", f"?q={MASKED}"),
                (f"?q={written}{IIN}", f"?q={written}{MASKED}"),
            ]:
                if mask(line) != expected or not holds_iin(line, valid=True):
                    missed.append(line)
    assert not missed, missed


@pytest.mark.parametrize(
    "text",
    [
        "GET /admin/accounts/user/?q=%2012345 HTTP/1.1",
        "GET /admin/accounts/user/?q=%201234567890 HTTP/1.1",  # a space, ten digits
        "GET /admin/accounts/user/?q=%2087012345678 HTTP/1.1",  # a phone number
        "GET /admin/accounts/user/?q=%E2%80%937012345678 HTTP/1.1",
        "GET /admin/accounts/user/?q=%E2%80%AF%201234567890 HTTP/1.1",
        "GET /?from=2026-12-01%E2%80%932026-12-31 HTTP/1.1",
        "GET /?from=2026-12-01%2007%3A56%3A12&to=2026-12-31%2023%3A59%3A59 HTTP/1.1",
        "GET /?at=2026-12-01T07:56:12%2B05:00 HTTP/1.1",
        "GET /?q=192.168.100.200 HTTP/1.1",
        '192.168.100.200 - - [01/Dec/2026:07:56:12 +0500] "GET /?q=%20 HTTP/1.1" 200 3',
        # Thirteen digits in groups: a longer number.
        "counts 1%E2%80%89024%E2%80%89048%E2%80%89096%E2%80%89192",
        f"GET /?q={IIN}%E2%80%935 HTTP/1.1",
        f"GET /?q=5%E2%80%93%20{IIN} HTTP/1.1",
        "name \\u0418\\u0418\\u041d 79102830272",
    ],
)
def test_numbers_next_to_escapes_that_are_no_iin_are_left_alone(text):
    assert mask(text) == text
    assert not holds_iin(text)


def test_twelve_digits_in_groups_that_are_no_valid_iin_are_masked_all_the_same():
    line = "GET /admin/accounts/user/?q=%20123456%E2%80%93789012 HTTP/1.1"
    assert mask(line) == "GET /admin/accounts/user/?q=%2012********12 HTTP/1.1"
    assert holds_iin(line) and not holds_iin(line, valid=True)


@pytest.mark.parametrize(
    "unit",
    [
        "1",
        "1 ",
        "12345678901%20",
        "1%E2%80%93",
        "1%20%20%20%20",
        "1%2F%2F%2F",
        "791028302728 ",
        "1\\u2013\\u0430",
        "%2012",
        "12%e3%80%80",
    ],
)
def test_a_long_line_of_digits_and_separators_is_read_fast(unit):
    line = (unit * (100_000 // len(unit) + 1))[:100_000]
    for read in (mask, holds_iin):
        took = min(timeit.repeat(lambda read=read: read(line), number=1, repeat=3))
        assert took < 0.05, (read.__name__, took)
