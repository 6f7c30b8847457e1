"""Data saver: a per-device choice to spend less mobile data.

When it is on, videos stream at no more than ``MAX_RESOLUTION``, nothing of a video
is fetched before the learner presses play, course pictures and video posters are
left out, and the player reports progress less often. It is on when the learner
turned it on on this device (a cookie), or, until they choose, when the browser
sends ``Save-Data: on``. The choice belongs to the device and its connection, not
to the account, so it is not stored with the user.
"""

from django.http import HttpRequest, HttpResponse

COOKIE_NAME = "data_saver"
COOKIE_MAX_AGE = 365 * 24 * 60 * 60
ON, OFF = "on", "off"

MAX_RESOLUTION = "360p"  # Mux's ``max_resolution`` playback modifier
HEARTBEAT_SECONDS = 5
DATA_SAVER_HEARTBEAT_SECONDS = 10  # CONTRACTS.md §5 rule 5 allows up to 10 s


def choice(request: HttpRequest) -> str:
    """``on`` or ``off`` when the visitor chose on this device, else ``""``."""
    value = request.COOKIES.get(COOKIE_NAME, "")
    return value if value in (ON, OFF) else ""


def is_on(request: HttpRequest | None) -> bool:
    if request is None:
        return False
    chosen = choice(request)
    if chosen:
        return chosen == ON
    return request.headers.get("Save-Data", "").strip().lower() == ON


def remember(request: HttpRequest, response: HttpResponse, on: bool) -> None:
    response.set_cookie(
        COOKIE_NAME,
        ON if on else OFF,
        max_age=COOKIE_MAX_AGE,
        secure=request.is_secure(),
        httponly=True,
        samesite="Lax",
    )


def heartbeat_seconds(request: HttpRequest | None) -> int:
    return DATA_SAVER_HEARTBEAT_SECONDS if is_on(request) else HEARTBEAT_SECONDS


def context(request: HttpRequest) -> dict:
    """Template context processor: whether data saver is on, and whether the
    visitor chose it (rather than their browser asking for it)."""
    return {"data_saver": is_on(request), "data_saver_chosen": bool(choice(request))}
