"""Journey 1 in a real Chromium at desktop size: a course editor adds a captioned
video and writes a mandatory-guide course and lesson with a quiz in kk, ru and en in
the Wagtail admin, previews and submits them; a course moderator approves them;
a visitor reads the lesson in Russian."""

from pathlib import Path

from django.contrib.auth.models import Group
from django.utils import translation

from wagtail.models import Page, Site
from wagtail.users.models import UserProfile

import pytest
import responses
from playwright.sync_api import expect

from courses import demo
from courses.models import CourseIndexPage, CoursePage, LessonPage, Video
from home.factories import HomePageFactory
from lms.factories import UserFactory
from tests.lms.i18n import tr

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
PASSWORD = "pass-word-123"  # UserFactory's
CLIP = Path(demo.__file__).resolve().parent / "demo_media" / "guide-1.mp4"
LANGUAGES = ("kk", "ru", "en")

VIDEO_TITLE = {
    "kk": "Отбасы құндылықтары",
    "ru": "Семейные ценности",
    "en": "Family values",
}
CAPTIONS = {
    "kk": ["Отбасы — қоғамның негізі.", "Бір-біріңізді тыңдаңыз."],
    "ru": ["Семья — основа общества.", "Слушайте друг друга."],
    "en": ["The family is the basis of society.", "Listen to each other."],
}
COURSE = {
    "title": {"kk": "Жас отбасына", "ru": "Молодой семье", "en": "For a young family"},
    "slug": {"kk": "zhas-otbasyna", "ru": "molodoy-seme", "en": "young-family"},
    "audience": {
        "kk": "Некеге тұратындар",
        "ru": "Вступающие в брак",
        "en": "People about to marry",
    },
    "summary": {
        "kk": "Отбасы құндылықтары туралы қысқа курс.",
        "ru": "Короткий курс о семейных ценностях.",
        "en": "A short course on family values.",
    },
}
LESSON = {
    "title": VIDEO_TITLE,
    "slug": {"kk": "kundylyktar", "ru": "tsennosti", "en": "values"},
    "summary": {
        "kk": "Отбасы неге маңызды.",
        "ru": "Почему семья важна.",
        "en": "Why the family matters.",
    },
    "quiz": {
        "kk": ("Тексеру", "Отбасының негізі не?", ["Тыңдай білу", "Ақша"]),
        "ru": ("Проверка", "Что лежит в основе семьи?", ["Умение слушать", "Деньги"]),
        "en": ("Check", "What is a family built on?", ["Listening", "Money"]),
    },
}


@pytest.fixture
def site(transactional_db):
    """The demo site shell: home page, the course index with its review workflow,
    the course editors' and moderators' groups. The demo's guide is taken down:
    this journey publishes its new edition, and one guide is live at a time."""
    home = HomePageFactory(parent=Page.get_first_root_node())
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page": home},
    )
    demo.load(home, None)
    for guide in CoursePage.objects.live().filter(kind="guide"):
        guide.unpublish()
    return CourseIndexPage.objects.get()


def member(group: str, email: str, first_name: str, admin_language: str):
    user = UserFactory(email=email, first_name=first_name)
    user.groups.add(Group.objects.get(name=group))
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = admin_language
    profile.save()
    return user


def sign_in(page, live_server, user):
    """Through the admin, which sends to the site's own sign-in page."""
    page.goto(f"{live_server.url}/admin/")
    page.wait_for_url("**/accounts/login/**")
    page.locator("input[name=login]").fill(user.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/admin/")


def show_languages(page):
    """wagtail-modeltranslation shows one language's fields at first."""
    for code in ("ru", "en"):
        page.locator("button.locale-toggle", has_text=code).click()
    expect(page.locator("[name=title_en]")).to_be_visible()


def caption_files(directory: Path) -> dict[str, Path]:
    files = {}
    for code, (first, second) in CAPTIONS.items():
        files[code] = directory / f"captions-{code}.vtt"
        files[code].write_text(
            f"WEBVTT\n\n00:00.000 --> 00:06.000\n{first}\n\n"
            f"00:06.000 --> 00:12.000\n{second}\n",
            encoding="utf-8",
        )
    return files


def fill_translated(page, field: str, values: dict[str, str]):
    for code, value in values.items():
        page.locator(f"[name={field}_{code}]").fill(value)


def action_menu(page, name: str):
    """A button of the page editor's action menu, opened from its toggle."""
    page.locator("footer [data-w-dropdown-target=toggle]").first.click()
    return page.locator(f"footer button[name={name}]")


def fill_lesson_body(page, code: str):
    """The video and the quiz of the lesson's body in one language, block by
    block as an editor adds them."""
    # Wagtail names a panel's id after its tab's heading as first translated in
    # the process, so only the end of the id is the field's own.
    body = page.locator(f"section[id$='-body_{code}-section']")
    body.locator("button[title='Insert a block']").first.click()
    page.get_by_role("option", name="Video", exact=True).click()
    body.get_by_role("button", name="Choose a video").click()
    modal = page.locator(".modal")
    modal.locator("a", has_text=VIDEO_TITLE["en"]).click()
    expect(modal).to_be_hidden()
    body.locator("button[title='Insert a block']").last.click()
    page.get_by_role("option", name="Quiz", exact=True).click()
    heading, question, (right, wrong) = LESSON["quiz"][code]
    quiz = f"body_{code}-1-value"
    page.locator(f"[name={quiz}-heading]").fill(heading)
    page.locator(f"[name={quiz}-questions-0-value-text]").fill(question)
    choices = f"{quiz}-questions-0-value-choices"
    body.locator("[data-contentpath=choices] [data-streamfield-list-add]").last.click()
    page.locator(f"[name={choices}-0-value-text]").fill(right)
    page.locator(f"[name={choices}-0-value-correct]").check()
    page.locator(f"[name={choices}-1-value-text]").fill(wrong)


def test_editors_publish_a_guide_lesson_that_learners_read_in_russian(
    desktop, live_server, site, tmp_path
):
    editor = member(demo.EDITORS, "editor@example.kz", "Әсел", "en")
    moderator = member(demo.MODERATORS, "moderator@example.kz", "Марат", "ru")
    page = desktop()
    sign_in(page, live_server, editor)

    # The video library: a local clip (Mux is not configured) and captions.
    page.locator("nav a", has_text="Videos").click()
    page.get_by_role("link", name="Add video").click()
    show_languages(page)
    fill_translated(page, "title", VIDEO_TITLE)
    page.locator("[name=file]").set_input_files(CLIP)
    page.locator("[name=duration]").fill("12")
    for number, (code, path) in enumerate(caption_files(tmp_path).items()):
        page.locator("#id_captions-ADD").click()
        page.locator(f"[name=captions-{number}-language]").select_option(code)
        page.locator(f"[name=captions-{number}-file]").set_input_files(path)
    page.screenshot(path=str(tmp_path / "1-video-form.png"), full_page=True)
    page.locator("footer button[type=submit]").first.click()
    expect(page.locator(".messages")).to_contain_text("Family values")
    video = Video.objects.get(title_kk=VIDEO_TITLE["kk"])
    assert video.is_ready
    assert {caption.language for caption in video.captions.all()} == set(LANGUAGES)

    # The course, under the course index.
    page.goto(f"{live_server.url}/admin/pages/{site.pk}/")
    page.get_by_role("link", name="Add child page").first.click()
    page.wait_for_url("**/add/courses/coursepage/**")
    show_languages(page)
    fill_translated(page, "title", COURSE["title"])
    page.locator("[name=kind]").select_option("guide")
    fill_translated(page, "audience", COURSE["audience"])
    fill_translated(page, "summary", COURSE["summary"])
    page.get_by_role("tab", name="Promote").click()
    fill_translated(page, "slug", COURSE["slug"])
    page.get_by_role("tab", name="Content").click()
    page.locator("footer button[type=submit]").first.click()
    page.wait_for_url("**/admin/pages/*/edit/")
    course = CoursePage.objects.get(slug_kk=COURSE["slug"]["kk"])
    assert (course.kind, course.live) == ("guide", False)
    assert course.title_ru == COURSE["title"]["ru"]
    assert course.summary_en == COURSE["summary"]["en"]
    expect(action_menu(page, "action-publish")).to_have_count(0)
    page.locator("footer button[name=action-submit]").click()
    expect(page.locator(".messages")).to_contain_text("submitted")

    # The lesson: the video and a quiz in each language.
    page.goto(f"{live_server.url}/admin/pages/{course.pk}/")
    page.get_by_role("link", name="Add child page").first.click()
    page.wait_for_url("**/add/courses/lessonpage/**")
    show_languages(page)
    fill_translated(page, "title", LESSON["title"])
    fill_translated(page, "summary", LESSON["summary"])
    for code in LANGUAGES:
        fill_lesson_body(page, code)
    page.get_by_role("tab", name="Promote").click()
    fill_translated(page, "slug", LESSON["slug"])
    page.get_by_role("tab", name="Content").click()
    page.screenshot(path=str(tmp_path / "2-lesson-form.png"), full_page=True)
    page.locator("footer button[type=submit]").first.click()
    page.wait_for_url("**/admin/pages/*/edit/")
    expect(page.locator(".messages")).to_contain_text("created")
    lesson = LessonPage.objects.get(slug_kk=LESSON["slug"]["kk"])
    assert lesson.video_ids() == [video.pk]
    assert lesson.quiz("ru").questions[0].text == LESSON["quiz"]["ru"][1]

    # The preview: in the admin's language first, then in Russian.
    page.locator("[data-side-panel-toggle=preview]").click()
    preview = page.frame_locator("#w-preview-iframe")
    expect(preview.locator("h1")).to_have_text(LESSON["title"]["en"])
    page.locator("#id_preview_mode").select_option("ru")
    expect(preview.locator("h1")).to_have_text(LESSON["title"]["ru"])
    expect(preview.locator(".quiz")).to_contain_text(LESSON["quiz"]["ru"][1])
    page.screenshot(path=str(tmp_path / "3-lesson-preview.png"))

    action_menu(page, "action-submit").click()
    expect(page.locator(".messages")).to_contain_text("submitted")

    # The moderator approves both pages from the dashboard.
    review = desktop()
    sign_in(review, live_server, moderator)
    # Pages are listed by their Kazakh titles, whatever the editor's admin language.
    awaiting = review.locator("main")
    expect(awaiting).to_contain_text(COURSE["title"]["kk"])
    expect(awaiting).to_contain_text(LESSON["title"]["kk"])
    review.screenshot(path=str(tmp_path / "4-moderator-dashboard.png"), full_page=True)
    for reviewed in (course, lesson):
        review.goto(f"{live_server.url}/admin/pages/{reviewed.pk}/edit/")
        review.locator("footer [data-w-dropdown-target=toggle]").first.click()
        review.locator(
            "footer button[data-workflow-action-name=approve]"
            ":not([data-workflow-action-modal-url])"
        ).click()
        expect(review.locator(".messages")).to_be_visible()
    review.screenshot(path=str(tmp_path / "5-approved.png"), full_page=True)
    course.refresh_from_db()
    lesson.refresh_from_db()
    assert course.live and lesson.live

    # A visitor reads the lesson in Russian.
    with translation.override("ru"):
        url = live_server.url + lesson.get_url()
    assert url.startswith(f"{live_server.url}/ru/")
    visitor = desktop()
    visitor.goto(url)
    expect(visitor.locator("h1")).to_have_text(LESSON["title"]["ru"])
    track = visitor.locator("video track[srclang=ru]")
    expect(track).to_have_count(1)
    expect(visitor.locator(".quiz")).to_contain_text(LESSON["quiz"]["ru"][1])
    expect(visitor.locator(".quiz")).to_contain_text(LESSON["quiz"]["ru"][2][0])
    captions = visitor.evaluate(
        "async () => (await fetch(document.querySelector('track[srclang=ru]').src))"
        ".text()"
    )
    assert CAPTIONS["ru"][0] in captions
    visitor.screenshot(path=str(tmp_path / "6-lesson-ru.png"), full_page=True)


def test_an_editor_uploads_a_video_straight_to_mux(
    desktop, live_server, site, settings, tmp_path
):
    """With Mux configured the edit page sends the file from the browser to the
    upload URL that Mux gives; Mux's API is mocked and the upload intercepted, so
    nothing leaves the machine."""
    settings.MUX_TOKEN_ID = "token-id"
    settings.MUX_TOKEN_SECRET = "token-secret"
    upload_url = "https://storage.googleapis.com/video-storage/upload-42"
    editor = member(demo.EDITORS, "editor@example.kz", "Әсел", "en")
    page = desktop()
    sent = []
    page.route(
        upload_url,
        lambda route: (
            sent.append((route.request.method, route.request.headers["content-type"])),
            route.fulfill(status=200, headers={"Access-Control-Allow-Origin": "*"}),
        ),
    )
    sign_in(page, live_server, editor)
    page.goto(f"{live_server.url}/admin/snippets/courses/video/add/")
    page.locator("[name=title_kk]").fill(VIDEO_TITLE["kk"])
    page.locator("footer button[type=submit]").first.click()
    video = Video.objects.get(title_kk=VIDEO_TITLE["kk"])
    page.goto(f"{live_server.url}/admin/snippets/courses/video/edit/{video.pk}/")

    with responses.RequestsMock() as mux_api:
        mux_api.post(
            "https://api.mux.com/video/v1/uploads",
            json={"data": {"id": "upload-42", "url": upload_url, "status": "waiting"}},
            status=201,
        )
        page.locator("#mux-upload-file").set_input_files(CLIP)
        page.locator("[data-mux-upload-start]").click()
        expect(page.locator("[data-mux-upload-status]")).to_contain_text("Uploaded")
    page.screenshot(path=str(tmp_path / "mux-upload.png"), full_page=True)
    assert sent == [("PUT", "video/mp4")]
    video.refresh_from_db()
    assert (video.mux_upload_id, video.status) == ("upload-42", "waiting")


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_copy_buttons_read_in_the_editors_language(
    page, live_server, guide_course, language
):
    """wagtail-modeltranslation may write its "Copy content from" label after the
    page has loaded (a new page's editor): it is relabelled whenever it appears."""
    editor = UserFactory(is_staff=True, is_superuser=True, email="editor@example.kz")
    profile = UserProfile.get_for_user(editor)
    profile.preferred_language = language
    profile.save()
    sign_in(page, live_server, editor)
    lesson = guide_course.lessons()[0]
    label = tr("Copy content from", language)
    for url in (
        f"/admin/pages/add/courses/lessonpage/{guide_course.pk}/",
        f"/admin/pages/{lesson.pk}/edit/",
    ):
        page.goto(live_server.url + url)
        wrappers = page.locator(".translation-field-copy-wrapper")
        expect(wrappers.first).to_contain_text(label)
        texts = wrappers.all_inner_texts()
        assert len(texts) >= 3 and all(text.startswith(label) for text in texts)
    # Written later than the page's load, as it may be on a slower machine.
    page.evaluate(
        """() => {
          const late = document.createElement("div");
          late.className = "translation-field-copy-wrapper";
          late.id = "late-copy-buttons";
          late.innerHTML = "Copy content from: <button>ru</button>";
          document.querySelector("main form").append(late);
        }"""
    )
    expect(page.locator("#late-copy-buttons")).to_contain_text(label)
