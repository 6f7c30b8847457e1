"""What search engines see: robots.txt, the sitemap, canonical and hreflang links."""

import re
from html.parser import HTMLParser

from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import translation
from django.utils.timezone import localdate

from wagtail.models import PageViewRestriction

import pytest
from defusedxml import ElementTree as ET

from courses.factories import CoursePageFactory, make_lesson

pytestmark = pytest.mark.django_db

SITE = "https://bakytty.example.kz"
LANGUAGES = ("kk", "ru", "en")
XML = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "xhtml": "http://www.w3.org/1999/xhtml",
}


@pytest.fixture(autouse=True)
def site_url(settings):
    """A public address other than the test client's host, so that absolute URLs
    are seen to come from SITE_URL."""
    settings.SITE_URL = SITE


def url_in(page, code: str) -> str:
    with translation.override(code):
        return SITE + page.get_url_parts()[2]


@pytest.fixture
def course(course_index):
    course = CoursePageFactory(
        parent=course_index,
        kind="couples",
        title="Жұптар академиясы",
        title_ru="Академия для пар",
        slug="zhuptar-akademiyasy",
        slug_ru="akademiya-dlya-par",
        slug_en="couples-academy",
    )
    course.save_revision().publish()
    return course


# robots.txt


def disallowed(robots: str, path: str) -> bool:
    """Whether a Disallow rule of ``robots`` (with * wildcards) covers path."""
    for line in robots.splitlines():
        if line.startswith("Disallow:"):
            rule = line.removeprefix("Disallow:").strip()
            pattern = ".*".join(re.escape(part) for part in rule.split("*"))
            if rule and re.match(pattern, path):
                return True
    return False


def test_robots_txt_keeps_crawlers_to_the_public_pages(client, course):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert "max-age=86400" in response["Cache-Control"]
    robots = response.content.decode()
    assert robots.startswith("User-agent: *\n")
    assert f"Sitemap: {SITE}/sitemap.xml" in robots.splitlines()
    private = [
        "/admin/",
        "/accounts/login/",
        "/accounts/signup/",
        "/api/v1/courses",
        "/certificates/verify/BO-2025-000001/",
        "/certificates/BO-2025-000001/pdf",
        "/django-rq/",
        "/mux/webhook/",
    ]
    for code in LANGUAGES:
        with translation.override(code):
            private += [
                reverse("progress:dashboard"),
                reverse("progress:couple"),
                reverse("progress:invite"),
            ]
    for path in private:
        assert disallowed(robots, path), path
    for code in LANGUAGES:
        public = url_in(course, code).removeprefix(SITE)
        assert not disallowed(robots, public), public
        assert not disallowed(robots, f"/{code}/"), code


# sitemap.xml


def sitemap_entries(client) -> dict[str, dict]:
    """{loc: {"lastmod": …, "alternates": {hreflang: href}}} of /sitemap.xml."""
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)
    entries = {}
    for url in root.findall("sm:url", XML):
        loc = url.findtext("sm:loc", namespaces=XML)
        assert loc not in entries, loc
        entries[loc] = {
            "lastmod": url.findtext("sm:lastmod", namespaces=XML),
            "alternates": {
                link.get("hreflang"): link.get("href")
                for link in url.findall("xhtml:link", XML)
            },
        }
    return entries


def test_sitemap_lists_each_public_page_in_three_languages(
    client, home_page, course_index, course
):
    lesson = make_lesson(course, title="Некеге дейінгі кеңес", slug="kenes")
    lesson.save_revision().publish()

    entries = sitemap_entries(client)

    for page in (home_page, course_index, course, lesson):
        urls = {code: url_in(page, code) for code in LANGUAGES}
        assert len(set(urls.values())) == 3
        for url in urls.values():
            assert url in entries, url
            assert entries[url]["alternates"] == {**urls, "x-default": urls["kk"]}
    assert url_in(course, "ru").endswith("/akademiya-dlya-par/")
    assert url_in(course, "en").endswith("/couples-academy/")
    course.refresh_from_db()
    published = localdate(course.last_published_at).isoformat()
    assert entries[url_in(course, "en")]["lastmod"] == published
    assert all(loc.startswith(f"{SITE}/") for loc in entries)


def test_sitemap_leaves_out_drafts_private_courses_and_personal_pages(
    client, course_index, course
):
    draft = CoursePageFactory(parent=course_index, slug="draft", live=False)
    taken_down = CoursePageFactory(parent=course_index, slug="taken-down")
    lesson_left_live = make_lesson(taken_down, slug="left-live")
    taken_down.unpublish()
    by_password = CoursePageFactory(parent=course_index, slug="by-password")
    PageViewRestriction.objects.create(
        page=by_password, restriction_type=PageViewRestriction.PASSWORD, password="x"
    )
    hidden_lesson = make_lesson(by_password, slug="hidden-lesson")
    by_group = CoursePageFactory(parent=course_index, slug="by-group")
    restriction = PageViewRestriction.objects.create(
        page=by_group, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(Group.objects.create(name="Pilot region"))
    signed_in = CoursePageFactory(parent=course_index, slug="signed-in")
    PageViewRestriction.objects.create(
        page=signed_in, restriction_type=PageViewRestriction.LOGIN
    )

    entries = sitemap_entries(client)

    assert url_in(course, "kk") in entries
    hidden = (draft, lesson_left_live, by_password, hidden_lesson, by_group, signed_in)
    for page in hidden:
        for code in LANGUAGES:
            assert url_in(page, code) not in entries
    for loc in entries:
        assert not re.search(r"/(dashboard|couple|accounts|certificates)/", loc)


def test_sitemap_queries_do_not_grow_with_the_pages(
    client, course_index, course, django_assert_max_num_queries
):
    sitemap_entries(client)  # the site's root paths are cached from here on
    with django_assert_max_num_queries(5) as few:
        entries = sitemap_entries(client)
    for number in range(6):
        other = CoursePageFactory(parent=course_index, slug=f"course-{number}")
        make_lesson(other, slug=f"lesson-{number}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        more = sitemap_entries(client)
    assert len(more) == len(entries) + 6 * 2 * 3


# canonical and hreflang in the page head


class HeadLinks(HTMLParser):
    """The <link> elements of a page's <head>."""

    def __init__(self):
        super().__init__()
        self.canonical = []
        self.alternates = {}
        self.in_head = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "head":
            self.in_head = True
        elif tag == "link" and self.in_head:
            if attrs.get("rel") == "canonical":
                self.canonical.append(attrs["href"])
            elif attrs.get("rel") == "alternate" and "hreflang" in attrs:
                self.alternates[attrs["hreflang"]] = attrs["href"]

    def handle_endtag(self, tag):
        if tag == "head":
            self.in_head = False


def head_links(response) -> HeadLinks:
    parser = HeadLinks()
    parser.feed(response.content.decode())
    return parser


@pytest.mark.parametrize("code", LANGUAGES)
def test_course_page_names_its_address_in_each_language(client, course, code):
    urls = {language: url_in(course, language) for language in LANGUAGES}
    path = urls[code].removeprefix(SITE)

    response = client.get(f"{path}?utm_source=sms")

    assert response.status_code == 200
    links = head_links(response)
    assert links.canonical == [urls[code]]
    assert links.alternates == {**urls, "x-default": urls["kk"]}


def test_a_learners_own_page_has_its_prefixed_addresses(client, learner):
    client.force_login(learner)
    with translation.override("ru"):
        path = reverse("progress:dashboard")

    links = head_links(client.get(path))

    assert links.canonical == [f"{SITE}/ru/dashboard/"]
    assert links.alternates["kk"] == f"{SITE}/kk/dashboard/"
    assert links.alternates["x-default"] == f"{SITE}/kk/dashboard/"


@pytest.mark.parametrize("path", ["/kk/no-such-page/", "/en/courses/nothing/"])
def test_missing_page_has_no_canonical_or_alternates(client, home_page, path):
    response = client.get(path)

    assert response.status_code == 404
    links = head_links(response)
    assert links.canonical == []
    assert links.alternates == {}
