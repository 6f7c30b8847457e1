"""GET /api/v1/courses/ (CONTRACTS.md §5): live courses and lessons, titles in the
request's language."""

import pytest

from courses.factories import CoursePageFactory, LessonPageFactory


@pytest.fixture
def translated_course(course_index):
    course = CoursePageFactory(
        parent=course_index,
        kind="parents",
        title="Ата-аналар академиясы",
        title_ru="Академия родителей",
        title_en="Parents' academy",
        slug="ata-analar",
    )
    LessonPageFactory(
        parent=course,
        title="Жауапты ата-ана",
        title_ru="Ответственное родительство",
        title_en="Responsible parenthood",
        slug="zhauapty",
    )
    LessonPageFactory(parent=course, title="Жоба", slug="draft", live=False)
    CoursePageFactory(parent=course_index, kind="couples", title="Жоба", live=False)
    return course


@pytest.mark.django_db
def test_course_list_has_the_contract_shape_and_only_live_pages(
    client, translated_course
):
    response = client.get("/api/v1/courses/")

    assert response.status_code == 200
    courses = response.json()
    assert [course["id"] for course in courses] == [translated_course.pk]
    course = courses[0]
    assert set(course) == {"id", "title", "kind", "url", "lessons"}
    assert course["kind"] == "parents"
    assert course["title"] == "Ата-аналар академиясы"
    assert course["url"].startswith("/kk/")
    assert len(course["lessons"]) == 1
    lesson = course["lessons"][0]
    assert set(lesson) == {"id", "title", "url"}
    assert lesson["title"] == "Жауапты ата-ана"
    assert client.get(lesson["url"]).status_code == 200


@pytest.mark.django_db
def test_titles_follow_accept_language_cookie_and_lang(client, translated_course):
    by_header = client.get("/api/v1/courses/", HTTP_ACCEPT_LANGUAGE="ru").json()
    assert by_header[0]["title"] == "Академия родителей"
    assert by_header[0]["lessons"][0]["title"] == "Ответственное родительство"
    assert by_header[0]["url"].startswith("/ru/")

    client.cookies["django_language"] = "en"
    by_cookie = client.get("/api/v1/courses/").json()
    assert by_cookie[0]["title"] == "Parents' academy"

    by_param = client.get("/api/v1/courses/?lang=ru").json()
    assert by_param[0]["lessons"][0]["title"] == "Ответственное родительство"


@pytest.mark.django_db
def test_unknown_language_falls_back_to_kazakh(client, translated_course):
    courses = client.get("/api/v1/courses/?lang=xx", HTTP_ACCEPT_LANGUAGE="de").json()
    assert courses[0]["title"] == "Ата-аналар академиясы"


@pytest.mark.django_db
def test_course_list_is_in_the_openapi_schema(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/courses/" in schema["paths"]
    assert "get" in schema["paths"]["/api/v1/courses/"]
