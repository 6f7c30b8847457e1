"""Learner support find a learner's progress by their IIN, as in the users and
certificates listings: through the keyed hash, the IIN neither stored nor shown."""

import logging

from django.contrib.auth.models import Group

from wagtail.models import ReferenceIndex

import pytest

from lms import roles
from lms.factories import VALID_IINS, UserFactory
from progress.models import CourseCompletion, Enrollment, VideoProgress

SECTIONS = ["progress_enrollments", "progress_completions", "progress_videos"]
MODELS = {
    "progress_enrollments": Enrollment,
    "progress_completions": CourseCompletion,
    "progress_videos": VideoProgress,
}


@pytest.fixture
def rows(guide_course, long_video):
    from django.utils import timezone

    aigerim = UserFactory(email="aigerim@example.kz", iin=VALID_IINS[0])
    daniyar = UserFactory(email="daniyar@example.kz", iin=VALID_IINS[1])
    # Someone whose e-mail holds the digits of Aigerim's IIN is not her.
    digits = UserFactory(email=f"{VALID_IINS[0]}@example.kz")
    for user in (aigerim, daniyar, digits):
        Enrollment.objects.create(user=user, course=guide_course, language="kk")
        VideoProgress.objects.create(
            user=user, video=long_video, credit_clock=timezone.now(), watched_seconds=7
        )
        CourseCompletion.objects.create(user=user, course=guide_course, language="kk")
    return aigerim, daniyar


@pytest.fixture
def support_client(client, db):
    roles.ensure_roles()
    staff = UserFactory(email="support@example.kz")
    staff.groups.add(Group.objects.get(name=roles.SUPPORT))
    client.force_login(staff)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("section", SECTIONS)
@pytest.mark.parametrize(
    "typed",
    [
        VALID_IINS[0],
        "791028 302728",
        "7910 2830 2728",
        "791028-302728",
        " 791028302728 ",
    ],
)
def test_support_find_a_learner_by_iin(support_client, rows, section, typed):
    response = support_client.get(f"/admin/{section}/", {"q": typed})
    assert response.status_code == 200
    html = response.content.decode()
    assert "aigerim@example.kz" in html
    assert "daniyar@example.kz" not in html
    assert f"{VALID_IINS[0]}@example.kz" not in html
    found = list(response.context["object_list"])
    assert {row.user.email for row in found} == {"aigerim@example.kz"}


@pytest.mark.django_db
@pytest.mark.parametrize("section", SECTIONS)
def test_the_results_view_finds_by_iin_too(support_client, rows, section):
    response = support_client.get(f"/admin/{section}/results/", {"q": VALID_IINS[1]})
    html = response.content.decode()
    assert "daniyar@example.kz" in html and "aigerim@example.kz" not in html


@pytest.mark.django_db
@pytest.mark.parametrize("section", SECTIONS)
def test_an_invalid_iin_is_searched_as_text(support_client, rows, section):
    """Twelve digits with a wrong check digit are no IIN: looked for in the
    e-mail and name, as before."""
    wrong = VALID_IINS[0][:-1] + str((int(VALID_IINS[0][-1]) + 1) % 10)
    response = support_client.get(f"/admin/{section}/", {"q": wrong})
    assert list(response.context["object_list"]) == []
    response = support_client.get(f"/admin/{section}/", {"q": "daniyar"})
    assert {row.user.email for row in response.context["object_list"]} == {
        "daniyar@example.kz"
    }


@pytest.mark.django_db
def test_the_iin_is_not_shown_stored_or_logged(support_client, rows, caplog):
    aigerim = rows[0]
    references = ReferenceIndex.objects.count()
    with caplog.at_level(logging.DEBUG):
        for section in SECTIONS:
            html = support_client.get(
                f"/admin/{section}/", {"q": "791028 302728"}
            ).content.decode()
            assert aigerim.iin_hash not in html
            assert "79********28" not in html  # the listing shows no IIN at all
    assert ReferenceIndex.objects.count() == references
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert VALID_IINS[0] not in logged
    assert "791028 302728" not in logged


@pytest.mark.django_db
@pytest.mark.parametrize("section", SECTIONS)
def test_a_non_numeric_id_is_no_row(support_client, rows, section):
    row = MODELS[section].objects.first()
    assert support_client.get(f"/admin/{section}/inspect/{row.pk}/").status_code == 200
    for wrong in ("abc", "1.5", "-1", "999999"):
        response = support_client.get(f"/admin/{section}/inspect/{wrong}/")
        assert response.status_code == 404, wrong


@pytest.mark.django_db
@pytest.mark.parametrize("section", SECTIONS)
@pytest.mark.parametrize("export", ["csv", "xlsx"])
def test_no_export_of_blank_lines(support_client, rows, section, export):
    response = support_client.get(f"/admin/{section}/", {"export": export})
    assert response.status_code == 404
    assert "attachment" not in response.get("Content-Disposition", "")
    listing = support_client.get(f"/admin/{section}/").content.decode()
    assert "export=" not in listing
