"""Journey 6 in a real Chromium at desktop size: a ministry analyst, whose admin
is in Russian and who is in the "Ministry analysts" group only, reads the reports
of the Reports menu, filters them and downloads them as CSV and XLSX, and sees no
learner's rows; a staff member without the reports' permission sees none of them."""

import csv
import datetime
import io
import zoneinfo

from django.contrib.auth.models import Group, Permission

from wagtail.users.models import UserProfile

import openpyxl
import pytest
from playwright.sync_api import expect

from courses.factories import CoursePageFactory, VideoFactory, make_lesson
from courses.models import CoursePage
from lms import roles
from lms.factories import UserFactory
from progress.models import CourseCompletion, Enrollment, LessonCompletion
from registry.models import RegistryCall, RegistryCallKind, RegistryClient

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
PASSWORD = "pass-word-123"  # UserFactory's
ALMATY = zoneinfo.ZoneInfo("Asia/Almaty")
DAY = datetime.date(2026, 6, 2)
EVE = DAY - datetime.timedelta(days=1)


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=ALMATY)


def staff(email: str, admin_language: str, *permissions: str):
    user = UserFactory(email=email, is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(
            content_type__app_label="wagtailadmin", codename="access_admin"
        ),
        *(
            Permission.objects.get(
                content_type__app_label=name.split(".")[0],
                codename=name.split(".")[1],
            )
            for name in permissions
        ),
    )
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = admin_language
    profile.save()
    return user


def sign_in(page, live_server, user):
    page.goto(f"{live_server.url}/accounts/login/?next=/admin/")
    page.locator("input[name=login]").fill(user.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/admin/")


def enrol(course, language, region, started, completed=None, reached=0):
    user = UserFactory(region=region)
    enrollment = Enrollment.objects.create(user=user, course=course, language=language)
    Enrollment.objects.filter(pk=enrollment.pk).update(
        started_at=started, completed_at=completed
    )
    if completed:
        CourseCompletion.objects.create(user=user, course=course, language=language)
    for lesson in course.lessons()[:reached]:
        LessonCompletion.objects.create(user=user, lesson=lesson, course=course)


@pytest.fixture
def activity(live_server, guide_course):
    """Learners of the guide and of an academy course over two local days, and the
    registry's checks on the second."""
    guide_course.title_ru = "Счастливая семья"
    guide_course.save()
    for number, lesson in enumerate(guide_course.lessons(), start=1):
        lesson.title_ru = f"Урок {number}"
        lesson.save()
    academy = CoursePageFactory(
        parent=guide_course.get_parent(), kind="parents", title="Ата-аналар"
    )
    make_lesson(academy, videos=[VideoFactory()], title="Кіріспе")
    # 00:30 in Almaty is 19:30 UTC of the day before: it counts on DAY.
    enrol(guide_course, "ru", "almaty", at(DAY, 0, 30), at(DAY, 10), reached=3)
    enrol(guide_course, "ru", "almaty", at(DAY, 12), reached=1)
    enrol(guide_course, "ru", "almaty", at(EVE, 23, 30), at(DAY, 8), reached=3)
    enrol(guide_course, "kk", "almaty", at(DAY, 9), at(DAY, 11), reached=3)
    enrol(guide_course, "ru", "astana", at(DAY, 13), reached=2)
    enrol(guide_course, "ru", "almaty", at(DAY - datetime.timedelta(days=5), 9))
    enrol(academy, "ru", "almaty", at(DAY, 10))

    hazh = RegistryClient.objects.create(name="ХАЖ", token_hash="a" * 64)
    con = RegistryClient.objects.create(name="ЦОН", token_hash="b" * 64)
    calls = [
        (hazh, RegistryCallKind.VERIFY, 200, "valid"),
        (hazh, RegistryCallKind.VERIFY, 200, "valid"),
        (hazh, RegistryCallKind.VERIFY, 200, "revoked"),
        (hazh, RegistryCallKind.VERIFY, 200, "not_found"),
        (hazh, RegistryCallKind.VERIFY, 422, "invalid IIN"),
        (con, RegistryCallKind.VERIFY, 200, "valid"),
        (None, RegistryCallKind.VERIFY, 401, "no valid token"),
    ]
    for caller, kind, status, result in calls:
        RegistryCall.objects.create(
            client=caller, kind=kind, http_status=status, result=result
        )
    RegistryCall.objects.update(called_at=at(DAY, 0, 15))
    return guide_course


def table(page) -> list[list[str]]:
    """The report's rows as the page shows them."""
    return [
        [cell.strip() for cell in row.locator("td").all_inner_texts()]
        for row in page.locator("#listing-results table tbody tr").all()
    ]


def choose(page, label: str, **values: str):
    """Sets one of the admin's filters from its menu; the results follow."""
    toggle = page.get_by_role("button", name=label, exact=True)
    if not toggle.is_visible():
        page.get_by_role("button", name="Показать фильтры").click()
    toggle.click()
    for name, value in values.items():
        field = page.locator(f"[name={name}]")
        if field.evaluate("field => field.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    for name, value in values.items():
        page.wait_for_url(f"**{name}={value}*")
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    page.mouse.click(700, 880)  # below the table: closes the date picker
    expect(page.locator(".w-drilldown__contents")).to_be_hidden()


def download(page, tmp_path, label: str):
    page.get_by_role("button", name="Действия").click()
    with page.expect_download() as info:
        page.get_by_role("link", name=label).click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    page.keyboard.press("Escape")
    return path


def test_an_analyst_reads_and_downloads_the_reports_in_russian(
    desktop, live_server, activity, tmp_path
):
    roles.ensure_roles()
    analyst = staff("analyst@example.kz", "ru")
    analyst.groups.add(Group.objects.get(name=roles.ANALYSTS))
    academy = CoursePage.objects.exclude(pk=activity.pk).get()
    page = desktop()
    sign_in(page, live_server, analyst)
    nav = page.locator("nav")

    # 1. Learners by day: the Russian learners of the guide in Almaty region.
    nav.get_by_role("button", name="Отчёты").click()
    expect(
        nav.get_by_role("link", name="Где слушатели останавливаются")
    ).to_be_visible()
    expect(nav.get_by_role("link", name="Проверки реестра по дням")).to_be_visible()
    nav.get_by_role("link", name="Слушатели по дням").click()
    page.wait_for_url("**/admin/figures/learners/")
    page.get_by_role("button", name="Показать фильтры").click()
    page.screenshot(path=str(tmp_path / "0-filters-ru.png"))
    for label in ("Курс", "Язык", "Регион", "Период"):
        expect(page.get_by_role("button", name=label, exact=True)).to_be_visible()
    choose(page, "Период", period_from=EVE.isoformat(), period_to=DAY.isoformat())
    scope = page.locator("[data-report-scope]")
    expect(scope).to_have_text("Период: 01.06.2026 – 02.06.2026")
    choose(page, "Курс", course=str(activity.pk))
    choose(page, "Язык", language="ru")
    choose(page, "Регион", region="almaty")
    page.wait_for_url("**region=almaty*")
    learners = [
        ["2 июня 2026 г.", "Счастливая семья", "Русский", "Алматинская область"]
        + ["2", "2"],  # one of them started at 00:30 local time
        ["1 июня 2026 г.", "Счастливая семья", "Русский", "Алматинская область"]
        + ["1", "0"],
    ]
    expect(page.locator("#listing-results tbody tr")).to_have_count(2)
    assert table(page) == learners
    count = page.locator("#listing-results td.figure").first
    assert count.evaluate("cell => getComputedStyle(cell).textAlign") == "end"
    page.screenshot(path=str(tmp_path / "1-learners-ru.png"), full_page=True)

    # 2. The same rows as spreadsheets, with Russian headings.
    headings = ["День", "Курс", "Язык", "Регион", "Начали", "Завершили"]
    exported = download(page, tmp_path, "Скачать CSV")
    # The file's name says what was chosen: course, language, region, period.
    assert exported.name == f"learners-course-{activity.pk}-ru-almaty-{EVE}-{DAY}.csv"
    body = exported.read_bytes()
    assert body.startswith(b"\xef\xbb\xbf")
    assert list(csv.reader(io.StringIO(body.decode("utf-8-sig")))) == [
        headings,
        [DAY.isoformat(), *learners[0][1:]],
        [EVE.isoformat(), *learners[1][1:]],
    ]
    exported = download(page, tmp_path, "Скачать XLSX")
    sheet = openpyxl.load_workbook(exported).active
    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [
        headings,
        [DAY, *learners[0][1:4], 2, 2],
        [EVE, *learners[1][1:4], 1, 0],
    ]

    # 3. Where learners stop: in the guide, then among its Russian learners.
    nav.get_by_role("button", name="Отчёты").click()
    nav.get_by_role("link", name="Где слушатели останавливаются").click()
    page.wait_for_url("**/admin/figures/drop-off/")
    expect(page.locator("[data-report-scope]")).to_have_text(
        "Курс: Счастливая семья; Начали в период: за всё время"
    )
    assert table(page) == [
        ["0", "Начали курс", "6", "100,0", "1"],
        ["1", "Урок 1", "5", "83,3", "1"],
        ["2", "Урок 2", "4", "66,7", "1"],
        ["3", "Урок 3", "3", "50,0", "0"],
        ["4", "Завершили курс", "3", "50,0", ""],
    ]
    choose(page, "Язык", language="ru")
    page.wait_for_url("**language=ru*")
    expect(page.locator("#listing-results tbody tr").first).to_contain_text("5")
    assert [row[2:] for row in table(page)] == [
        ["5", "100,0", "1"],
        ["4", "80,0", "1"],
        ["3", "60,0", "1"],
        ["2", "40,0", "0"],
        ["2", "40,0", ""],
    ]
    page.screenshot(path=str(tmp_path / "2-drop-off-ru.png"), full_page=True)
    choose(page, "Курс", course=str(academy.pk))
    expect(page.locator("[data-report-scope]")).to_have_text(
        "Курс: Ата-аналар; Начали в период: за всё время; Язык: Русский"
    )
    assert [row[1:] for row in table(page)] == [
        ["Начали курс", "1", "100,0", "1"],
        ["Кіріспе", "0", "0,0", "0"],
        ["Завершили курс", "0", "0,0", ""],
    ]

    # 4. The registry's checks, per client and answer, then one client's.
    nav.get_by_role("button", name="Отчёты").click()
    nav.get_by_role("link", name="Проверки реестра по дням").click()
    page.wait_for_url("**/admin/figures/registry-calls/")
    expect(page.locator("#listing-results")).to_contain_text("Нет результатов")
    choose(page, "Период", period_from=DAY.isoformat(), period_to=DAY.isoformat())
    expect(page.locator("#listing-results tbody tr")).to_have_count(3)
    day, kind = "2 июня 2026 г.", "Проверка сертификата"
    assert table(page) == [
        [day, "ХАЖ", kind, "5", "4", "2", "1", "1", ""],
        [day, "ЦОН", kind, "1", "1", "1", "0", "0", ""],
        [day, "(без действительного токена)", kind, "1", "0", "0", "0", "0", ""],
    ]
    assert page.locator("#listing-results th").all_inner_texts() == [
        "День",
        "Клиент",
        "Вид",
        "Запросы",
        "С ответом",
        "Ответ: действителен",
        "Ответ: отозван",
        "Ответ: не найден",
        "Запрошено ИИН",
    ]
    page.screenshot(path=str(tmp_path / "3-registry-ru.png"), full_page=True)
    client = RegistryClient.objects.get(name="ЦОН")
    choose(page, "Клиент", client=str(client.pk))
    expect(page.locator("#listing-results tbody tr")).to_have_count(1)
    assert table(page)[0][1:4] == ["ЦОН", kind, "1"]

    # The same report with the admin in Kazakh.
    profile = UserProfile.get_for_user(analyst)
    profile.preferred_language = "kk"
    profile.save()
    page.reload()
    expect(page.locator("h1")).to_contain_text("Тізілім тексерулері күн бойынша")
    expect(page.locator("[data-report-scope]")).to_have_text(
        "Кезең: 02.06.2026 – 02.06.2026"
    )
    assert page.locator("#listing-results th").all_inner_texts()[:4] == [
        "Күн",
        "Клиент",
        "Түрі",
        "Сұраулар",
    ]
    last = page.locator("#listing-results th").last.bounding_box()
    assert last["x"] + last["width"] <= 1280  # the nine columns fit
    page.screenshot(path=str(tmp_path / "4-registry-kk.png"), full_page=True)

    # Counts only: the learners' rows and the audit log stay out of reach.
    expect(nav.get_by_role("button", name="Оқушылардың үлгерімі")).to_have_count(0)
    for section in ("progress_enrollments", "registry_calls", "certificates"):
        response = page.goto(f"{live_server.url}/admin/{section}/")
        assert response.status == 403 or page.url == f"{live_server.url}/admin/"


def test_staff_without_the_permissions_see_no_reports(desktop, live_server, db):
    editor = staff("editor@example.kz", "ru")
    page = desktop()
    sign_in(page, live_server, editor)
    nav = page.locator("nav")
    expect(nav.get_by_role("button", name="Помощь")).to_be_visible()
    expect(nav.get_by_role("button", name="Отчёты")).to_have_count(0)
    expect(nav.get_by_role("link", name="Слушатели по дням")).to_have_count(0)
    for slug in ("learners", "drop-off", "registry-calls"):
        for suffix in ("", "results/", "?export=csv"):
            response = page.goto(f"{live_server.url}/admin/figures/{slug}/{suffix}")
            assert response.status == 403 or page.url == f"{live_server.url}/admin/"
