"""Template tags of the site shell: language switcher and main navigation."""

from dataclasses import dataclass

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils import translation

from wagtail.models import Page

register = template.Library()


@dataclass(frozen=True)
class LanguageLink:
    code: str
    name: str
    url: str | None  # None: switch through set_language (page has no prefix)
    current: bool
    next: str = ""  # where set_language returns to


def _url_in_language(request, page, code: str, current: str, path: str) -> str | None:
    query = request.META.get("QUERY_STRING", "")
    match = getattr(request, "resolver_match", None)
    if match is not None and match.url_name == "wagtail_serve":
        if not isinstance(page, Page):
            # No page at this path (a 404): that language's home.
            return f"/{code}/"
        # Slugs are translated, so ask the page for its URL in that language.
        with translation.override(code):
            url = page.get_url(request=request)
        if url:
            return f"{url}?{query}" if query else url
    translated = translate_url(path, code)
    if translated != path or code == current:
        return translated
    if path.startswith(f"/{current}/"):
        return f"/{code}/"
    return None


@register.simple_tag(takes_context=True)
def language_links(context) -> list[LanguageLink]:
    """Links to the current page in each language (kk, ru, en).

    They lead from ``return_path`` (``lms.context_processors``), which a view may
    set to another address than its own.
    """
    request = context.get("request")
    current = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    page = context.get("page")
    path = context.get("return_path") or (request.get_full_path() if request else "")
    links = []
    for code, name in settings.LANGUAGES:
        url = _url_in_language(request, page, code, current, path) if request else None
        links.append(LanguageLink(code, name, url, code == current, path))
    return links


@register.simple_tag(takes_context=True)
def site_links(context) -> dict[str, str]:
    """URLs of the course index and help pages, in the current language."""
    request = context.get("request")
    cache_attr = f"_site_links_{translation.get_language()}"
    if request is not None and hasattr(request, cache_attr):
        return getattr(request, cache_attr)
    from courses.models import CourseIndexPage
    from home.models import HelpPage, HomePage

    links = {}
    for key, model in (
        ("home", HomePage),
        ("courses", CourseIndexPage),
        ("help", HelpPage),
    ):
        found = model.objects.live().order_by("path").first()
        url = found.get_url(request=request) if found else None
        if url:
            links[key] = url
    if request is not None:
        setattr(request, cache_attr, links)
    return links


@register.simple_tag(takes_context=True)
def footer_pages(context) -> list[tuple[str, str]]:
    """(title, URL) of the text pages that editors chose to show in menus."""
    from home.models import StandardPage

    request = context.get("request")
    pages = StandardPage.objects.live().in_menu().filter(depth=3).order_by("path")
    return [(page.title, page.get_url(request=request)) for page in pages]
