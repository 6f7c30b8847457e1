"""Fixtures for certificate tests: a completed guide and its issued certificate."""

import pytest

from certificates import services
from progress.models import CourseCompletion


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
