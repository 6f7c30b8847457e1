"""Admin for the registry API: clients (edit, deactivate), the audit log and the
webhook outbox (both read-only; failed deliveries can be retried)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from wagtail import hooks
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import BooleanColumn
from wagtail.admin.views.generic import IndexView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from lms.viewsets import ReadOnlyPolicy, ReadOnlyViewSet, RestrictedPolicy
from registry import services
from registry.models import (
    DeliveryStatus,
    RegistryCall,
    RegistryClient,
    WebhookDelivery,
)


class NoDeletePolicy(RestrictedPolicy):
    """Clients are deactivated, never deleted: their audit trail points at them."""

    denied = frozenset({"add", "delete"})


register_permission_policy(RegistryCall, ReadOnlyPolicy(RegistryCall))
register_permission_policy(WebhookDelivery, ReadOnlyPolicy(WebhookDelivery))
register_permission_policy(RegistryClient, NoDeletePolicy(RegistryClient))


class RegistryClientViewSet(ModelViewSet):
    """API clients: rename, change the webhook or rate limit, deactivate.

    New clients come from ``manage.py create_registry_client`` (the token is
    shown once there); deactivating one revokes its token at once.
    """

    model = RegistryClient
    name = "registry_clients"
    icon = "key"
    menu_label = _("Clients")
    list_display = [
        "name",
        "token_prefix",
        BooleanColumn("is_active", label=_("active")),
        "rate_limit",
        "webhook_url",
        "last_used_at",
        "created_at",
    ]
    list_filter = ["is_active"]
    search_fields = ["name", "token_prefix"]
    form_fields = ["name", "is_active", "rate_limit", "webhook_url"]
    inspect_view_enabled = True
    inspect_view_fields = [
        "name",
        "token_prefix",
        "is_active",
        "rate_limit",
        "webhook_url",
        "created_at",
        "last_used_at",
    ]

    def get_urlpatterns(self):
        keep = {"index", "index_results", "edit", "inspect", "usage"}
        keep |= {"history", "history_results"}
        return [p for p in super().get_urlpatterns() if p.name in keep]


class RegistryCallViewSet(ReadOnlyViewSet):
    """The audit log of the registry API; IINs appear only as keyed hashes."""

    model = RegistryCall
    name = "registry_calls"
    icon = "list-ul"
    menu_label = _("Audit log")
    list_display = [
        "called_at",
        "client",
        "kind",
        "http_status",
        "result",
        "certificate_number",
    ]
    list_filter = ["kind", "http_status", "client", "called_at"]
    search_fields = ["certificate_number", "result"]
    list_per_page = 50
    inspect_view_fields = [
        "called_at",
        "client",
        "kind",
        "http_status",
        "result",
        "certificate_number",
        "iin_hashes",
    ]


class DeliveryIndexView(IndexView):
    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if _retryable(instance):
            buttons.append(
                MenuItem(
                    _("Retry now"),
                    url=reverse("registry_deliveries:retry", args=[instance.pk]),
                    icon_name="resubmit",
                    priority=5,
                )
            )
        return buttons


def _retryable(delivery: WebhookDelivery) -> bool:
    client = delivery.client
    return (
        delivery.status == DeliveryStatus.PENDING
        and delivery.attempts > 0
        and client.is_active
        and bool(client.webhook_url)
    )


class RetryDeliveryView(WagtailAdminTemplateMixin, TemplateView):
    """Confirm (GET) and attempt a failing delivery at once (POST)."""

    template_name = "registry/retry_delivery.html"
    page_title = _("Retry webhook delivery")
    header_icon = "resubmit"

    def dispatch(self, request, pk):
        policy = ModelPermissionPolicy(WebhookDelivery)
        if not policy.user_has_permission(request.user, "view"):
            raise PermissionDenied
        self.delivery = get_object_or_404(
            WebhookDelivery.objects.select_related("client"), pk=pk
        )
        if request.method == "GET" and not _retryable(self.delivery):
            # Nothing to confirm: say why on the list.
            self._say_why_not(request)
            return redirect("registry_deliveries:index")
        return super().dispatch(request, pk)

    def get_page_subtitle(self):
        return str(self.delivery)

    def get_context_data(self, **kwargs):
        return super().get_context_data(delivery=self.delivery, **kwargs)

    def post(self, request, pk):
        count = services.retry_deliveries(WebhookDelivery.objects.filter(pk=pk))
        # Messages are rendered after the admin's language is let go: translated now.
        if count:
            messages.success(request, gettext("The delivery is queued again."))
        else:
            self._say_why_not(request)
        return redirect("registry_deliveries:index")

    def _say_why_not(self, request) -> None:
        if not self.delivery.client.is_active or not self.delivery.client.webhook_url:
            messages.warning(
                request,
                gettext(
                    "The client is deactivated or has no webhook URL: nothing is "
                    "sent to it."
                ),
            )
        else:
            messages.warning(
                request, gettext("Only deliveries that have failed can be retried.")
            )


class WebhookDeliveryViewSet(ReadOnlyViewSet):
    """The webhook outbox: what was sent to whom, what is waiting and why."""

    model = WebhookDelivery
    icon = "mail"
    menu_label = _("Webhook deliveries")
    name = "registry_deliveries"
    index_view_class = DeliveryIndexView
    list_display = [
        "created_at",
        "event_type",
        "certificate_number",
        "client",
        "status",
        "attempts",
        "next_attempt_at",
        "delivered_at",
        "last_error",
    ]
    list_filter = ["status", "event_type", "client"]
    search_fields = ["certificate_number"]
    inspect_view_fields = [
        "event_id",
        "event_type",
        "certificate_number",
        "client",
        "status",
        "attempts",
        "next_attempt_at",
        "delivered_at",
        "last_error",
        "payload",
        "created_at",
    ]

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("retry/<int:pk>/", RetryDeliveryView.as_view(), name="retry"),
        ]


class RegistryViewSetGroup(ModelViewSetGroup):
    """The "Registry API" menu."""

    menu_label = _("Registry API")
    menu_icon = "key"
    menu_order = 900
    items = (RegistryClientViewSet, RegistryCallViewSet, WebhookDeliveryViewSet)


@hooks.register("register_admin_viewset")
def register_registry_viewsets():
    return RegistryViewSetGroup()
