"""Background work of the certificates app."""

from django_tasks import task


@task()
def issue_certificate(completion_id: int) -> str | None:
    """Issue the certificate for a course completion, render its PDF and e-mail it.

    Idempotent: a retry, a duplicate or a re-run after a killed worker finishes
    whatever is missing and never issues a second certificate.
    Returns the certificate number, or None when the completion no longer exists.
    """
    from certificates import services
    from progress.models import CourseCompletion

    completion = (
        CourseCompletion.objects.select_related("user", "course")
        .filter(pk=completion_id)
        .first()
    )
    if completion is None:
        return None
    certificate = services.issue_certificate(completion)
    return certificate.number
