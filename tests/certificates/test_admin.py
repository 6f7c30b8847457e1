"""Staff find, inspect and revoke certificates in the Wagtail admin."""

import re

from django.contrib.auth.models import Group, Permission
from django.core import mail

import pytest

from certificates.models import Certificate
from lms.factories import UserFactory
from tests.e2e.conftest import browser  # noqa: F401 - the browser test's fixture
from tests.lms.i18n import tr


@pytest.fixture
def staff(db):
    return UserFactory(is_staff=True, is_superuser=True, email="staff@example.kz")


def test_list_searches_by_number_and_masks_the_name(client, staff, certificate):
    client.force_login(staff)
    response = client.get("/admin/certificates/")
    assert response.status_code == 200
    page = response.content.decode()
    assert certificate.number in page
    assert "А*** Б***" in page
    assert "Айгерім" not in page

    response = client.get("/admin/certificates/", {"q": certificate.number[4:13]})
    assert certificate.number in response.content.decode()
    response = client.get("/admin/certificates/", {"q": "BKO-ZZZZ"})
    assert certificate.number not in response.content.decode()


def test_support_staff_find_a_learners_certificates_by_email_or_name(
    client, staff, certificate
):
    """Support staff find a learner in the progress listings by e-mail or name;
    the same words find the learner's certificates, still shown masked."""
    client.force_login(staff)
    other = UserFactory(email="someone-else@example.kz")
    for query in (certificate.user.email.upper(), "Бекова", "Айгерім Бекова"):
        page = client.get("/admin/certificates/", {"q": query}).content.decode()
        assert certificate.number in page, query
        assert "А*** Б***" in page  # the holder still shown masked
    for query in (other.email, "Сейітова"):
        page = client.get("/admin/certificates/", {"q": query}).content.decode()
        assert certificate.number not in page, query


@pytest.mark.parametrize("export", ["csv", "xlsx"])
def test_the_listing_has_no_export_of_blank_lines(client, staff, certificate, export):
    client.force_login(staff)
    for url in ("/admin/certificates/", "/admin/certificates/results/"):
        response = client.get(url, {"export": export})
        assert response.status_code == 404
        assert "Content-Disposition" not in response


def test_inspect_shows_details_with_the_masked_name(client, staff, certificate):
    client.force_login(staff)
    response = client.get(f"/admin/certificates/inspect/{certificate.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert certificate.number in page
    assert "А*** Б***" in page
    assert "Бекова" not in page
    assert f"/admin/certificates/revoke/{certificate.pk}/" in page


def test_issued_data_cannot_be_edited_added_or_deleted(client, staff, certificate):
    client.force_login(staff)
    for url in [
        f"/admin/certificates/edit/{certificate.pk}/",
        f"/admin/certificates/delete/{certificate.pk}/",
        "/admin/certificates/new/",
    ]:
        # Unknown admin paths fall through to the site's language redirect.
        assert client.get(url, follow=True).status_code == 404
        assert client.post(url, follow=True).status_code in (404, 405)
    page = client.get(f"/admin/certificates/inspect/{certificate.pk}/").content
    assert b"/admin/certificates/edit/" not in page


def test_revoke_needs_a_reason_then_revokes(
    client, staff, certificate, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    url = f"/admin/certificates/revoke/{certificate.pk}/"
    assert client.get(url).status_code == 200

    response = client.post(url, {"reason": "   "})
    assert response.status_code == 200
    certificate.refresh_from_db()
    assert certificate.status == "valid"

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reason": "Completed under another person's name"})
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.status == "revoked"
    assert certificate.revocation_reason == "Completed under another person's name"
    assert certificate.revoked_by == staff
    assert certificate.revoked_at is not None

    verify = client.get(f"/certificates/verify/{certificate.number}/")
    assert 'data-status="revoked"' in verify.content.decode()

    # The holder is told, in their language, with the reason.
    (notice,) = mail.outbox
    assert notice.to == [certificate.user.email]
    assert notice.subject == tr(
        "Your certificate %(number)s has been revoked", "kk"
    ) % {"number": certificate.number}
    assert "Completed under another person's name" in notice.body
    assert certificate.user.iin not in notice.body

    # Revoking again changes nothing, and tells nobody again.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"reason": "Another reason"})
    assert len(mail.outbox) == 1
    certificate.refresh_from_db()
    assert certificate.revocation_reason == "Completed under another person's name"
    inspect = client.get(f"/admin/certificates/inspect/{certificate.pk}/").content
    assert f"/admin/certificates/revoke/{certificate.pk}/".encode() not in inspect


def test_only_staff_with_the_revoke_permission_may_revoke(client, certificate):
    editor = UserFactory(is_staff=True)
    group = Group.objects.create(name="Certificate viewers")
    group.permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="view_certificate"),
    )
    editor.groups.add(group)
    client.force_login(editor)
    assert client.get("/admin/certificates/").status_code == 200
    url = f"/admin/certificates/revoke/{certificate.pk}/"
    response = client.post(url, {"reason": "No right to do this"})
    assert response.status_code in (302, 403)
    assert Certificate.objects.get(pk=certificate.pk).status == "valid"

    group.permissions.add(Permission.objects.get(codename="revoke_certificate"))
    editor = type(editor).objects.get(pk=editor.pk)
    client.force_login(editor)
    response = client.post(url, {"reason": "Fraud confirmed by the registry"})
    assert response.status_code == 302
    assert Certificate.objects.get(pk=certificate.pk).status == "revoked"


def test_inspect_shows_a_dash_for_nobody(client, staff, certificate):
    client.force_login(staff)
    page = client.get(f"/admin/certificates/inspect/{certificate.pk}/").content.decode()
    # "Revoked by" of a valid certificate: a dash, not Python's None.
    assert not re.search(r"<dd>\s*None\s*</dd>", page)
    assert re.search(r"<dd>\s*—\s*</dd>", page)
    # Nor an empty reason for revocation.
    assert not re.search(r"<dd>\s*</dd>", page)


def test_inspect_shows_times_in_kazakhstan_as_the_list_does(client, staff, certificate):
    import datetime

    from django.utils import formats

    certificate.issued_at = datetime.datetime(2026, 11, 30, 19, 5, tzinfo=datetime.UTC)
    certificate.save(update_fields=["issued_at"])
    client.force_login(staff)
    page = client.get(f"/admin/certificates/inspect/{certificate.pk}/").content.decode()
    local = certificate.issued_at.astimezone(
        datetime.timezone(datetime.timedelta(hours=5))
    )
    assert formats.date_format(local, "DATETIME_FORMAT") in page


def test_inspect_labels_and_values_are_in_the_admins_language(
    client, staff, certificate
):
    from html import unescape

    from wagtail.users.models import UserProfile

    from courses.models import CourseKind
    from tests.lms.i18n import tr

    profile = UserProfile.get_for_user(staff)
    profile.preferred_language = "kk"
    profile.save()
    client.force_login(staff)
    page = unescape(
        client.get(f"/admin/certificates/inspect/{certificate.pk}/").content.decode()
    )
    import re

    labels = {label.strip().lower() for label in re.findall(r"<dt>(.*?)</dt>", page)}
    for text in ("course", "holder", "course kind", "language"):
        assert tr(text, "kk").lower() in labels, (text, labels)
    assert tr(CourseKind.GUIDE.label, "kk") in page
    assert "Қазақша" in page
    assert "Holder name masked" not in page


def test_a_number_as_read_aloud_or_the_holders_iin_finds_the_certificate(
    client, staff, certificate
):
    from lms.factories import VALID_IINS

    other = UserFactory(iin=VALID_IINS[2])
    client.force_login(staff)
    compact = certificate.number.replace("-", "")
    spaced = " ".join(certificate.number.split("-")).lower()
    with_o = certificate.number.replace("0", "O")
    for typed in (compact, spaced, with_o, certificate.number):
        page = client.get("/admin/certificates/", {"q": typed}).content.decode()
        assert certificate.number in page, typed

    holder_iin = certificate.user.iin
    spaced_iin = f"{holder_iin[:6]} {holder_iin[6:]}"
    page = client.get("/admin/certificates/", {"q": spaced_iin}).content.decode()
    assert certificate.number in page
    assert holder_iin not in page  # the IIN typed is not shown back in the list
    page = client.get("/admin/certificates/", {"q": other.iin}).content.decode()
    assert certificate.number not in page


def test_the_revoke_form_is_not_offered_twice(client, staff, certificate):
    from certificates.services import revoke_certificate

    client.force_login(staff)
    inspect = client.get(f"/admin/certificates/inspect/{certificate.pk}/")
    revoke_url = f"/admin/certificates/revoke/{certificate.pk}/"
    assert inspect.content.decode().count(f'href="{revoke_url}"') == 1

    revoke_certificate(certificate, "Issued in error", staff)
    response = client.get(revoke_url)
    assert response["Location"] == f"/admin/certificates/inspect/{certificate.pk}/"


LONG_REASON = "https://example.kz/complaints/" + "a1b2c3d4" * 240  # no spaces


def test_a_long_reason_for_revocation_wraps_on_the_inspect_page(
    client, staff, certificate
):
    from django.contrib.staticfiles import finders

    from certificates.services import revoke_certificate

    revoke_certificate(certificate, LONG_REASON[:2000], staff)
    client.force_login(staff)
    page = client.get(f"/admin/certificates/inspect/{certificate.pk}/").content.decode()

    assert LONG_REASON[:2000] in page
    assert 'href="/static/css/admin-inspect.css"' in page
    with open(finders.find("css/admin-inspect.css"), encoding="utf-8") as f:
        stylesheet = f.read()
    rule = re.search(r"\.nice-padding > dl > dd \{([^}]*)\}", stylesheet)
    assert rule and "overflow-wrap: anywhere" in rule.group(1)


@pytest.mark.e2e
@pytest.mark.slow
def test_a_long_reason_for_revocation_stays_within_the_screen(
    live_server,
    staff,
    certificate,
    browser,  # noqa: F811 - the fixture imported above
):
    from certificates.services import revoke_certificate
    from tests.e2e.test_reports_journey import PASSWORD, sign_in

    revoke_certificate(certificate, LONG_REASON[:2000], staff)
    staff.set_password(PASSWORD)
    staff.save()
    for width in (1024, 390):
        context = browser.new_context(viewport={"width": width, "height": 800})
        window = context.new_page()
        sign_in(window, live_server, staff)
        window.goto(f"{live_server.url}/admin/certificates/inspect/{certificate.pk}/")
        overflowing = window.evaluate(
            """() => [
                ...document.querySelectorAll("main, main header, main dl, main dd")
            ].filter(e => e.scrollWidth > e.clientWidth + 1
                    || e.getBoundingClientRect().right > window.innerWidth + 1)
                .map(e => e.tagName)"""
        )
        reason = window.locator("dd", has_text="https://example.kz/complaints/")
        height = reason.bounding_box()["height"]
        context.close()
        assert overflowing == [], (width, overflowing)
        assert height > 100  # wrapped over many lines
