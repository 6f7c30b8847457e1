"""The Reports menu entries for editors and the ministry, each shown to those who
may view the rows it counts."""

from django.urls import include, path, reverse

from wagtail import hooks
from wagtail.admin.menu import MenuItem

from reports.views import DropOffReport, LearnersReport, RegistryCallsReport

REPORTS = [
    ("learners", LearnersReport, "progress.view_enrollment", 100),
    ("drop_off", DropOffReport, "progress.view_enrollment", 110),
    ("registry_calls", RegistryCallsReport, "registry.view_registrycall", 120),
]


class PermittedMenuItem(MenuItem):
    def __init__(self, *args, permission, **kwargs):
        super().__init__(*args, **kwargs)
        self.permission = permission

    def is_shown(self, request):
        return request.user.has_perm(self.permission)


@hooks.register("register_admin_urls")
def register_report_urls():
    urls = []
    for name, view, _permission, _order in REPORTS:
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


def _menu_item(name, view, permission, order):
    return PermittedMenuItem(
        view.page_title,
        reverse(f"reports:{name}"),
        name=f"figures-{name}",
        icon_name=view.header_icon,
        order=order,
        permission=permission,
    )


for entry in REPORTS:
    hooks.register("register_reports_menu_item", lambda entry=entry: _menu_item(*entry))
