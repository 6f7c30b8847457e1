"""Template context processors of the site shell."""

from django.http import HttpRequest


def return_path(request: HttpRequest) -> dict:
    """``return_path``: where the page's own forms (language, data saver) send the
    visitor back to. A view overrides it in its context when its address must not
    be returned to: one that answers only POST, or one that holds something typed
    that should not travel further (an IIN typed as a certificate number)."""
    return {"return_path": request.get_full_path()}
