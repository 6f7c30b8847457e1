"""No IIN reaches a log: any run of exactly twelve digits in a log message or its
traceback, also with the spaces, dashes or pluses people type or paste between
groups (``900101 300811``, in a URL ``900101+300811`` or ``900101%C2%A0300811``),
and in the digits of other scripts, which the sign-in form reads as the same IIN
(full-width, Arabic-Indic; also escaped or URL-encoded), is masked as pages show
IINs (``79********28``).

Code never logs an IIN on purpose (it logs keyed hashes and masked forms); this
filter, on the handlers in ``LOGGING``, also catches one that slips in through a
library's message, an exception's text or a mistyped URL."""

import logging
import re
import unicodedata

from lms.iin import mask_iin

# Between two digits: up to three of a space, a tab, a no-break space, a dash of
# any kind, "+", or any of these percent-encoded as a query string has them. Never
# a line break: each line of a log is read on its own.
SEPARATOR = r"(?:[ \t+\-\u00a0\u2010-\u2015\u2212]|%(?:20|09|2[bBdD]|[cC]2%[aA]0))"
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
TOKEN = re.compile(rf"(?P<separator>{SEPARATOR})|(?P<digit>{DIGIT})")


def _masked(match: re.Match) -> str:
    text, start, end = match.string, match.start(), match.end()
    if DIGITS_BEFORE.search(text[max(0, start - 10) : start]) or DIGITS_AFTER.match(
        text[end : end + 10]
    ):
        return match.group()
    digits = "".join(
        _value(token["digit"])
        for token in TOKEN.finditer(match.group())
        if token["digit"]
    )
    return mask_iin(digits)


def _value(digit: str) -> str:
    """The ASCII digit that one match of ``DIGIT`` writes."""
    if len(digit) == 1:
        return str(unicodedata.decimal(digit, 0))
    return str(int(digit[-1], 16))


def mask(text: str) -> str:
    return TWELVE_DIGITS.sub(_masked, text)


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
