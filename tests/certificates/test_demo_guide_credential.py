"""The whole chain on the demo content: a learner completes the demo guide through
the progress API, gets exactly one certificate, and its credential verifies with
the published JWKS under an independent JOSE library (jwcrypto), and stops
verifying when any character of it is changed."""

import pytest
from jwcrypto import jwk, jwt

from certificates.models import Certificate
from courses import demo
from courses.models import CoursePage
from lms.factories import VALID_IINS, UserFactory
from progress import services as progress_services
from tests.progress.conftest import Clock, fresh_progress_cache  # noqa: F401
from tests.progress.test_completion import pass_quiz, watch

BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def _verify(token: str, keyset: jwk.JWKSet) -> dict:
    import json

    verified = jwt.JWT(jwt=token, key=keyset, algs=["EdDSA"])
    return json.loads(verified.claims)


def _changed(token: str, index: int) -> str:
    """``token`` with the character at ``index`` replaced by one that changes the
    decoded bytes (the top bit of its six flipped; a dot becomes a letter)."""
    character = token[index]
    if character == ".":
        replacement = "A"
    else:
        replacement = BASE64URL[BASE64URL.index(character) ^ 32]
    return token[:index] + replacement + token[index + 1 :]


@pytest.mark.django_db
def test_completing_the_demo_guide_gives_one_verifiable_certificate(
    home_page, client, monkeypatch, run_tasks, django_capture_on_commit_callbacks
):
    demo.load(home_page, None)
    guide = CoursePage.objects.live().get(kind="guide")
    learner = UserFactory(iin=VALID_IINS[0], first_name="Айгерім", last_name="Бекова")
    client.force_login(learner)
    clock = Clock()
    monkeypatch.setattr(progress_services, "now", clock)

    with django_capture_on_commit_callbacks(execute=True):
        for lesson in guide.lessons():
            for video in lesson.videos():
                assert watch(client, lesson, video, clock)["completed"] is True
            quiz = lesson.quiz("kk")
            if quiz is not None:
                answers = {question.id: question.correct for question in quiz.questions}
                assert pass_quiz(client, lesson, answers).json()["passed"] is True
    run_tasks()

    (certificate,) = Certificate.objects.filter(user=learner)
    assert certificate.course_id == guide.pk
    token_response = client.get(f"/certificates/{certificate.number}/credential.jwt")
    assert token_response["Content-Type"] == "application/jwt"
    token = token_response.content.decode().strip()
    keyset = jwk.JWKSet.from_json(client.get("/.well-known/jwks.json").content)

    claims = _verify(token, keyset)
    assert claims["sub"] == claims["jti"] == certificate.number
    assert claims["course"]["kind"] == "guide"
    assert claims["holder"]["name"] == "Айгерім Бекова"
    assert VALID_IINS[0] not in token_response.content.decode()

    for index in range(len(token)):
        with pytest.raises(Exception):  # noqa: B017 - jwcrypto raises several kinds
            _verify(_changed(token, index), keyset)
