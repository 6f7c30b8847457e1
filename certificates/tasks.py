"""Background work of the certificates app."""

import logging

from django_tasks import task

logger = logging.getLogger(__name__)


@task()
def issue_certificate(completion_id: int) -> str | None:
    """Issue the certificate for a course completion, render its PDF and e-mail it.

    Idempotent: a retry, a duplicate or a re-run after a killed worker finishes
    whatever is missing and never issues a second certificate.
    Returns the certificate number, or None when the completion no longer exists
    or its learner closed their account.
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
    try:
        certificate = services.issue_certificate(completion)
    except services.AccountClosed:
        logger.info("Completion %s: its learner closed their account", completion_id)
        return None
    return certificate.number
