"""Template tags of the site shell: language switcher, main navigation and the
addresses search engines are given."""

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils import translation

from wagtail.models import Page

from home.sitemaps import absolute_url

register = template.Library()


@dataclass(frozen=True)
class LanguageLink:
    code: str
    name: str
    url: str | None  # None: switch through set_language (page has no prefix)
    current: bool
    next: str = ""  # where set_language returns to


def _url_in_language(request, page, code: str, current: str, path: str) -> str | None:
    query = urlsplit(path).query
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


@dataclass(frozen=True)
class SearchEngineLinks:
    canonical: str | None = None
    alternates: list[tuple[str, str]] = field(default_factory=list)  # (hreflang, URL)


def _page_paths(request, page: Page) -> dict[str, str]:
    """The page's path in each language: its slugs are translated."""
    paths = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            parts = page.get_url_parts(request=request)
        if parts and parts[2]:
            paths[code] = parts[2]
    return paths


@register.simple_tag(takes_context=True)
def search_engine_links(context) -> SearchEngineLinks:
    """The absolute address of this page in the current language (canonical) and
    in each language (hreflang alternates, Kazakh also as ``x-default``), from
    ``SITE_URL`` and without the query string.

    An address without a language prefix (accounts, certificates) is the same in
    every language, so it has no alternates. A missing page has neither.
    """
    request = context.get("request")
    if request is None:
        return SearchEngineLinks()
    current = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    page = context.get("page")
    match = getattr(request, "resolver_match", None)
    if isinstance(page, Page):
        paths = _page_paths(request, page)
    elif match is not None and match.url_name == "wagtail_serve":
        return SearchEngineLinks()  # no page at this address (a 404)
    else:
        # return_path: the address a view stands for, without what was typed.
        path = urlsplit(context.get("return_path") or request.path).path
        if not path.startswith(f"/{current}/"):
            return SearchEngineLinks(canonical=absolute_url(path))
        paths = {code: translate_url(path, code) for code, _name in settings.LANGUAGES}
    if current not in paths:
        return SearchEngineLinks()
    alternates = [(code, absolute_url(path)) for code, path in paths.items()]
    if settings.LANGUAGE_CODE in paths:
        alternates.append(("x-default", absolute_url(paths[settings.LANGUAGE_CODE])))
    return SearchEngineLinks(absolute_url(paths[current]), alternates)


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
