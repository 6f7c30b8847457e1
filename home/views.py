"""What the site tells search engines: robots.txt and the sitemap."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from wagtail.contrib.sitemaps.views import sitemap as wagtail_sitemap

from home.sitemaps import TranslatedSitemap, absolute_url

# Addresses that are personal, for staff, or not pages at all. The learner's own
# pages (progress.urls) sit under the language prefix.
PRIVATE_PATHS = [
    "/admin/",
    "/django-admin/",
    "/django-rq/",
    "/accounts/",
    "/api/",
    "/certificates/",  # verification pages and the owner's downloads
    "/*/dashboard/",
    "/*/couple/",
    "/*/_util/",  # Wagtail's sign-in and password forms for private pages
    "/i18n/",
    "/data-saver/",
    "/csp-report/",
    "/mux/",
    "/videos/",  # lesson video files and captions, shown inside lessons
]

DAY = 24 * 60 * 60


@require_GET
@cache_control(public=True, max_age=DAY)
def robots_txt(request: HttpRequest) -> HttpResponse:
    """Public pages may be crawled; private and technical addresses may not."""
    lines = ["User-agent: *", "Allow: /"]
    lines += [f"Disallow: {path}" for path in PRIVATE_PATHS]
    lines += ["", f"Sitemap: {absolute_url('/sitemap.xml')}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


@require_GET
@cache_control(public=True, max_age=60 * 60)
def sitemap(request: HttpRequest) -> HttpResponse:
    """Every public page in kk, ru and en (``home.sitemaps``)."""
    return wagtail_sitemap(request, sitemaps={"pages": TranslatedSitemap})
