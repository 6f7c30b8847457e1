"""The demo pages carry search descriptions in kk, ru and en, also after a rerun
on a site loaded by an earlier demo, and their English titles agree."""

import re
from html import unescape
from io import StringIO

from django.core.management import call_command
from django.utils import translation

from wagtail.models import Page, Revision

import pytest

from courses.models import CourseIndexPage, CoursePage, LessonPage
from home.models import HelpPage, HomePage, StandardPage

pytestmark = pytest.mark.django_db

LANGUAGES = ("kk", "ru", "en")


@pytest.fixture(autouse=True)
def demo_var_dir(settings, tmp_path, monkeypatch):
    settings.VAR_DIR = tmp_path
    monkeypatch.delenv("DEMO_ADMIN_PASSWORD", raising=False)
    return tmp_path


def load_demo() -> None:
    call_command("load_demo_content", stdout=StringIO())


def demo_pages() -> list[Page]:
    """The home page, help and text pages, course index, courses and a lesson of
    each course."""
    pages = [
        HomePage.objects.get(),
        HelpPage.objects.get(),
        CourseIndexPage.objects.get(),
    ]
    pages += list(StandardPage.objects.all())
    for course in CoursePage.objects.order_by("path"):
        pages += [course, LessonPage.objects.child_of(course).first()]
    return pages


def meta_description(html: str) -> str | None:
    found = re.search(r'<meta name="description" content="([^"]*)">', html)
    return unescape(found.group(1)) if found else None


def get(client, page: Page, code: str) -> str:
    with translation.override(code):
        url = page.get_url()
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_every_demo_page_describes_itself_in_each_language(client):
    load_demo()

    for page in demo_pages():
        descriptions = {
            code: meta_description(get(client, page, code)) for code in LANGUAGES
        }
        assert all(descriptions.values()), (page, descriptions)
        assert len(set(descriptions.values())) == 3, (page, descriptions)


def test_english_home_title_ends_like_every_other_english_page(client):
    load_demo()

    for page in (
        HomePage.objects.get(),
        HelpPage.objects.get(),
        CoursePage.objects.first(),
    ):
        title = re.search(r"<title>([^<]*)</title>", get(client, page, "en")).group(1)
        assert title.endswith(" — Happy family"), title
    assert HomePage.objects.get().title_en == "Bakytty Otbasy — Happy family"


def test_a_rerun_brings_an_earlier_demo_up_to_date():
    load_demo()
    # What an earlier demo left: no descriptions, the former English home title,
    # and a course with an editor's draft that is not published yet.
    Page.objects.update(
        search_description_kk="", search_description_ru="", search_description_en=""
    )
    HomePage.objects.update(title_en="Bakytty Otbasy — Happy Family")
    course = CoursePage.objects.order_by("path").first()
    live_summary = course.summary_ru
    course.summary_ru = "Черновик редактора"
    course.save_revision()

    load_demo()

    for page in demo_pages():
        page.refresh_from_db()
        for code in LANGUAGES:
            assert getattr(page, f"search_description_{code}"), (page, code)
    assert HomePage.objects.get().title_en == "Bakytty Otbasy — Happy family"
    course = CoursePage.objects.get(pk=course.pk)
    assert course.summary_ru == live_summary
    assert course.has_unpublished_changes
    draft = course.get_latest_revision_as_object()
    assert draft.summary_ru == "Черновик редактора"
    assert draft.search_description_en == course.search_description_en != ""

    revisions = Revision.objects.count()
    load_demo()
    assert Revision.objects.count() == revisions


def test_an_editors_description_is_kept():
    load_demo()
    home = HomePage.objects.get()
    home.search_description_ru = "Описание редактора"
    home.save_revision().publish()

    load_demo()

    assert HomePage.objects.get().search_description_ru == "Описание редактора"
