"""Admin for the registry API: clients (edit, deactivate), the audit log (read-only,
exported as CSV or XLSX) and the webhook outbox (read-only; failed deliveries can
be retried)."""

import csv

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from wagtail import hooks
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import BooleanColumn
from wagtail.admin.views.generic import IndexView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.mixins import Echo
from wagtail.admin.viewsets.model import ModelViewSetGroup
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

import django_filters

from certificates.numbers import normalize_number
from lms.filters import listing_filters
from lms.viewsets import (
    ExportGuardedViewSet,
    ReadOnlyPolicy,
    ReadOnlyViewSet,
    RestrictedPolicy,
)
from registry import services
from registry.forms import RegistryClientForm
from registry.models import (
    RESULT_LABELS,
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


class YesNoColumn(BooleanColumn):
    """A tick or a cross whose text (read by screen readers) is Yes or No in the
    admin's language, where Wagtail's says Python's True or False."""

    cell_template_name = "registry/admin/yes_no_cell.html"


class RegistryClientViewSet(ExportGuardedViewSet):
    """API clients: rename, change the webhook or rate limit, deactivate.

    New clients come from ``manage.py create_registry_client`` (the token is
    shown once there); deactivating one revokes its token at once and for good:
    ``create_registry_client --new-token`` gives it a new one.
    """

    model = RegistryClient
    name = "registry_clients"
    icon = "key"
    menu_label = _("Clients")
    list_display = [
        "name",
        "token_prefix",
        # A field's own label is capitalised by Wagtail, a column's is not.
        YesNoColumn("is_active", label=capfirst(_("active"))),
        "rate_limit",
        "webhook_url",
        "last_used_at",
        "created_at",
    ]
    list_filter = ["is_active"]
    search_fields = ["name", "token_prefix"]
    form_fields = RegistryClientForm._meta.fields
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

    def get_form_class(self, for_update=False):
        return RegistryClientForm

    def admin_urlpatterns(self):
        keep = {"index", "index_results", "edit", "inspect", "usage"}
        keep |= {"history", "history_results"}
        return [p for p in super().admin_urlpatterns() if p.name in keep]


# A spreadsheet reads a cell that starts with one of these as a formula, so a
# certificate number sent as "=HYPERLINK(…)" would run when the CSV file is opened
# (CSV injection). Such text goes out behind an apostrophe, which spreadsheets show
# as text; Wagtail's XLSX export stores every such cell as text already.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _inert(value):
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def _local_time_csv(value):
    return timezone.localtime(value).isoformat(timespec="seconds")


def _local_time_xlsx(value):
    # Excel knows no time zones: the time as the listing shows it.
    return timezone.make_naive(value)


class RegistryCallFilterSet(
    listing_filters(RegistryCall, ["kind", "http_status", "client"], days=["called_at"])
):
    # The results the API records in so many words, as the listing names them
    # (those that count IINs, "1 of 2 completed", are found by searching).
    result = django_filters.ChoiceFilter(
        label=capfirst(_("result")),
        choices=list(RESULT_LABELS.items()),
        empty_label=_("All"),
    )


class RegistryCallIndexView(IndexView):
    """The audit log, filtered and searched, and exported as CSV or XLSX as
    filtered: never with the keyed IIN hashes (``RegistryCallViewSet.list_export``
    leaves them out)."""

    custom_field_preprocess = {
        "called_at": {
            IndexView.FORMAT_CSV: _local_time_csv,
            IndexView.FORMAT_XLSX: _local_time_xlsx,
        }
    }

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("client")

    def search_queryset(self, queryset):
        return _search_by_number(self, queryset)

    def get(self, request, *args, **kwargs):
        if self.is_export and self.filters is not None and not self.filters.is_valid():
            # A mistyped filter is not applied: the page shows its error rather
            # than a file of rows the filters do not say.
            self.is_export = False
        if self.is_export:
            # Straight to the file: the listing would first read every row
            # into memory (to count them), which a year of calls does not fit.
            return self.as_spreadsheet(self.get_queryset(), request.GET["export"])
        return super().get(request, *args, **kwargs)

    def stream_csv(self, queryset):
        # The lines are written as the response is sent, after the admin's
        # language and time zone are let go: kept for them here. UTF-8 with a
        # byte order mark, which Excel needs to read Kazakh and Russian.
        language = translation.get_language()
        zone = timezone.get_current_timezone()
        rows = queryset.iterator(chunk_size=2000)
        writer = csv.DictWriter(Echo(), fieldnames=self.list_export)

        def lines():
            with translation.override(language), timezone.override(zone):
                yield "\ufeff".encode()
                yield writer.writerow(
                    {
                        name: self.get_heading(queryset, name)
                        for name in self.list_export
                    }
                )
                for item in rows:
                    yield self.write_csv_row(writer, self.to_row_dict(item))

        return lines()

    def write_csv_row(self, writer, row_dict):
        return writer.writerow(
            {
                name: _inert(self.preprocess_field_value(name, value, self.FORMAT_CSV))
                for name, value in row_dict.items()
            }
        )

    def write_xlsx(self, queryset, output):
        # Row by row from the database: a year of calls does not fit in memory
        # as model instances (openpyxl's write-only sheet keeps the rows on disk).
        super().write_xlsx(queryset.iterator(chunk_size=2000), output)

    def get_heading(self, queryset, field):
        if not hasattr(queryset, "model"):  # the rows of write_xlsx
            queryset = self.get_base_queryset()
        return super().get_heading(queryset, field)

    def write_csv_response(self, queryset):
        response = super().write_csv_response(queryset)
        response["Content-Type"] = "text/csv; charset=utf-8"
        return response


class RegistryCallViewSet(ReadOnlyViewSet):
    """The audit log of the registry API; IINs appear only as keyed hashes, and
    are left out of its CSV and XLSX exports."""

    model = RegistryCall
    name = "registry_calls"
    icon = "list-ul"
    menu_label = _("Audit log")
    index_view_class = RegistryCallIndexView
    list_display = [
        "called_at",
        "client",
        "kind",
        "http_status",
        "result",
        "certificate_number",
    ]
    filterset_class = RegistryCallFilterSet
    search_fields = ["certificate_number", "result"]
    list_per_page = 50
    # Downloaded as filtered: Wagtail's index view answers ?export=csv or xlsx on
    # the index URL itself, so ReadOnlyViewSet's URLs are all it needs. Never
    # "iin_hashes": a keyed hash is an IIN for whoever holds the key.
    list_export = [
        "called_at",
        "client",
        "get_kind_display",
        "http_status",
        "get_result_display",
        "certificate_number",
    ]
    # The other columns are headed by their fields' names, as in the listing.
    export_headings = {
        "get_kind_display": capfirst(_("kind")),
        "get_result_display": capfirst(_("result")),
    }
    export_filename = "registry-audit-log"
    inspect_view_fields = [
        "called_at",
        "client",
        "kind",
        "http_status",
        "result",
        "certificate_number",
        "iin_hashes",
    ]


def _search_by_number(view, queryset):
    """A certificate number typed in any form the verification page takes
    (lowercase, without dashes, O for 0) finds the rows of that number."""
    if number := normalize_number(view.search_query or ""):
        return queryset.filter(certificate_number=number)
    return IndexView.search_queryset(view, queryset)


class DeliveryIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("client")

    def search_queryset(self, queryset):
        return _search_by_number(self, queryset)

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

    def get_breadcrumbs_items(self):
        # Back to the list and the delivery, as the admin's other pages lead;
        # without them the header would say only "Home".
        return self.breadcrumbs_items + [
            {
                "url": reverse("registry_deliveries:index"),
                "label": capfirst(WebhookDelivery._meta.verbose_name_plural),
            },
            {
                "url": reverse("registry_deliveries:inspect", args=[self.delivery.pk]),
                "label": str(self.delivery),
            },
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        return super().get_context_data(delivery=self.delivery, **kwargs)

    def post(self, request, pk):
        retried = services.retry_deliveries(WebhookDelivery.objects.filter(pk=pk))
        # Messages are rendered after the admin's language is let go: translated now.
        if not retried.count:
            self._say_why_not(request)
        elif retried.unqueued:
            messages.warning(
                request,
                gettext(
                    "The task queue cannot be reached: the delivery is due now and "
                    "will be sent once the queue is back."
                ),
            )
        else:
            messages.success(request, gettext("The delivery is queued again."))
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

    def admin_urlpatterns(self):
        return [
            *super().admin_urlpatterns(),
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


@hooks.register("insert_global_admin_css")
def wrap_long_values_on_inspect_pages():
    """Long values without spaces on the admin's inspect pages wrap rather than
    widen the page past the screen: a webhook URL or last error here, and a
    certificate's reason for revocation (up to 2,000 characters, one long URL,
    say) on the certificate's page."""
    return format_html(
        '<link rel="stylesheet" href="{}">', static("css/admin-inspect.css")
    )
