"""Fixtures for certificate tests: a completed guide and its issued certificate."""

from django.utils import translation

import pytest

from certificates import services
from progress.models import CourseCompletion


@pytest.fixture(autouse=True)
def default_language():
    """Requests leave their language active; start every test in Kazakh."""
    with translation.override("kk"):
        yield


@pytest.fixture
def completion(learner, guide_course):
    guide_course.title_ru = "Счастливая казахстанская семья"
    guide_course.title_en = "Happy Kazakhstani Family"
    guide_course.save()
    return CourseCompletion.objects.create(
        user=learner, course=guide_course, language="kk"
    )


@pytest.fixture
def certificate(completion):
    return services.issue_certificate(completion)
