"""No IIN reaches a log: any run of exactly twelve digits in a log message or its
traceback, also with the spaces, dashes, dots, underscores or pluses people type or
paste between groups (``900101 300811``, ``9001.0130.0811``, ``900101–300811``,
in a URL ``900101+300811``, ``900101%E2%80%AF300811`` or ``%20900101300811``), and
in the digits of other scripts, which the sign-in form reads as the same IIN
(full-width, Arabic-Indic; also escaped or URL-encoded), is masked as pages show
IINs (``79********28``). A client's IP address (``192.168.100.200``) is left alone.

Code never logs an IIN on purpose (it logs keyed hashes and masked forms); this
filter, on the handlers in ``LOGGING``, also catches one that slips in through a
library's message, an exception's text or a mistyped URL."""

import logging
import re
import unicodedata
from collections.abc import Iterable, Sequence

from lms.iin import is_valid_iin, mask_iin

# What people type or paste between groups of digits and lms.iin.normalize_iin
# drops: any space but a line break (each line of a log is read on its own), any
# dash (a phone turns "--" into "–"), the minus sign. And the dots, "_" and "+" (a
# query string's space) that the verification page also reads between groups.
SPACES = (
    "\t\x1f \u00a0\u1680"
    + "".join(map(chr, range(0x2000, 0x200B)))
    + "\u202f\u205f\u3000"
)
DASHES = (
    "-\u058a\u05be\u1400\u1806"
    + "".join(map(chr, range(0x2010, 0x2016)))
    + "\u2212\u2e17\u2e1a\u2e3a\u2e3b\u2e40\u2e5d\u301c\u3030\u30a0"
    "\ufe31\ufe32\ufe58\ufe63\uff0d\U00010ead"
)
SEPARATORS = SPACES + DASHES + "._+"


def _one_of(patterns: Iterable[str]) -> str:
    return "(?:" + "|".join(patterns) + ")"


def _escaped(character: str) -> str:
    """``\\u2013`` for "–": as Django escapes a path in its lines about a request."""
    return character.encode("unicode_escape").decode("ascii")


def _utf8(character: str) -> tuple[str, ...]:
    """``("E2", "80", "93")`` for "–": the bytes a URL percent-encodes it as."""
    return tuple(f"{byte:02X}" for byte in character.encode())


def _tree(words: Iterable[Sequence[str]], between: str = "") -> str:
    """``E2%(?:80%(?:93|AF)|88%92)``: a pattern for any of ``words`` (sequences of
    parts, joined by ``between``) that writes each shared beginning once, so that
    a match tries few alternatives at a time. No word may begin another."""
    rests: dict[str, list[Sequence[str]]] = {}
    for first, *rest in words:
        rests.setdefault(first, []).append(rest)
    return _one_of(
        re.escape(first) + (between + _tree(after, between) if any(after) else "")
        for first, after in rests.items()
    )


# Between two digits: up to three separators, each as it is, escaped as Django
# escapes a path (``\xa0``, ``\u2013``), or percent-encoded as a URL has it, in
# either case (``%E2%80%AF``, ``%e2%80%af``). Each form is one token: no
# separator's form begins another's, so a match never backtracks among them.
SEPARATOR = _one_of(
    [
        "[" + "".join(map(re.escape, SEPARATORS)) + "]",
        r"\\" + _tree(_escaped(c)[1:] for c in SEPARATORS if _escaped(c) != c),
        "%(?i:" + _tree(map(_utf8, SEPARATORS), between="%") + ")",
    ]
)
# A digit: of any script (full-width, Arabic-Indic…), and, as lines about a request
# write a path, one of those written as Django escapes it (``\uff17``) or as a URL
# encodes it in UTF-8 (full-width ``%EF%BC%97``, Arabic-Indic ``%D9%A7``, Persian
# ``%DB%B7``).
DIGIT = (
    r"(?:\d|\\u(?:ff1|066|06[fF])[0-9a-fA-F]"
    r"|%(?:[eE][fF]%[bB][cC]%9|[dD]9%[aA]|[dD][bB]%[bB])[0-9a-fA-F])"
)
# The escapes a line writes a character in, by opening and number of hex digits:
# a URL's (``%20``) and Django's (``\xa0``, ``\u2013``, ``\U00010ead``). Their hex
# digits are no digits: ``%201234567890`` is a space and ten digits, and in
# ``%20791028302728`` the IIN starts right after the "0" that ends the escape.
HEX = "[0-9A-Fa-f]"
ESCAPES = (("%", 2), (r"\\x", 2), (r"\\u", 4), (r"\\U", 8))
NOT_WITHIN_AN_ESCAPE = "".join(
    rf"(?<!{opening}{HEX}{{{n}}})" for opening, length in ESCAPES for n in range(length)
)
AFTER_AN_ESCAPE = _one_of(
    rf"(?<={opening}{HEX}{{{length}}})" for opening, length in ESCAPES
)
# A number: all the digits in a row, with up to three separators between any two
# (more digits right before or after an IIN, as in two dates or a list of counts,
# make a longer number), at least twelve of them. It starts at a digit with no
# digit right before it but the last of an escape, and not within an escape.
# Separators and digits never begin one another, so a match backtracks over
# nothing but the separators after its last digit.
NUMBER = re.compile(
    rf"(?={DIGIT})(?:(?<!\d)|{AFTER_AN_ESCAPE}){NOT_WITHIN_AN_ESCAPE}"
    rf"{DIGIT}(?:{SEPARATOR}{{0,3}}{DIGIT}){{11,}}"
)
# The longest an IIN can be written: twelve of the longest digits, three of the
# longest separators between any two.
LONGEST = 12 * len("%EF%BC%97") + 11 * 3 * len("%F0%90%BA%AD")
IPV4 = re.compile(r"\d{3}\.\d{3}\.\d{3}\.\d{3}")
A_SEPARATOR = re.compile(SEPARATOR)
A_DIGIT = re.compile(DIGIT)


def _iin(match: re.Match) -> str | None:
    """The twelve ASCII digits of a number that may be an IIN; None for a longer
    or a shorter number, or a client's IP address."""
    number = match.group()
    if len(number) > LONGEST:
        return None
    digits = _digits(number)
    if len(digits) != 12 or (_is_ip_address(number) and not is_valid_iin(digits)):
        return None
    return digits


def _masked(match: re.Match) -> str:
    digits = _iin(match)
    return match.group() if digits is None else mask_iin(digits)


def _is_ip_address(text: str) -> bool:
    """``192.168.100.200``: twelve digits, but a client's address."""
    return bool(IPV4.fullmatch(text)) and all(int(n) <= 255 for n in text.split("."))


def _digits(number: str) -> str:
    """The ASCII digits that a number writes. Digits and separators never begin
    one another, so what is left without the separators is the digits."""
    written = A_SEPARATOR.sub("", number)
    if written.isascii() and written.isdigit():
        return written
    return "".join(map(_value, A_DIGIT.findall(written)))


def _value(digit: str) -> str:
    """The ASCII digit that one match of ``DIGIT`` writes."""
    if len(digit) == 1:
        return str(unicodedata.decimal(digit, 0))
    return str(int(digit[-1], 16))


def mask(text: str) -> str:
    return NUMBER.sub(_masked, text)


def holds_iin(text: str, *, valid: bool = False) -> bool:
    """Whether ``text`` (a URL, say) holds what this filter masks; with ``valid``,
    only an IIN whose check digit is right counts."""
    for match in NUMBER.finditer(text):
        digits = _iin(match)
        if digits is not None and (not valid or is_valid_iin(digits)):
            return True
    return False


def without_iins(query):
    """A copy of a ``QueryDict`` without the parameters whose values hold an IIN:
    for an address made from one that someone typed an IIN into."""
    kept = query.copy()
    for name, values in query.lists():
        if any(holds_iin(value, valid=True) for value in values):
            del kept[name]
    return kept


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
