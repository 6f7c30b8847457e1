"""The staff roles: each group reaches its own part of the admin and nothing else."""

from io import StringIO

from django.contrib.auth.models import Group, Permission
from django.core.management import CommandError, call_command
from django.utils.html import escape

import pytest

from certificates import services
from lms import roles
from lms.factories import UserFactory
from progress.models import CourseCompletion
from tests.lms.i18n import tr

pytestmark = pytest.mark.django_db

# What each role may open in the admin, among the sections below.
SECTIONS = {
    "/admin/figures/learners/": {roles.ANALYSTS},
    "/admin/figures/registry-calls/": {roles.ANALYSTS},
    "/admin/progress_enrollments/": {roles.SUPPORT},
    "/admin/progress_videos/": {roles.SUPPORT},
    "/admin/certificates/": {roles.SUPPORT, roles.CERTIFICATE_OFFICERS},
    "/admin/registry_clients/": {roles.REGISTRY_ADMINISTRATORS},
    "/admin/registry_calls/": {roles.REGISTRY_ADMINISTRATORS},
    "/admin/registry_deliveries/": {roles.REGISTRY_ADMINISTRATORS},
}


@pytest.fixture
def certificate(learner, guide_course):
    completion = CourseCompletion.objects.create(
        user=learner, course=guide_course, language="kk"
    )
    return services.issue_certificate(completion)


def member(role: str):
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.mark.parametrize("role", list(roles.ROLES))
def test_each_role_opens_its_own_sections_only(client, role):
    roles.ensure_roles()
    client.force_login(member(role))
    assert client.get("/admin/").status_code == 200
    for url, allowed in SECTIONS.items():
        status = client.get(url).status_code
        assert (status == 200) == (role in allowed), (role, url, status)


def test_certificate_officers_revoke_and_support_staff_cannot(client, certificate):
    roles.ensure_roles()
    url = f"/admin/certificates/revoke/{certificate.pk}/"
    client.force_login(member(roles.SUPPORT))
    client.post(url, {"reason": "Not theirs to revoke"})
    certificate.refresh_from_db()
    assert certificate.status == "valid"

    client.force_login(member(roles.CERTIFICATE_OFFICERS))
    assert client.post(url, {"reason": "Fraud confirmed"}).status_code == 302
    certificate.refresh_from_db()
    assert certificate.status == "revoked"


def test_registry_administrators_edit_clients_but_create_them_by_command(client):
    from registry.services import create_client

    roles.ensure_roles()
    registry_client, _token = create_client("ХАЖ", rate_limit=100)
    client.force_login(member(roles.REGISTRY_ADMINISTRATORS))
    assert (
        client.get(f"/admin/registry_clients/edit/{registry_client.pk}/").status_code
        == 200
    )
    # No form to add a client: the address does not exist.
    assert client.get("/admin/registry_clients/new/").status_code == 404


def test_the_command_creates_the_groups_once_and_keeps_what_was_added():
    out = StringIO()
    call_command("create_staff_roles", stdout=out)
    assert f"{roles.ANALYSTS}: wagtailadmin.access_admin, reports.view_report" in (
        out.getvalue()
    )
    analysts = Group.objects.get(name=roles.ANALYSTS)
    extra = Permission.objects.get(codename="view_enrollment")
    analysts.permissions.add(extra)
    analysts.permissions.remove(Permission.objects.get(codename="view_report"))

    out = StringIO()
    call_command("create_staff_roles", stdout=out)
    lines = out.getvalue().splitlines()
    assert f"{roles.ANALYSTS}: reports.view_report" in lines
    assert f"{roles.SUPPORT}: nothing missing" in lines
    assert Group.objects.filter(name__in=roles.ROLES).count() == len(roles.ROLES)
    assert set(analysts.permissions.values_list("codename", flat=True)) == {
        "access_admin",
        "view_report",
        "view_enrollment",
    }


def test_the_group_settings_offer_the_reports_permission(admin_client):
    roles.ensure_roles()
    analysts = Group.objects.get(name=roles.ANALYSTS)
    view_report = Permission.objects.get(codename="view_report")
    page = admin_client.get(f"/admin/groups/edit/{analysts.pk}/").content.decode()
    assert f'name="permissions" value="{view_report.pk}"' in page
    label = tr("Can see the reports (counts only, no learner's data)", "kk")
    assert escape(label) in page


def test_the_command_says_to_migrate_when_a_permission_is_missing():
    Permission.objects.get(codename="revoke_certificate").delete()

    with pytest.raises(CommandError, match="certificates.revoke_certificate.*migrate"):
        call_command("create_staff_roles", stdout=StringIO())
    assert not Group.objects.filter(name__in=roles.ROLES).exists()
