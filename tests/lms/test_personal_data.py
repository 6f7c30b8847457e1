"""A learner downloads a copy of the data the platform keeps about them."""

import json

from django.utils import timezone

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount

from certificates import services as certificates
from lms.factories import VALID_IINS, UserFactory
from lms.iin import iin_hash
from progress.models import (
    CourseCompletion,
    Enrollment,
    LessonCompletion,
    Partnership,
    PartnershipStatus,
    QuizAttempt,
    VideoProgress,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(learner, partner, guide_course):
    """The learner finished the guide, with a certificate, and is linked with a
    partner; someone else has learning data of their own."""
    learner.consent_at = timezone.now()
    learner.region = "almaty"
    learner.save()
    lessons = guide_course.lessons()
    Enrollment.objects.create(user=learner, course=guide_course, language="ru")
    for lesson in lessons:
        LessonCompletion.objects.create(
            user=learner, lesson=lesson, course=guide_course
        )
    video = lessons[0].videos()[0]
    VideoProgress.objects.create(
        user=learner,
        video=video,
        intervals=[[0.0, 59.5]],
        watched_seconds=59.5,
        resume_position=59.5,
        credit_clock=timezone.now(),
        completed_at=timezone.now(),
    )
    QuizAttempt.objects.create(
        user=learner, lesson=lessons[-1], score=2 / 3, passed=False, language="ru"
    )
    QuizAttempt.objects.create(
        user=learner, lesson=lessons[-1], score=1.0, passed=True, language="ru"
    )
    certificate = certificates.issue_certificate(
        CourseCompletion.objects.create(
            user=learner, course=guide_course, language="ru"
        )
    )
    Partnership.objects.create(
        inviter=learner,
        invitee=partner,
        invitee_iin_hash=partner.iin_hash,
        status=PartnershipStatus.ACTIVE,
    )
    SocialAccount.objects.create(user=learner, provider="openid_connect", uid="e-1")
    EmailAddress.objects.create(user=learner, email=learner.email, primary=True)
    EmailAddress.objects.create(user=learner, email="second@example.kz")
    stranger = UserFactory(iin=VALID_IINS[2], email="stranger@example.kz")
    Enrollment.objects.create(user=stranger, course=guide_course, language="kk")
    return certificate


def download(client, user):
    client.force_login(user)
    response = client.get("/accounts/data/", HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-cache" in response["Cache-Control"]
    return response.content.decode(), json.loads(response.content)


def test_the_file_holds_the_account_the_learning_and_the_certificates(
    client, learner, partner, record
):
    text, data = download(client, learner)
    account = data["account"]
    assert account["email"] == learner.email
    assert account["iin_masked"] == learner.iin_masked
    assert account["region"] == "almaty" and account["consent_given_at"]
    assert account["sign_in_services"] == ["openid_connect"]
    assert {a["email"]: a["primary"] for a in account["email_addresses"]} == {
        learner.email: True,
        "second@example.kz": False,
    }
    # The IIN only masked, never its hash or ciphertext.
    assert learner.iin not in text
    assert learner.iin_hash not in text and learner.iin_encrypted not in text

    (course,) = data["courses"]
    assert course["kind"] == "guide" and course["language"] == "ru"
    assert len(data["lessons_completed"]) == 3
    (video,) = data["videos"]
    assert video["watched_seconds"] == 59.5
    assert video["watched_intervals"] == [[0.0, 59.5]]
    assert [q["passed"] for q in data["quiz_attempts"]] == [False, True]
    (link,) = data["couple_links"]
    assert link["partner"] == partner.get_full_name() and link["invited_by_me"]
    assert link["status"] == "active"
    (certificate,) = data["certificates"]
    assert certificate["number"] == record.number
    assert certificate["status"] == "valid"
    assert certificate["verify_url"].endswith(f"/certificates/verify/{record.number}/")
    assert "stranger@example.kz" not in text


def test_the_file_holds_the_registry_checks_about_the_learner_only(
    client, learner, partner, record
):
    from registry.models import RegistryCall
    from registry.services import create_client, record_call

    zags, _token = create_client("ЗАГС Алматы")
    mine, stranger = learner.iin_hash, iin_hash(VALID_IINS[2])
    calls = [
        # Asked with the learner's number and IIN: valid.
        ("verify", 200, "valid", [mine], record.number),
        # Both partners asked at once, the other one a stranger to the learner.
        ("guide-status", 200, "1 of 2 completed", [mine, stranger], ""),
        # The learner's number asked with someone else's IIN.
        ("verify", 200, "not_found", [stranger], record.number),
        # About someone else only, refused, and without a token: not the learner's.
        ("verify", 200, "valid", [stranger], "BKO-7K2M-9QXD-4HT8"),
        ("guide-status", 422, "invalid IIN at 0", [iin_hash("123")], ""),
    ]
    for kind, status, result, hashes, number in calls:
        record_call(
            client_id=zags.pk,
            kind=kind,
            http_status=status,
            result=result,
            iin_hashes=hashes,
            certificate_number=number,
        )
    record_call(client_id=None, kind="verify", http_status=401, result="unauthorized")
    assert RegistryCall.objects.count() == 6

    text, data = download(client, learner)

    assert [
        (check["kind"], check["answer"], check["certificate_number"])
        for check in data["registry_checks"]
    ] == [
        ("verify", "valid", record.number),
        ("guide-status", None, None),
        ("verify", "not_found", record.number),
    ]
    assert {check["service"] for check in data["registry_checks"]} == {"ЗАГС Алматы"}
    assert all(check["answered"] for check in data["registry_checks"])
    assert stranger not in text and mine not in text
    assert "of 2" not in text and "BKO-7K2M-9QXD-4HT8" not in text
    # The partner, about whom nothing was asked, has no checks.
    assert download(client, partner)[1]["registry_checks"] == []


def test_a_partner_sees_only_their_own_data(client, partner, record):
    _text, data = download(client, partner)
    assert data["courses"] == [] and data["certificates"] == []
    (link,) = data["couple_links"]
    assert not link["invited_by_me"]


def test_the_dashboard_links_to_it_and_signing_in_is_needed(client, learner):
    assert client.get("/accounts/data/")["Location"].startswith("/accounts/login/")
    client.force_login(learner)
    assert 'href="/accounts/data/"' in client.get("/kk/dashboard/").content.decode()


def test_the_file_holds_answers_playbacks_invitations_and_revocations(
    client, learner, guide_course, record
):
    from certificates.models import Certificate, CertificateStatus
    from progress.models import PlaybackSession, PlaybackState

    lesson = guide_course.lessons()[-1]
    first = lesson.quiz("ru").questions[0]
    QuizAttempt.objects.create(
        user=learner,
        lesson=lesson,
        answers={first.id: first.choices[1].id, "gone-question": "gone-choice"},
        score=0.0,
        passed=False,
        language="ru",
    )
    PlaybackSession.objects.create(
        user=learner,
        video=lesson.videos()[0],
        lesson=lesson,
        last_position=42.25,
        last_state=PlaybackState.PLAYING,
        last_server_time=timezone.now(),
        heartbeats=9,
        credited_seconds=40.0,
    )
    inviter = UserFactory(first_name="Дина", last_name="Әлиева")
    Partnership.objects.create(inviter=inviter, invitee_iin_hash=learner.iin_hash)
    Certificate.objects.filter(pk=record.pk).update(
        status=CertificateStatus.REVOKED,
        revoked_at=timezone.now(),
        revocation_reason="Issued in error.",
    )

    _text, data = download(client, learner)

    answers = data["quiz_attempts"][-1]["answers"]  # PostgreSQL orders the keys
    assert sorted(answers, key=lambda a: a["question"]) == [
        {"question": "gone-question", "answer": "gone-choice"},
        {"question": first.text, "answer": first.choices[1].text},
    ]
    (playback,) = data["playback_sessions"]
    assert playback["last_position"] == pytest.approx(42.25, abs=0.05)
    assert playback["heartbeats"] == 9 and playback["credited_seconds"] == 40.0
    invitation = next(
        link for link in data["couple_links"] if link["partner"] == "Дина Әлиева"
    )
    assert not invitation["invited_by_me"] and invitation["status"] == "pending"
    assert data["certificates"][0]["revocation_reason"] == "Issued in error."


def test_invitations_the_learner_never_saw_stay_out(client, learner, record):
    withdrawn = UserFactory(first_name="Бұрынғы")
    Partnership.objects.create(
        inviter=withdrawn,
        invitee_iin_hash=learner.iin_hash,
        status=PartnershipStatus.CANCELLED,
        ended_at=timezone.now(),
    )
    _text, data = download(client, learner)
    assert all(
        "Бұрынғы" not in (link["partner"] or "") for link in data["couple_links"]
    )
