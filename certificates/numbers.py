"""Certificate numbers: ``BKO-XXXX-XXXX-XXXX`` (CONTRACTS.md §7).

Eleven random Crockford base32 characters (55 random bits from ``secrets``) and,
last, one check character, in three groups of four. Crockford's alphabet (``0-9``
and ``A-Z`` without ``I``, ``L``, ``O``, ``U``) reads aloud without confusion. The
contract's twelve characters leave room for no more random bits than these once
one of them is the check character; 2⁵⁵ numbers, behind a rate-limited verification
page, are still far beyond guessing.

Check character: the Luhn mod N algorithm with N = 32 over the Crockford values of
the eleven random characters. Walking from the rightmost character leftwards, every
other value starting with the rightmost is doubled, and a doubled value is reduced to
the sum of its two base-32 digits (``v // 32 + v % 32``); the check value is
``(32 - total % 32) % 32``, written as its Crockford character. It catches every
single mistyped character and nearly every swap of two neighbours.

Normalizing accepts lower case, spaces, missing or extra hyphens (or dashes in
their place), Cyrillic letters drawn like Latin ones (a Kazakh or Russian keyboard
layout) and Crockford's substitutions (``O`` → ``0``, ``I`` and ``L`` → ``1``).
Validation needs no database, so a malformed number or a wrong check character is
rejected before any lookup.
"""

import secrets
import unicodedata

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
VALUES = {ch: i for i, ch in enumerate(ALPHABET)}
SUBSTITUTIONS = str.maketrans({"O": "0", "I": "1", "L": "1"})
# Cyrillic capitals drawn like Latin ones, which a number typed on a Kazakh or
# Russian keyboard layout has (read after upper-casing).
LOOK_ALIKES = str.maketrans(
    {
        "А": "A",
        "В": "B",
        "Е": "E",
        "К": "K",
        "М": "M",
        "Н": "H",
        "О": "O",
        "Р": "P",
        "С": "C",
        "Т": "T",
        "Х": "X",
        "І": "I",
    }
)
PREFIX = "BKO"
RANDOM_CHARS = 11
RANDOM_BITS = RANDOM_CHARS * 5
GROUP = 4


def check_character(body: str) -> str:
    """The Luhn mod 32 check character of the random characters ``body``."""
    total = 0
    for position, ch in enumerate(reversed(body)):
        value = VALUES[ch]
        if position % 2 == 0:
            value *= 2
            value = value // 32 + value % 32
        total += value
    return ALPHABET[(32 - total % 32) % 32]


def format_number(body: str) -> str:
    """``BKO-`` and the random characters ``body`` with their check character, in
    groups of four."""
    compact = body + check_character(body)
    groups = [compact[i : i + GROUP] for i in range(0, len(compact), GROUP)]
    return "-".join([PREFIX, *groups])


def generate_number() -> str:
    """A new random number with its check character."""
    value = secrets.randbits(RANDOM_BITS)
    body = "".join(
        ALPHABET[(value >> (5 * i)) & 31] for i in reversed(range(RANDOM_CHARS))
    )
    return format_number(body)


def normalize_number(value: object) -> str | None:
    """The canonical form of a typed number, or None when it is not a valid one."""
    if not isinstance(value, str) or len(value) > 64:
        return None
    compact = "".join(
        ch for ch in value.upper() if not ch.isspace() and not _is_dash(ch)
    ).translate(LOOK_ALIKES)
    if compact.startswith(("BKO", "BK0")):
        compact = compact[3:]
    else:
        return None
    compact = compact.translate(SUBSTITUTIONS)
    if len(compact) != RANDOM_CHARS + 1 or any(ch not in VALUES for ch in compact):
        return None
    body, check = compact[:RANDOM_CHARS], compact[RANDOM_CHARS]
    if check_character(body) != check:
        return None
    return format_number(body)


def _is_dash(ch: str) -> bool:
    """A hyphen, or a dash a word processor or a phone put in its place."""
    return ch == "\u2212" or unicodedata.category(ch) == "Pd"


def is_valid_number(value: object) -> bool:
    return normalize_number(value) is not None
