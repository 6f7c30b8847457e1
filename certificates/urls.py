"""Certificate pages: public verification, owner downloads, the JWKS (unprefixed)."""

from django.urls import path, re_path

from certificates import views

app_name = "certificates"

urlpatterns = [
    path("certificates/verify/", views.verify_form, name="verify_form"),
    path("certificates/verify/<str:number>/", views.verify, name="verify"),
    path("certificates/<str:number>/pdf", views.download_pdf, name="pdf"),
    path(
        "certificates/<str:number>/credential.jwt",
        views.download_credential,
        name="credential",
    ),
    path(".well-known/jwks.json", views.jwks, name="jwks"),
]

# Under a language prefix (``lms.urls``): the same pages, reached by redirect.
prefixed_urlpatterns = [
    re_path(
        r"^(?P<path>certificates/verify/(?:[^/]+/)?)$",
        views.unprefixed,
        name="verify_prefixed",
    ),
]
