"""Individual identification numbers (ЖСН / ИИН): validation, keyed hash, masking
and encryption at rest.

An IIN is never stored in clear. Lookups go through ``iin_hash`` (HMAC-SHA256 under
``IIN_HASH_KEY``); the number itself is kept only encrypted (Fernet, key derived from
``IIN_HASH_KEY``) because certificates need it to compute the holder's salted
identity hash. Pages, logs and API answers show ``mask_iin``.
"""

import base64
import datetime
import hashlib
import hmac
import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

FIRST_WEIGHTS = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
SECOND_WEIGHTS = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)
CENTURY = {1: 1800, 2: 1800, 3: 1900, 4: 1900, 5: 2000, 6: 2000}


def check_digit(digits: str) -> int | None:
    """The IIN check digit for the first eleven digits, or None if there is none."""
    values = [int(d) for d in digits[:11]]
    c = sum(v * w for v, w in zip(values, FIRST_WEIGHTS, strict=True)) % 11
    if c == 10:
        c = sum(v * w for v, w in zip(values, SECOND_WEIGHTS, strict=True)) % 11
    return None if c == 10 else c


def is_valid_iin(value: object) -> bool:
    """True for a well-formed IIN: 12 digits, a real birth date that is not in the
    future, the century digit and the check digit."""
    if not isinstance(value, str) or len(value) != 12 or not value.isascii():
        return False
    if not value.isdigit():
        return False
    century_digit = int(value[6])
    if century_digit not in CENTURY:
        return False
    try:
        born = datetime.date(
            CENTURY[century_digit] + int(value[0:2]), int(value[2:4]), int(value[4:6])
        )
    except ValueError:
        return False
    # A day's margin: it is already tomorrow somewhere when a newborn's IIN is new.
    if born > timezone.localdate() + datetime.timedelta(days=1):
        return False
    return check_digit(value) == int(value[11])


def normalize_iin(value: str) -> str:
    """Strip the spaces and dashes people type between groups of digits (any
    space, any dash: a phone's keyboard turns "--" into "–"), and write digits of
    other scripts (full-width, Arabic-Indic), which some keyboards type, as ASCII
    digits."""
    kept = []
    for ch in str(value):
        if ch.isspace() or ch == "\u2212" or unicodedata.category(ch) == "Pd":
            continue
        digit = unicodedata.decimal(ch, None)
        kept.append(str(digit) if digit is not None else ch)
    return "".join(kept)


def validate_iin(value: str) -> None:
    """Django validator: raises ValidationError for anything but a valid IIN."""
    if not is_valid_iin(normalize_iin(value)):
        raise ValidationError(
            _("Enter a valid IIN: 12 digits with a correct check digit."),
            code="invalid_iin",
        )


def iin_hash(iin: str) -> str:
    """Keyed hash of an IIN, the only form in which IINs are looked up."""
    key = settings.IIN_HASH_KEY.encode()
    # "surrogatepass": whatever a client sends, even a lone surrogate that is no
    # IIN, hashes without an error, so that it can be audited and refused.
    value = normalize_iin(iin).encode(errors="surrogatepass")
    return hmac.new(key, value, hashlib.sha256).hexdigest()


def mask_iin(iin: str) -> str:
    """Show only the first two and last two digits: ``79********28``."""
    iin = normalize_iin(iin)
    if len(iin) < 4:
        return "*" * len(iin)
    return iin[:2] + "*" * (len(iin) - 4) + iin[-2:]


def _fernet() -> Fernet:
    key = HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=None,
        info=b"lms.iin.encryption",
    ).derive(settings.IIN_HASH_KEY.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def encrypt_iin(iin: str) -> str:
    return _fernet().encrypt(normalize_iin(iin).encode()).decode()


def decrypt_iin(token: str) -> str | None:
    """The IIN kept in ``token``, or None when it cannot be decrypted."""
    if not token:
        return None
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        return None
