"""JSON endpoints of the courses app (django-ninja): the public course list."""

from typing import Literal

from django.conf import settings
from django.utils import translation

from ninja import Router, Schema

from courses.models import CoursePage, LessonPage

router = Router()


class Detail(Schema):
    """Every error answer of the API: a sentence in the request's language."""

    detail: str


# The 405 answered to a method an address does not take (made JSON by
# lms.middleware.JsonApiErrorsMiddleware), for the schema's ``openapi_extra``:
# django-ninja does not list it by itself.
WRONG_METHOD = {
    405: {
        "description": "Method not allowed: the Allow header names the right one.",
        "headers": {
            "Allow": {
                "description": "The method(s) the address takes.",
                "schema": {"type": "string"},
            }
        },
    }
}


class LessonOut(Schema):
    id: int
    title: str
    url: str


class CourseOut(Schema):
    id: int
    title: str
    kind: Literal["guide", "couples", "parents"]
    url: str
    lessons: list[LessonOut]


def request_language(request) -> str:
    """The request's language: ``?lang=`` when it names one of the site's (the
    locale middleware has made it active, so that ``Content-Language`` names it
    too), else the cookie's or ``Accept-Language``'s; Kazakh by default."""
    codes = [code for code, _name in settings.LANGUAGES]
    active = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return active if active in codes else settings.LANGUAGE_CODE


@router.get(
    "/",
    response={200: list[CourseOut], 405: Detail},
    auth=None,
    summary="Published courses",
    openapi_extra={"responses": WRONG_METHOD},
)
def list_courses(request, lang: str | None = None):
    """Live courses with their live lessons in order, titles and URLs in the
    request's language (``?lang=``, else the ``django_language`` cookie or
    ``Accept-Language``; Kazakh by default)."""
    with translation.override(request_language(request)):
        courses = list(CoursePage.objects.live().public().order_by("path"))
        lessons_by_parent: dict[str, list[LessonPage]] = {}
        lessons = LessonPage.objects.live().public().order_by("path")
        for lesson in lessons:
            lessons_by_parent.setdefault(lesson.path[: -lesson.steplen], []).append(
                lesson
            )
        return [
            {
                "id": course.pk,
                "title": course.title,
                "kind": course.kind,
                "url": course.get_url(request) or "",
                "lessons": [
                    {
                        "id": lesson.pk,
                        "title": lesson.title,
                        "url": lesson.get_url(request) or "",
                    }
                    for lesson in lessons_by_parent.get(course.path, [])
                ],
            }
            for course in courses
        ]
