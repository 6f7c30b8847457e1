"""The staff roles of the service, as groups of the Wagtail admin.

Course editors and moderators come with the courses (``courses.demo``: their rights
are on the course pages and their workflow). The roles here need only model
permissions, the same on every site:

- ministry analysts read the reports, which show counts and no learner;
- learner support staff look up a learner's enrolments, completions, watched
  videos and certificates, to answer "why did my progress not count?";
- certificate officers find certificates and revoke them with a reason;
- registry administrators look after the marriage registration service's API
  clients (new ones come from ``create_registry_client``), its audit log and its
  webhook deliveries.
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

ACCESS_ADMIN = "wagtailadmin.access_admin"

ANALYSTS = "Ministry analysts"
SUPPORT = "Learner support"
CERTIFICATE_OFFICERS = "Certificate officers"
REGISTRY_ADMINISTRATORS = "Registry administrators"

ROLES: dict[str, tuple[str, ...]] = {
    ANALYSTS: (ACCESS_ADMIN, "reports.view_report"),
    SUPPORT: (
        ACCESS_ADMIN,
        "progress.view_enrollment",
        "progress.view_coursecompletion",
        "progress.view_videoprogress",
        "certificates.view_certificate",
    ),
    CERTIFICATE_OFFICERS: (
        ACCESS_ADMIN,
        "certificates.view_certificate",
        "certificates.revoke_certificate",
    ),
    REGISTRY_ADMINISTRATORS: (
        ACCESS_ADMIN,
        "registry.view_registryclient",
        "registry.change_registryclient",
        "registry.view_registrycall",
        "registry.view_webhookdelivery",
    ),
}


def _permission(name: str) -> Permission:
    app_label, codename = name.split(".")
    try:
        return Permission.objects.get(
            content_type__app_label=app_label, codename=codename
        )
    except Permission.DoesNotExist:
        raise Permission.DoesNotExist(f"No permission {name}.") from None


def ensure_roles() -> dict[str, list[str]]:
    """Create the groups that are missing and give each the permissions of its
    role that it lacks; never take away what an administrator added. Returns, per
    group, the permissions given now (empty when nothing was missing)."""
    given = {}
    with transaction.atomic():
        for name, permissions in ROLES.items():
            group, _created = Group.objects.get_or_create(name=name)
            held = {
                f"{app_label}.{codename}"
                for app_label, codename in group.permissions.values_list(
                    "content_type__app_label", "codename"
                )
            }
            missing = [p for p in permissions if p not in held]
            group.permissions.add(*(_permission(p) for p in missing))
            given[name] = missing
    return given
