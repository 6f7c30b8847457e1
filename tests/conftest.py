"""Shared fixtures: the Wagtail site tree, a course, learners."""

import pytest

from wagtail.models import Page, Site

from courses.factories import (
    CourseIndexPageFactory,
    CoursePageFactory,
    VideoFactory,
    make_lesson,
    quiz_block,
)
from home.factories import HomePageFactory
from lms.factories import VALID_IINS, UserFactory


@pytest.fixture
def home_page(db):
    """A HomePage serving as the default site's root."""
    root = Page.get_first_root_node()
    home = HomePageFactory(parent=root)
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page": home},
    )
    return home


@pytest.fixture
def course_index(home_page):
    return CourseIndexPageFactory(parent=home_page)


@pytest.fixture
def guide_course(course_index):
    """The mandatory guide with two video lessons and a final lesson with a quiz."""
    course = CoursePageFactory(parent=course_index, kind="guide", title="Бақытты отбасы")
    make_lesson(course, videos=[VideoFactory()], title="Сабақ 1")
    make_lesson(course, videos=[VideoFactory()], title="Сабақ 2")
    make_lesson(course, videos=[VideoFactory()], quiz=quiz_block(), title="Сабақ 3")
    return course


@pytest.fixture
def learner(db):
    return UserFactory(iin=VALID_IINS[0])


@pytest.fixture
def partner(db):
    return UserFactory(iin=VALID_IINS[1], first_name="Нұрлан", last_name="Сейітов")
