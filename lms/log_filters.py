"""No IIN reaches a log: any run of exactly twelve digits in a log message or its
traceback, also with the spaces or dashes people type between groups (``900101
300811``, in a URL ``900101%20300811``), is masked as pages show IINs
(``79********28``).

Code never logs an IIN on purpose (it logs keyed hashes and masked forms); this
filter, on the handlers in ``LOGGING``, also catches one that slips in through a
library's message, an exception's text or a mistyped URL."""

import logging
import re

from lms.iin import mask_iin

TWELVE_DIGITS = re.compile(r"(?<!\d)(?:\d(?:[ \-\u00a0]|%20)?){11}\d(?!\d)")


def mask(text: str) -> str:
    return TWELVE_DIGITS.sub(
        lambda match: mask_iin(match.group().replace("%20", "")), text
    )


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
