"""No IIN reaches a log: any run of exactly twelve digits in a log message or its
traceback, also with the spaces, dashes, dots, underscores or pluses people type or
paste between groups (``900101 300811``, ``9001.0130.0811``, in a URL
``900101+300811`` or ``900101%C2%A0300811``), and in the digits of other scripts,
which the sign-in form reads as the same IIN (full-width, Arabic-Indic; also escaped
or URL-encoded), is masked as pages show IINs (``79********28``). A client's IP
address (``192.168.100.200``) is left alone.

Code never logs an IIN on purpose (it logs keyed hashes and masked forms); this
filter, on the handlers in ``LOGGING``, also catches one that slips in through a
library's message, an exception's text or a mistyped URL."""

import logging
import re
import unicodedata

from lms.iin import is_valid_iin, mask_iin

# Between two digits: up to three of a space, a tab, a no-break space, a dash of
# any kind, a dot, "_", "+", or any of these percent-encoded as a query string has
# them. Never a line break: each line of a log is read on its own.
SEPARATOR = (
    r"(?:[ \t+.\-_\u00a0\u2010-\u2015\u2212]"
    r"|%(?:20|09|2[bBdDeE]|5[fF]|[cC]2%[aA]0))"
)
# A digit: of any script (full-width, Arabic-Indic…), and, as lines about a request
# write a path, one of those written as Django escapes it (``\uff17``) or as a URL
# encodes it in UTF-8 (full-width ``%EF%BC%97``, Arabic-Indic ``%D9%A7``, Persian
# ``%DB%B7``).
DIGIT = (
    r"(?:\d|\\u(?:ff1|066|06[fF])[0-9a-fA-F]"
    r"|%(?:[eE][fF]%[bB][cC]%9|[dD]9%[aA]|[dD][bB]%[bB])[0-9a-fA-F])"
)
TWELVE_DIGITS = re.compile(rf"(?<!\d)(?:{DIGIT}{SEPARATOR}{{0,3}}){{11}}{DIGIT}(?!\d)")
# More digits right before or after, across separators: a longer number (two
# dates, a list of counts), not an IIN.
DIGITS_BEFORE = re.compile(rf"{DIGIT}{SEPARATOR}{{1,3}}$")
DIGITS_AFTER = re.compile(rf"^{SEPARATOR}{{1,3}}{DIGIT}")
# A match read token by token: a separator first, so that "%20" is no digits.
IPV4 = re.compile(r"\d{3}\.\d{3}\.\d{3}\.\d{3}")
TOKEN = re.compile(rf"(?P<separator>{SEPARATOR})|(?P<digit>{DIGIT})")


def _iin(match: re.Match) -> str | None:
    """The twelve ASCII digits of a match that may be an IIN; None for a match
    that is part of a longer number, or a client's IP address."""
    text, start, end = match.string, match.start(), match.end()
    if DIGITS_BEFORE.search(text[max(0, start - 10) : start]) or DIGITS_AFTER.match(
        text[end : end + 10]
    ):
        return None
    digits = "".join(
        _value(token["digit"])
        for token in TOKEN.finditer(match.group())
        if token["digit"]
    )
    if _is_ip_address(match.group()) and not is_valid_iin(digits):
        return None
    return digits


def _masked(match: re.Match) -> str:
    digits = _iin(match)
    return match.group() if digits is None else mask_iin(digits)


def _is_ip_address(text: str) -> bool:
    """``192.168.100.200``: twelve digits, but a client's address."""
    return bool(IPV4.fullmatch(text)) and all(int(n) <= 255 for n in text.split("."))


def _value(digit: str) -> str:
    """The ASCII digit that one match of ``DIGIT`` writes."""
    if len(digit) == 1:
        return str(unicodedata.decimal(digit, 0))
    return str(int(digit[-1], 16))


def mask(text: str) -> str:
    return TWELVE_DIGITS.sub(_masked, text)


def holds_iin(text: str, *, valid: bool = False) -> bool:
    """Whether ``text`` (a URL, say) holds what this filter masks; with ``valid``,
    only an IIN whose check digit is right counts."""
    for match in TWELVE_DIGITS.finditer(text):
        digits = _iin(match)
        if digits is not None and (not valid or is_valid_iin(digits)):
            return True
    return False


class MaskIINs(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask(record.exc_text)
        if record.stack_info:
            record.stack_info = mask(record.stack_info)
        return True
