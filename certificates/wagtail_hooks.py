"""Certificates in the Wagtail admin: list, search by number, IIN, name or e-mail,
inspect, revoke.

Issued data is never edited or deleted here: a certificate is either valid or
revoked, with the reason recorded.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView

from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets import Button, HeaderButton
from wagtail.permissions import register_permission_policy

from certificates import services
from certificates.models import Certificate
from certificates.numbers import normalize_number
from lms import iin as iin_tools
from lms.viewsets import ExportGuardedViewSet, RestrictedPolicy, SearchEveryWord


class CertificatePermissionPolicy(RestrictedPolicy):
    """Staff may view and revoke certificates; nobody adds, edits or deletes them."""

    denied = frozenset({"add", "change", "delete"})

    def user_has_permission(self, user, action):
        if action == "view":
            return super().user_has_permission(
                user, "view"
            ) or super().user_has_permission(user, "revoke")
        return super().user_has_permission(user, action)


register_permission_policy(Certificate, CertificatePermissionPolicy(Certificate))


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for revocation"),
        help_text=_(
            "Recorded with the certificate and kept for audit, and e-mailed to the "
            "holder. The verification page and the registry will answer «revoked»."
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(_("Give the reason for revoking the certificate."))
        return reason


def _revoke_url(certificate: Certificate) -> str:
    return reverse("certificates_admin:revoke", args=[certificate.pk])


class CertificateIndexView(SearchEveryWord, IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("course", "user")

    def search_queryset(self, queryset):
        """A number as read aloud or typed (spaces, no hyphens, O for 0: as the
        verification page takes it) finds its certificate; a whole IIN finds its
        holder's certificates, through the keyed hash, showing nothing more; other
        text is looked for in the number, the holder's name and e-mail, as the
        learner progress listings look for a learner."""
        query = self.search_query or ""
        if number := normalize_number(query):
            return queryset.filter(number=number)
        digits = iin_tools.normalize_iin(query)
        if iin_tools.is_valid_iin(digits):
            return queryset.filter(holder_iin_hash=iin_tools.iin_hash(digits))
        return super().search_queryset(queryset)

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if not instance.is_revoked and self.user_has_permission("revoke"):
            buttons.append(
                Button(
                    _("Revoke"),
                    url=_revoke_url(instance),
                    icon_name="cross",
                    priority=40,
                )
            )
        return buttons


class CertificateInspectView(InspectView):
    @cached_property
    def header_buttons(self):
        if not self.object.is_revoked and self.user_has_permission("revoke"):
            return [
                HeaderButton(
                    _("Revoke"), url=_revoke_url(self.object), icon_name="cross"
                )
            ]
        return []

    def get_pdf_display_value(self):
        return _("rendered") if self.object.pdf else _("not rendered yet")


class RevokeView(WagtailAdminTemplateMixin, FormView):
    """Asks for the reason, then revokes the certificate."""

    form_class = RevokeForm
    template_name = "certificates/admin/revoke.html"
    page_title = _("Revoke certificate")
    header_icon = "warning"

    def dispatch(self, request, *args, **kwargs):
        policy = CertificatePermissionPolicy(Certificate)
        if not policy.user_has_permission(request.user, "revoke"):
            raise PermissionDenied
        self.object = get_object_or_404(Certificate, pk=kwargs["pk"])
        if request.method == "GET" and self.object.is_revoked:
            messages.warning(
                request,
                gettext("Certificate %(number)s had already been revoked.")
                % {"number": self.object.number},
            )
            return redirect("certificates_admin:inspect", self.object.pk)
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.object.number

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {
                "url": reverse("certificates_admin:index"),
                "label": capfirst(Certificate._meta.verbose_name_plural),
            },
            {
                "url": reverse("certificates_admin:inspect", args=[self.object.pk]),
                "label": self.object.number,
            },
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["object"] = self.object
        context["action_url"] = _revoke_url(self.object)
        return context

    def form_valid(self, form):
        already = self.object.is_revoked
        services.revoke_certificate(
            self.object,
            form.cleaned_data["reason"],
            self.request.user,
            tell_holder=True,
        )
        if already:
            messages.warning(
                self.request,
                _("Certificate %(number)s had already been revoked.")
                % {"number": self.object.number},
            )
        else:
            messages.success(
                self.request,
                _("Certificate %(number)s has been revoked.")
                % {"number": self.object.number},
            )
        return redirect("certificates_admin:inspect", self.object.pk)


class CertificateViewSet(ExportGuardedViewSet):
    """Issued certificates: search by number, IIN, name or e-mail, inspect, revoke
    with a reason."""

    model = Certificate
    name = "certificates_admin"
    url_prefix = "certificates"
    icon = "doc-full"
    menu_label = _("Certificates")
    add_to_admin_menu = True
    menu_order = 400
    index_view_class = CertificateIndexView
    inspect_view_class = CertificateInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    list_display = [
        "number",
        # A field's own label is capitalised by Wagtail, this one is not.
        Column("holder_name_masked", label=capfirst(_("holder"))),
        "course",
        "course_kind",
        "issued_at",
        "status",
    ]
    list_filter = ["status", "course_kind", "language"]
    search_fields = ["number", "holder_name", "user__email"]
    search_backend_name = None
    inspect_view_fields = [
        "number",
        "status",
        "holder_name_masked",
        "course",
        "course_kind",
        "language",
        "issued_at",
        "kid",
        "pdf",
        "emailed_at",
        "revoked_at",
        "revocation_reason",
        "revoked_by",
    ]

    def admin_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("inspect/<int:pk>/", self.inspect_view, name="inspect"),
            path("revoke/<int:pk>/", RevokeView.as_view(), name="revoke"),
        ]


@hooks.register("register_admin_viewset")
def register_certificate_viewset():
    return CertificateViewSet()
