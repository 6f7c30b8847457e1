"""Template context processors of the site shell."""

from django.http import HttpRequest
from django.utils import translation

from lms.log_filters import holds_iin


def return_path(request: HttpRequest) -> dict:
    """``return_path``: where the page's own forms (language, data saver) and links
    (sign in and come back) send the visitor back to. A view overrides it in its
    context when its address must not be returned to: one that answers only POST,
    or one that holds something typed that should not travel further."""
    return {"return_path": safe_return_path(request)}


def safe_return_path(request: HttpRequest) -> str:
    """The request's address, unless it holds an IIN (typed into a certificate's
    address or a query by mistake): a page never writes one back into its links.
    Then the address without its query, or the home page in the page's language."""
    full_path = request.get_full_path()
    if not holds_iin(full_path):
        return full_path
    path = full_path.split("?", 1)[0]
    if not holds_iin(path):
        return path
    language = translation.get_language() or ""
    return f"/{language}/" if path.startswith(f"/{language}/") else "/"
