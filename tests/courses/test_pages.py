"""The page tree, the lesson body rules across languages, and previews."""

from django.core.exceptions import ValidationError
from django.utils import translation

from wagtail.models import Page, PageViewRestriction, Site
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

import pytest

from courses.factories import (
    CourseIndexPageFactory,
    CoursePageFactory,
    LessonPageFactory,
    VideoCaptionFactory,
    VideoFactory,
    make_lesson,
    quiz_block,
)
from courses.models import (
    CourseIndexPage,
    CoursePage,
    LessonPage,
    validate_webvtt,
)
from home.factories import HomePageFactory
from home.models import HelpPage, HomePage, StandardPage
from tests.lms.i18n import tr


class TestPageTree(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        root = Page.get_first_root_node()
        cls.home = HomePageFactory(parent=root)
        Site.objects.update_or_create(
            is_default_site=True,
            defaults={"hostname": "localhost", "port": 80, "root_page": cls.home},
        )
        cls.index = CourseIndexPageFactory(parent=cls.home)
        cls.course = CoursePageFactory(parent=cls.index, kind="guide")
        cls.lesson = make_lesson(cls.course, videos=[VideoFactory()], quiz=quiz_block())

    def test_course_index_only_under_the_home_page(self):
        self.assertAllowedParentPageTypes(CourseIndexPage, {HomePage})
        self.assertAllowedSubpageTypes(CourseIndexPage, {CoursePage})
        self.assertCanNotCreateAt(Page, CourseIndexPage)
        self.assertCanNotCreateAt(CourseIndexPage, CourseIndexPage)
        self.assertCanNotCreateAt(StandardPage, CourseIndexPage)

    def test_there_is_one_course_index(self):
        # The home page allows a course index, but one exists already (max_count).
        self.assertFalse(CourseIndexPage.can_create_at(self.home))
        other_root = HomePage(title="Other", slug="other")
        self.assertIn(CourseIndexPage, HomePage.allowed_subpage_models())
        self.assertEqual(CourseIndexPage.max_count, 1)
        self.assertIsNotNone(other_root)

    def test_courses_only_under_the_course_index(self):
        self.assertAllowedParentPageTypes(CoursePage, {CourseIndexPage})
        self.assertAllowedSubpageTypes(CoursePage, {LessonPage})
        self.assertCanCreateAt(CourseIndexPage, CoursePage)
        self.assertCanNotCreateAt(HomePage, CoursePage)
        self.assertCanNotCreateAt(CoursePage, CoursePage)
        self.assertCanNotCreateAt(LessonPage, CoursePage)

    def test_lessons_only_under_a_course_and_nothing_under_a_lesson(self):
        self.assertAllowedParentPageTypes(LessonPage, {CoursePage})
        self.assertAllowedSubpageTypes(LessonPage, set())
        self.assertCanCreateAt(CoursePage, LessonPage)
        self.assertCanNotCreateAt(CourseIndexPage, LessonPage)
        self.assertCanNotCreateAt(HomePage, LessonPage)
        self.assertCanNotCreateAt(LessonPage, LessonPage)
        self.assertCanNotCreateAt(HelpPage, LessonPage)

    def test_course_and_lesson_previews_render(self):
        self.assertPageIsPreviewable(self.index)
        self.assertPageIsPreviewable(self.course)
        video = self.lesson.videos()[0]
        self.assertPageIsPreviewable(
            self.lesson,
            post_data=nested_form_data(
                {
                    "title_kk": "Алдын ала қарау",
                    "slug_kk": "preview",
                    "body_kk": streamfield([("video", {"video": video.pk})]),
                    "body_ru": streamfield([]),
                    "body_en": streamfield([]),
                    "comments": inline_formset([]),
                }
            ),
        )

    def test_course_and_lesson_pages_render(self):
        # Served under the language prefix (i18n_patterns), so fetched by URL.
        for page in (self.index, self.course, self.lesson):
            response = self.client.get(page.get_url())
            self.assertEqual(response.status_code, 200)
            self.assertContains(response, page.title)


@pytest.mark.django_db
def test_translated_body_must_show_the_same_videos(guide_course):
    lesson = guide_course.lessons()[0]
    lesson.body_ru = [{"type": "video", "value": {"video": VideoFactory().pk}}]
    with translation.override("en"), pytest.raises(ValidationError) as error:
        lesson.full_clean()
    assert "The Russian body must show the same videos" in str(error.value)


@pytest.mark.django_db
def test_translated_quiz_must_have_the_same_shape(guide_course):
    lesson = guide_course.lessons()[2]
    video = lesson.videos()[0]
    different = quiz_block(questions=2)
    lesson.body_en = [{"type": "video", "value": {"video": video.pk}}, different]
    with translation.override("en"), pytest.raises(ValidationError) as error:
        lesson.full_clean()
    assert "English quiz must match the Kazakh quiz" in str(error.value)


@pytest.mark.django_db
def test_translated_quiz_with_the_correct_answer_elsewhere_is_refused(guide_course):
    lesson = guide_course.lessons()[2]
    video = lesson.videos()[0]
    moved = quiz_block()
    moved["value"]["questions"][0]["choices"] = [
        {"text": "Қате", "correct": False},
        {"text": "Дұрыс", "correct": True},
    ]
    lesson.body_ru = [{"type": "video", "value": {"video": video.pk}}, moved]
    with pytest.raises(ValidationError):
        lesson.full_clean()


@pytest.mark.django_db
def test_matching_translation_and_empty_translation_are_fine(guide_course):
    lesson = guide_course.lessons()[2]
    video = lesson.videos()[0]
    translated = quiz_block()
    translated["value"]["heading"] = "Test"
    lesson.body_en = [
        {"type": "text", "value": "<p>English</p>"},
        {"type": "video", "value": {"video": video.pk}},
        translated,
    ]
    lesson.body_ru = []
    lesson.full_clean()
    lesson.save()
    assert lesson.quiz("en").heading == "Test"
    assert lesson.quiz("ru").heading == "Тест"


@pytest.mark.django_db
def test_at_most_one_quiz_per_lesson():
    block = LessonPage._meta.get_field("body_kk").stream_block
    value = block.to_python([quiz_block(), quiz_block()])
    with pytest.raises(ValidationError):
        block.clean(value)


@pytest.mark.django_db
def test_caption_files_must_be_webvtt():
    from django.core.files.uploadedfile import SimpleUploadedFile

    validate_webvtt(
        SimpleUploadedFile(
            "ok.vtt", b"\xef\xbb\xbfWEBVTT\n\n00:00.000 --> 00:01.000\nA\n"
        )
    )
    with translation.override("en"), pytest.raises(ValidationError, match="WEBVTT"):
        validate_webvtt(SimpleUploadedFile("x.vtt", b"<html>\n"))
    with translation.override("en"), pytest.raises(ValidationError, match="SubRip"):
        validate_webvtt(
            SimpleUploadedFile("x.srt", b"1\n00:00:01,000 --> 00:00:02,000\n")
        )
    caption = VideoCaptionFactory.build(
        video=VideoFactory(),
        file=SimpleUploadedFile("bad.vtt", b"not captions"),
    )
    with pytest.raises(ValidationError):
        caption.full_clean()


@pytest.mark.django_db
def test_a_local_file_video_is_ready_when_saved():
    from courses.models import Video, VideoStatus

    video = VideoFactory(status=VideoStatus.WAITING)
    assert Video.objects.get(pk=video.pk).status == VideoStatus.READY


@pytest.mark.django_db
def test_lessons_are_listed_in_tree_order_and_only_when_live(course_index):
    course = CoursePageFactory(parent=course_index)
    first = LessonPageFactory(parent=course, title="Бірінші")
    LessonPageFactory(parent=course, title="Жоба", live=False)
    last = LessonPageFactory(parent=course, title="Соңғы")
    assert [lesson.pk for lesson in course.lessons()] == [first.pk, last.pk]
    assert first.course().pk == course.pk


@pytest.mark.django_db
def test_lessons_of_a_course_that_is_not_live_are_not_served(client, course_index):
    course = CoursePageFactory(parent=course_index, kind="couples")
    lesson = LessonPageFactory(parent=course)
    url = lesson.get_url()
    assert client.get(url).status_code == 200
    course.unpublish()  # "include descendants" left unticked: the lesson stays live
    lesson.refresh_from_db()
    assert lesson.live
    assert client.get(url).status_code == 404
    course.save_revision().publish()
    assert client.get(url).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_password_form_of_a_protected_course_has_the_helplines(
    client, course_index, language
):
    course = CoursePageFactory(parent=course_index)
    restriction = PageViewRestriction.objects.create(
        page=course, restriction_type=PageViewRestriction.PASSWORD, password="сыр"
    )
    url = f"/{language}/_util/authenticate_with_password/{restriction.pk}/{course.pk}/"

    for response in (
        client.get(f"/{language}{course.get_url()[3:]}"),
        client.post(url, {"password": "wrong", "return_url": course.get_url()}),
    ):
        assert response.status_code == 200
        html = response.content.decode()
        assert f'<html lang="{language}"' in html
        assert 'href="tel:150"' in html and 'href="tel:111"' in html
        assert "data-quick-exit" in html and 'name="viewport"' in html
        assert tr("You need a password to access this page.", language) in html
        assert f'action="{url}"' in html and 'name="password"' in html
    assert 'aria-invalid="true"' in html  # the wrong password, by its field


@pytest.mark.django_db
def test_the_password_form_of_a_protected_document_has_the_helplines(client):
    from django.core.files.base import ContentFile

    from wagtail.documents import get_document_model
    from wagtail.models import Collection, CollectionViewRestriction

    collection = Collection.get_first_root_node().add_child(name="Private")
    CollectionViewRestriction.objects.create(
        collection=collection,
        restriction_type=CollectionViewRestriction.PASSWORD,
        password="сыр",
    )
    document = get_document_model().objects.create(
        title="Note", collection=collection, file=ContentFile(b"text", name="note.txt")
    )
    response = client.get(document.url, HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="tel:150"' in html and "data-quick-exit" in html
    assert tr("You need a password to access this document.", "ru") in html

    # Guesses are limited as for pages.
    from lms.views import PAGE_PASSWORD_TRIES_PER_MINUTE
    from tests.lms.test_login import fresh_ip

    restriction = CollectionViewRestriction.objects.get(collection=collection)
    url = f"/documents/authenticate_with_password/{restriction.pk}/"
    ip = fresh_ip()
    for attempt in range(PAGE_PASSWORD_TRIES_PER_MINUTE):
        guess = {"password": f"guess-{attempt}", "return_url": document.url}
        assert client.post(url, guess, REMOTE_ADDR=ip).status_code == 200
    right = {"password": "сыр", "return_url": document.url}
    assert client.post(url, right, REMOTE_ADDR=ip).status_code == 429
    assert client.post(url, right, REMOTE_ADDR=fresh_ip()).status_code == 302


@pytest.mark.django_db
def test_guesses_at_a_course_password_are_limited(client, course_index):
    from lms.views import PAGE_PASSWORD_TRIES_PER_MINUTE
    from tests.lms.test_login import fresh_ip

    course = CoursePageFactory(parent=course_index)
    restriction = PageViewRestriction.objects.create(
        page=course, restriction_type=PageViewRestriction.PASSWORD, password="сыр"
    )
    url = f"/kk/_util/authenticate_with_password/{restriction.pk}/{course.pk}/"
    return_url = course.get_url()
    ip = fresh_ip()

    def guess(password, address=ip):
        return client.post(
            url, {"password": password, "return_url": return_url}, REMOTE_ADDR=address
        )

    for attempt in range(PAGE_PASSWORD_TRIES_PER_MINUTE):
        assert guess(f"guess-{attempt}").status_code == 200  # the form again
    response = guess("сыр")
    assert response.status_code == 429
    assert int(response["Retry-After"]) <= 60
    assert "150" in response.content.decode()  # the site's own page
    assert client.get(return_url).status_code == 200  # still the password form
    assert "password" in client.get(return_url).content.decode()

    response = guess("сыр", address=fresh_ip())  # another connection
    assert response.status_code == 302
    assert response["Location"] == return_url
