"""The Reports menu entries for editors and the ministry, shown to those with the
``reports.view_report`` permission."""

from django.contrib.auth.models import Permission
from django.urls import include, path, reverse

from wagtail import hooks
from wagtail.admin.menu import MenuItem

from reports.views import DropOffReport, LearnersReport, RegistryCallsReport

REPORTS = [
    ("learners", LearnersReport, 100),
    ("drop_off", DropOffReport, 110),
    ("registry_calls", RegistryCallsReport, 120),
]


class ReportMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("reports.view_report")


@hooks.register("register_permissions")
def register_report_permission():
    """Offer "Can see the reports" in the admin's group settings."""
    return Permission.objects.filter(
        content_type__app_label="reports", codename="view_report"
    )


@hooks.register("register_admin_urls")
def register_report_urls():
    urls = []
    for name, view, _order in REPORTS:
        slug = name.replace("_", "-")
        urls += [
            path(f"{slug}/", view.as_view(), name=name),
            path(
                f"{slug}/results/",
                view.as_view(results_only=True),
                name=f"{name}_results",
            ),
        ]
    return [path("figures/", include((urls, "reports"), namespace="reports"))]


def _menu_item(name, view, order):
    return ReportMenuItem(
        view.page_title,
        reverse(f"reports:{name}"),
        name=f"figures-{name}",
        icon_name=view.header_icon,
        order=order,
    )


for entry in REPORTS:
    hooks.register("register_reports_menu_item", lambda entry=entry: _menu_item(*entry))
