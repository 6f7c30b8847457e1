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


@pytest.mark.django_db
@pytest.mark.parametrize("section", SECTIONS)
def test_a_learner_is_found_by_full_name_in_any_order(support_client, rows, section):
    aigerim, _daniyar = rows
    aigerim.first_name, aigerim.last_name = "Жансая", "Омарова"
    aigerim.save()
    for typed in ("Жансая Омарова", "Омарова  Жансая", "Омарова aigerim@example"):
        response = support_client.get(f"/admin/{section}/", {"q": typed})
        found = {row.user.email for row in response.context["object_list"]}
        assert found == {"aigerim@example.kz"}, typed
    response = support_client.get(f"/admin/{section}/", {"q": "Жансая Бекова"})
    assert list(response.context["object_list"]) == []


@pytest.mark.django_db
@pytest.mark.parametrize("section", SECTIONS)
def test_the_listing_reads_each_rows_learner_in_the_same_query(
    support_client, rows, guide_course, long_video, section
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert support_client.get(f"/admin/{section}/").status_code == 200
        return len(captured)

    few = queries()
    for n in range(10):
        user = UserFactory(email=f"more{n}@example.kz")
        Enrollment.objects.create(user=user, course=guide_course, language="ru")
        CourseCompletion.objects.create(user=user, course=guide_course, language="ru")
        VideoProgress.objects.create(
            user=user, video=long_video, credit_clock=timezone.now()
        )
    assert queries() == few


@pytest.mark.django_db
@pytest.mark.parametrize(
    "section, field",
    [
        ("progress_enrollments", "started_at"),
        ("progress_enrollments", "completed_at"),
        ("progress_completions", "completed_at"),
        ("progress_videos", "updated_at"),
    ],
)
def test_a_date_filter_finds_the_rows_of_that_local_day(
    support_client, rows, section, field
):
    """Wagtail's own filter of a date-and-time field matched one instant only:
    a day chosen in the picker found nothing."""
    import datetime

    from django.utils import timezone

    aigerim, daniyar = rows
    model = MODELS[section]
    zone = timezone.get_current_timezone()
    # 23:30 on 29 November in Kazakhstan is 29 November, though still 28 in UTC...
    late = datetime.datetime(2026, 11, 29, 23, 30, tzinfo=zone)
    # ...and 00:30 on 30 November there is the next day.
    next_day = datetime.datetime(2026, 11, 30, 0, 30, tzinfo=zone)
    model.objects.filter(user=aigerim).update(**{field: late})
    model.objects.filter(user=daniyar).update(**{field: next_day})
    model.objects.exclude(user__in=rows).update(
        **{field: late - datetime.timedelta(days=3)}
    )

    def found(**days):
        query = {f"{field}_{end}": day for end, day in days.items()}  # the picker's
        response = support_client.get(f"/admin/{section}/", query)
        assert response.status_code == 200
        return {row.user.email for row in response.context["object_list"]}

    assert found(**{"from": "2026-11-29", "to": "2026-11-29"}) == {"aigerim@example.kz"}
    assert found(**{"from": "2026-11-30"}) == {"daniyar@example.kz"}
    assert found(**{"from": "2026-11-29", "to": "2026-11-30"}) == {
        "aigerim@example.kz",
        "daniyar@example.kz",
    }
    assert found(to="2026-11-28") == {f"{VALID_IINS[0]}@example.kz"}


@pytest.mark.django_db
@pytest.mark.parametrize("section", SECTIONS)
def test_a_search_of_very_many_words_is_an_answer_not_an_error(
    support_client, rows, section
):
    typed = " ".join(f"word{n}" for n in range(1500))
    response = support_client.get(f"/admin/{section}/", {"q": typed})
    assert response.status_code == 200
    assert list(response.context["object_list"]) == []
