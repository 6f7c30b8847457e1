from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from certificates.urls import prefixed_urlpatterns as prefixed_certificate_urls
from home.views import robots_txt, sitemap
from lms.api import api
from lms.views import (
    close_account,
    csp_report,
    data_saver,
    document_password,
    email_addresses,
    healthz,
    iin_claim,
    my_data,
    page_password,
    provider_sign_in,
    reauthenticate,
    set_language,
    sign_in_here,
    unprefixed,
)

# A database that cannot be reached answers 503, not 500 (lms.outage).
handler400 = "lms.errors.bad_request"
handler429 = "lms.errors.too_many_requests"  # allauth's, for its rate limits
handler500 = "lms.errors.server_error"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("data-saver/", data_saver, name="data-saver"),
    path("csp-report/", csp_report, name="csp-report"),
    path("api/v1/", api.urls),
    path("accounts/iin/claim/", iin_claim, name="iin_claim"),
    path("accounts/close/", close_account, name="account_close"),
    path("accounts/data/", my_data, name="account_data"),
    path("accounts/email/", email_addresses, name="account_email"),
    # The name lms.errors reads to tell the wait of the per-account limit.
    path("accounts/reauthenticate/", reauthenticate, name="account_reauthenticate"),
    path("accounts/oidc/<str:provider_id>/login/", provider_sign_in),
    path("accounts/oidc/<str:provider_id>/login/callback/", provider_sign_in),
    path("accounts/", include("allauth.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    # One sign-in form for everyone, rate-limited (lms.views.sign_in_here).
    path("admin/login/", sign_in_here),
    path(
        "admin/password_reset/",
        RedirectView.as_view(pattern_name="account_reset_password"),
    ),
    path("django-admin/login/", sign_in_here),
    path("django-admin/", admin.site.urls),
    path("django-rq/", include("django_rq.urls")),
    path("admin/", include(wagtailadmin_urls)),
    path(
        "documents/authenticate_with_password/<int:restriction_id>/",
        document_password,
    ),
    path("documents/", include(wagtaildocs_urls)),
    path("", include("courses.urls")),
    path("", include("certificates.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += i18n_patterns(
    path("_util/login/", sign_in_here),  # Wagtail's sign-in for private pages
    path(  # Wagtail's form for a page's password, with guesses limited
        "_util/authenticate_with_password/<int:page_view_restriction_id>/<int:page_id>/",
        page_password,
        name="wagtailcore_authenticate_with_password",
    ),
    path("", include("progress.urls")),
    path("", include((prefixed_certificate_urls, "certificates_prefixed"))),
    re_path(r"^(?P<path>accounts/.*)$", unprefixed),
    path("", include(wagtail_urls)),
    prefix_default_language=True,
)
