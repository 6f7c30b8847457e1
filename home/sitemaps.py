"""The sitemap for search engines: every public page of the site in kk, ru and en."""

from django.conf import settings
from django.core.paginator import Paginator
from django.utils import translation

from wagtail.contrib.sitemaps import Sitemap


def absolute_url(path: str) -> str:
    """``path`` (``/kk/…``) on the site's public address (``SITE_URL``): search
    engines are told one host whatever host a request came in on."""
    return f"{settings.SITE_URL}{path}"


class TranslatedSitemap(Sitemap):
    """Wagtail's sitemap with one entry per page and language.

    A page's slugs are translated, so each language has its own address; each
    entry names the other two as alternates, and Kazakh, the default language, as
    ``x-default``. Pages behind a password or a sign-in (a private course) are
    left out, and so are drafts.
    """

    # Three entries per page within the sitemaps protocol's 50 000 a file.
    limit = 50_000 // len(settings.LANGUAGES)

    def items(self):
        # The page addresses need only the columns of the page tree itself, so
        # plain pages (one query), not each page's own model (one more per type).
        root = self.get_wagtail_site().root_page
        pages = root.get_descendants(inclusive=True).live().public()
        # A live lesson of a course taken down is not served (courses.wagtail_hooks).
        taken_down = root.get_descendants().not_live().values_list("path", flat=True)
        for path in taken_down:
            pages = pages.exclude(path__startswith=path)
        return pages.order_by("path").only(
            "id",
            "path",
            "depth",
            "last_published_at",
            "latest_revision_created_at",
            *(f"url_path_{code}" for code, _name in settings.LANGUAGES),
        )

    @property
    def paginator(self):
        return Paginator(self.items(), self.limit)

    def _urls(self, page, protocol, domain):
        pages = list(self.paginator.page(page).object_list)
        paths = {}
        # Language by language: Wagtail keeps the site's root paths for the
        # active language only, so this looks them up once per language.
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                for item in pages:
                    parts = item.get_url_parts(request=self.request)
                    if parts and parts[2]:
                        paths.setdefault(item.pk, {})[code] = absolute_url(parts[2])

        urls = []
        for item in pages:
            addresses = paths.get(item.pk)
            if not addresses:
                continue
            alternates = [
                {"lang_code": code, "location": location}
                for code, location in addresses.items()
            ]
            default = addresses.get(settings.LANGUAGE_CODE)
            if default:
                alternates.append({"lang_code": "x-default", "location": default})
            lastmod = item.last_published_at or item.latest_revision_created_at
            for location in addresses.values():
                urls.append(
                    {
                        "item": item,
                        "location": location,
                        "lastmod": lastmod,
                        "alternates": alternates,
                    }
                )
        lastmods = [url["lastmod"] for url in urls]
        if lastmods and None not in lastmods:
            self.latest_lastmod = max(lastmods)
        return urls
