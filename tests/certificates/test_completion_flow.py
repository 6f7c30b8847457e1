"""From the last completed lesson to the learner's certificate, through progress."""

from django.core import mail

from certificates import signing
from certificates.models import Certificate
from progress import services as progress
from progress.models import LessonCompletion


def _complete_all_lessons(learner, course):
    for lesson in course.lessons():
        LessonCompletion.objects.create(user=learner, lesson=lesson, course=course)


def test_completing_the_guide_issues_exactly_one_certificate(
    learner, guide_course, run_tasks, django_capture_on_commit_callbacks
):
    _complete_all_lessons(learner, guide_course)
    with django_capture_on_commit_callbacks(execute=True):
        completion = progress.check_course_completion(learner, guide_course, "ru")
    run_tasks()
    # A second trigger (a retry, another lesson finishing) changes nothing.
    with django_capture_on_commit_callbacks(execute=True):
        progress.check_course_completion(learner, guide_course, "ru")
    progress.request_pending_certificates()
    run_tasks()

    certificate = Certificate.objects.get(user=learner, course=guide_course)
    assert certificate.completion == completion
    assert certificate.language == "ru"
    assert certificate.pdf
    assert signing.verify_credential(certificate.credential)["sub"] == (
        certificate.number
    )
    assert len(mail.outbox) == 1
    info = progress.certificate_for(learner, guide_course)
    assert info["number"] == certificate.number
