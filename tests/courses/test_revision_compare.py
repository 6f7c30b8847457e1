"""A moderator compares two revisions of a lesson: its quiz reads as questions
and choices, with the correct one marked, not as Python's data."""

import re
import uuid
from html import unescape

import pytest

from courses.factories import make_lesson, quiz_block

pytestmark = pytest.mark.django_db


def comparison(admin_client, lesson, first, second) -> str:
    url = f"/admin/pages/{lesson.pk}/revisions/compare/{first.pk}...{second.pk}/"
    response = admin_client.get(url)
    assert response.status_code == 200
    html = unescape(response.content.decode())
    return " ".join(re.findall(r'<td class="comparison">(.*?)</td>', html, re.S))


def with_id(value: dict) -> dict:
    return {"type": "item", "value": value, "id": str(uuid.uuid4())}


def assert_readable(text: str):
    for python in ("ListValue", "StructValue", "True", "False", "choices", "text "):
        assert python not in text, python


def test_a_quiz_edited_in_place(admin_client, guide_course):
    lesson = make_lesson(guide_course)
    # As the editor saves it: every question and choice with an id of its own.
    body = [quiz_block(questions=2)]
    quiz = body[0]["value"]
    quiz["questions"] = [with_id(question) for question in quiz["questions"]]
    for question in quiz["questions"]:
        question["value"]["choices"] = [
            with_id(choice) for choice in question["value"]["choices"]
        ]
    lesson.body_kk = body
    lesson.save()
    first = lesson.save_revision()
    body[0]["value"]["questions"][1]["value"]["text"] = "Жаңа сұрақ"
    lesson.body_kk = body
    lesson.save()
    second = lesson.save_revision()

    text = comparison(admin_client, lesson, first, second)
    assert_readable(text)
    assert "Сұрақ 1" in text  # the question left as it was
    assert "Жаңа сұрақ" in text and "Сұрақ 2" in text  # and the one changed
    assert re.search(r"<dt>дұрыс</dt>\s*<dd>Иә</dd>", text)  # the correct choice


def test_a_quiz_added(admin_client, guide_course):
    lesson = make_lesson(guide_course)
    first = lesson.save_revision()
    lesson.body_kk = [quiz_block(questions=1)]
    lesson.save()
    second = lesson.save_revision()

    text = comparison(admin_client, lesson, first, second)
    assert_readable(text)
    assert "Сұрақ 1" in text and "Дұрыс" in text
    assert re.search(r"<dt>дұрыс</dt>\s*<dd>Жоқ</dd>", text)
