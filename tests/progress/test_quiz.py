"""Quizzes: served without answers in the learner's language, scored on the server,
retries allowed, never saying which answers were wrong."""

import json

import pytest

from progress.models import LessonCompletion, QuizAttempt
from tests.lms.i18n import tr


def submit(client, lesson, answers):
    return client.post(
        f"/api/v1/progress/lessons/{lesson.pk}/quiz",
        data=json.dumps({"answers": answers}),
        content_type="application/json",
    )


@pytest.fixture
def translated_quiz_lesson(quiz_lesson):
    body = quiz_lesson.body_kk.raw_data
    value = dict(body[0]["value"])
    value = json.loads(json.dumps(value))
    value["heading"] = "Проверка"
    for index, question in enumerate(value["questions"]):
        question["text"] = f"Вопрос {index + 1}"
        for choice in question["choices"]:
            choice["text"] = "Ответ " + choice["text"]
    quiz_lesson.body_ru = [{"type": "quiz", "value": value}]
    quiz_lesson.save()
    return quiz_lesson


@pytest.mark.django_db
def test_questions_come_without_answers_in_the_learners_language(
    signed_in, translated_quiz_lesson
):
    signed_in.defaults["HTTP_ACCEPT_LANGUAGE"] = "ru"
    response = signed_in.get(f"/api/v1/progress/lessons/{translated_quiz_lesson.pk}")
    assert response.status_code == 200
    quiz = response.json()["quiz"]
    assert quiz["passed"] is False
    assert quiz["questions"][0] == {
        "id": "1",
        "text": "Вопрос 1",
        "choices": [
            {"id": "1", "text": "Ответ Дұрыс"},
            {"id": "2", "text": "Ответ Қате"},
        ],
    }
    assert "correct" not in response.content.decode()
    kazakh = signed_in.get(
        f"/api/v1/progress/lessons/{translated_quiz_lesson.pk}?lang=kk"
    ).json()["quiz"]
    assert kazakh["questions"][0]["text"] == "Сұрақ 1"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lang", "accept", "expected"),
    [
        ("EN", "kk", "en"),  # a tag in capitals, as apps send it
        ("ru-RU", "en", "ru"),  # a locale
        ("xx", "en", "en"),  # none of the site's: Accept-Language decides
    ],
)
def test_a_lessons_language_is_asked_as_apps_name_it_and_said_in_the_answer(
    signed_in, translated_quiz_lesson, lang, accept, expected
):
    value = json.loads(json.dumps(translated_quiz_lesson.body_ru.raw_data[0]["value"]))
    value["questions"][0]["text"] = "Question 1"
    translated_quiz_lesson.body_en = [{"type": "quiz", "value": value}]
    translated_quiz_lesson.save()
    for path in ("", "/open"):
        method = signed_in.post if path else signed_in.get
        response = method(
            f"/api/v1/progress/lessons/{translated_quiz_lesson.pk}{path}?lang={lang}",
            HTTP_ACCEPT_LANGUAGE=accept,
        )
        assert response.status_code == 200
        assert response["Content-Language"] == expected
        question = response.json()["quiz"]["questions"][0]["text"]
        assert question == {"en": "Question 1", "ru": "Вопрос 1"}[expected]


@pytest.mark.django_db
def test_scoring_never_says_which_answers_were_wrong(
    signed_in, translated_quiz_lesson, learner
):
    signed_in.defaults["HTTP_ACCEPT_LANGUAGE"] = "ru"
    wrong_first = submit(
        signed_in, translated_quiz_lesson, {"1": "2", "2": "1", "3": "1"}
    )
    wrong_last = submit(
        signed_in, translated_quiz_lesson, {"1": "1", "2": "1", "3": "2"}
    )
    assert wrong_first.status_code == wrong_last.status_code == 200
    assert wrong_first.json() == wrong_last.json() == {"score": 0.6667, "passed": False}
    assert not LessonCompletion.objects.filter(user=learner).exists()

    retry = submit(signed_in, translated_quiz_lesson, {"1": "1", "2": "1", "3": "1"})
    assert retry.json() == {"score": 1.0, "passed": True}
    assert LessonCompletion.objects.filter(user=learner).count() == 1
    assert QuizAttempt.objects.filter(user=learner).count() == 3
    state = signed_in.get(f"/api/v1/progress/lessons/{translated_quiz_lesson.pk}")
    assert state.json()["quiz"]["passed"] is True
    assert state.json()["completed"] is True


@pytest.mark.django_db
def test_unanswered_questions_count_as_wrong(signed_in, quiz_lesson):
    assert submit(signed_in, quiz_lesson, {"1": "1"}).json() == {
        "score": 0.3333,
        "passed": False,
    }
    assert submit(signed_in, quiz_lesson, {}).json()["score"] == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    "answers",
    [{"4": "1"}, {"1": "3"}, {"0": "1"}, {"1": ""}, {"x": "1"}, {"1": "1.0"}],
)
def test_unknown_question_or_choice_is_422(signed_in, quiz_lesson, answers):
    response = submit(signed_in, quiz_lesson, answers)
    assert response.status_code == 422
    assert "detail" in response.json()
    assert not QuizAttempt.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "raw",
    ['{"answers": ["1"]}', '{"answers": {"1": ["1"]}}', "{}", '{"answers": null}'],
)
def test_malformed_answers_are_422(signed_in, quiz_lesson, raw):
    response = signed_in.post(
        f"/api/v1/progress/lessons/{quiz_lesson.pk}/quiz",
        data=raw,
        content_type="application/json",
    )
    assert response.status_code == 422
    assert not QuizAttempt.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("raw", ["NaN", '[{"answers": {}}]', "null"])
def test_answers_that_are_no_json_object_are_a_400(signed_in, quiz_lesson, raw):
    response = signed_in.post(
        f"/api/v1/progress/lessons/{quiz_lesson.pk}/quiz",
        data=raw,
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "The body must be a JSON object."}
    assert not QuizAttempt.objects.exists()


@pytest.mark.django_db
def test_a_lesson_without_quiz_is_404(signed_in, video_lesson):
    response = submit(signed_in, video_lesson, {"1": "1"})
    assert response.status_code == 404
    assert (
        signed_in.get(f"/api/v1/progress/lessons/{video_lesson.pk}").json()["quiz"]
        is None
    )


@pytest.mark.django_db
def test_unknown_lesson_is_404(signed_in):
    assert submit(signed_in, type("L", (), {"pk": 987654})(), {}).status_code == 404
    assert signed_in.get("/api/v1/progress/lessons/987654").status_code == 404
    assert signed_in.get("/api/v1/progress/courses/987654").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("written", ["+{}", "{}.0", "{}_0", " {}", "{}e0"])
def test_an_id_in_the_path_is_written_in_digits(signed_in, video_lesson, written):
    lesson = written.format(video_lesson.pk)
    response = signed_in.get(f"/api/v1/progress/lessons/{lesson}")
    assert response.status_code == 404
    assert response.json() == {"detail": tr("Not found.", "kk")}
    course = written.format(video_lesson.get_parent().pk)
    assert signed_in.get(f"/api/v1/progress/courses/{course}").status_code == 404
    assert (
        signed_in.get(f"/api/v1/progress/lessons/{video_lesson.pk}").status_code == 200
    )


@pytest.mark.django_db
def test_quiz_attempts_are_throttled(signed_in, quiz_lesson, settings):
    settings.PROGRESS_QUIZ_ATTEMPTS_PER_MINUTE = 3
    statuses = [
        submit(signed_in, quiz_lesson, {"1": "2"}).status_code for _ in range(5)
    ]
    assert statuses == [200, 200, 200, 429, 429]
    assert QuizAttempt.objects.count() == 3


@pytest.mark.parametrize(
    ("total", "pass_mark", "needed"),
    [
        (3, 66, 2),
        (3, 67, 3),
        (3, 70, 3),
        (3, 34, 2),
        (3, 33, 1),
        (4, 75, 3),
        (10, 70, 7),
    ],
)
def test_the_questions_needed_to_pass_as_the_scoring_counts(total, pass_mark, needed):
    from courses.models import Quiz, questions_needed, quiz_score

    quiz = Quiz(heading="", pass_mark=pass_mark / 100, questions=[])
    assert questions_needed(total, pass_mark) == needed
    assert quiz.passes(quiz_score(needed, total))
    assert not quiz.passes(quiz_score(needed - 1, total))


@pytest.mark.django_db
def test_the_lesson_page_says_how_many_answers_pass(signed_in, quiz_lesson):
    from html import unescape

    from django.utils import translation

    from courses.factories import make_lesson, quiz_block
    from tests.lms.i18n import tr

    html = unescape(signed_in.get(quiz_lesson.url).content.decode())  # 3 at 70 %
    with translation.override("kk"):
        rule = translation.ngettext(
            "To pass, answer the %(total)s question correctly. You can try again.",
            "To pass, answer all %(total)s questions correctly. You can try again.",
            3,
        ) % {"total": 3}
    assert rule in html  # not "at least 3 of 3"

    lenient = make_lesson(
        quiz_lesson.get_parent(), quiz=quiz_block(questions=3, pass_mark=60)
    )
    html = unescape(signed_in.get(lenient.url).content.decode())
    with translation.override("kk"):
        rule = translation.ngettext(
            "To pass, answer %(needed)s of %(total)s question correctly. "
            "You can try again.",
            "To pass, answer at least %(needed)s of %(total)s questions correctly. "
            "You can try again.",
            3,
        ) % {"needed": 2, "total": 3}
    assert rule in html
    assert tr("Check my answers", "kk") in html


@pytest.mark.django_db
def test_a_one_question_quiz_asks_for_that_answer(signed_in, quiz_lesson):
    from html import unescape

    from django.utils import translation

    from courses.factories import make_lesson, quiz_block

    single = make_lesson(quiz_lesson.get_parent(), quiz=quiz_block(questions=1))
    html = unescape(
        signed_in.get(single.url, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    )
    with translation.override("kk"):
        rule = translation.ngettext(
            "To pass, answer the %(total)s question correctly. You can try again.",
            "To pass, answer all %(total)s questions correctly. You can try again.",
            1,
        ) % {"total": 1}
    assert rule in html and "1 сұрақтың 1" not in html
