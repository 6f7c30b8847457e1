"""The page editor's "Copy content from" buttons (wagtail-modeltranslation) are
there for editors in every admin language, labelled in it."""

import json
from html import unescape

from django.contrib.auth.models import Permission
from django.test import Client

from wagtail.users.models import UserProfile

import pytest

from lms.factories import UserFactory
from tests.lms.i18n import tr


def forget_panel_names(panel) -> None:
    """As in a new process: no editor has opened this kind of page yet."""
    panel.__dict__.pop("_named_in_english", None)
    panel.__dict__.pop("child_identifiers", None)
    for child in getattr(panel, "children", ()):
        forget_panel_names(child)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["kk", "ru"])
@pytest.mark.parametrize("page", ["lesson", "new lesson", "course"])
def test_the_copy_buttons_find_their_fields_whoever_opens_an_editor_first(
    client, editor, guide_course, language, page
):
    """Wagtail names the panels' ids once per process, in the language of the
    first editor; the library finds the fields for its buttons by English ids."""
    profile = UserProfile.get_for_user(editor)
    profile.preferred_language = language
    profile.save()
    client.force_login(editor)
    lesson = guide_course.lessons()[0]
    target = type(guide_course) if page == "course" else type(lesson)
    forget_panel_names(target.get_edit_handler())
    url = {
        "lesson": f"/admin/pages/{lesson.pk}/edit/",
        "new lesson": f"/admin/pages/add/courses/lessonpage/{guide_course.pk}/",
        "course": f"/admin/pages/{guide_course.pk}/edit/",
    }[page]

    html = unescape(client.get(url).content.decode())

    assert 'id="panel-child-content-title_ru-section"' in html
    assert 'id="panel-child-promote-for_search_engines-section"' in html
    if page != "course":
        assert 'id="panel-child-content-body_ru-section"' in html
    assert f'data-label="{tr("Copy content from", language)}"' in html
    assert "js/page-editor-copy-label" in html


def copy_url(page) -> str:
    return f"/admin/pages/{page.pk}/edit/copy_translation_content/"


def copy_request(**changes) -> dict:
    data = {
        "origin_field_name": "body_kk",
        "target_field_name": "body_ru",
        "serializedOriginField": json.dumps([{"name": "body_kk-count", "value": "0"}]),
    }
    return {**data, **changes}


@pytest.mark.django_db
def test_the_copy_view_renders_the_blocks_for_the_other_language(
    client, editor, guide_course
):
    client.force_login(editor)
    lesson = guide_course.lessons()[0]
    response = client.post(
        copy_url(lesson), copy_request(), HTTP_X_REQUESTED_WITH="XMLHttpRequest"
    )
    assert response.status_code == 200
    html = response.json()
    assert 'id="body_ru"' in html and 'data-controller="w-block"' in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "changes",
    [
        {"serializedOriginField": "not json"},
        {"serializedOriginField": json.dumps({"name": "x"})},
        {"serializedOriginField": json.dumps([1, 2])},
        {"target_field_name": "title_ru"},
        {"target_field_name": "no_such_field"},
        {"origin_field_name": ""},
    ],
)
def test_what_the_copy_view_cannot_copy_is_a_400(client, editor, guide_course, changes):
    client.force_login(editor)
    lesson = guide_course.lessons()[0]
    data = {k: v for k, v in copy_request(**changes).items() if v != ""}
    response = client.post(
        copy_url(lesson), data, HTTP_X_REQUESTED_WITH="XMLHttpRequest"
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "This content could not be copied."


@pytest.mark.django_db
def test_the_copy_view_answers_only_an_editor_of_the_page(client, editor, guide_course):
    lesson = guide_course.lessons()[0]
    client.force_login(editor)
    assert (
        client.post("/admin/pages/999999/edit/copy_translation_content/").status_code
        == 404
    )
    assert client.get(copy_url(lesson)).status_code == 405
    assert client.post(copy_url(lesson), copy_request()).status_code == 400

    analyst = UserFactory(is_staff=True)
    analyst.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(analyst)
    response = client.post(
        copy_url(lesson), copy_request(), HTTP_X_REQUESTED_WITH="XMLHttpRequest"
    )
    assert response.status_code in (302, 403)


@pytest.mark.django_db
def test_the_copy_view_checks_the_csrf_token(editor, guide_course):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    lesson = guide_course.lessons()[0]
    response = client.post(
        copy_url(lesson), copy_request(), HTTP_X_REQUESTED_WITH="XMLHttpRequest"
    )
    assert response.status_code == 403
