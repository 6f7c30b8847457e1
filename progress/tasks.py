"""Background work of the progress app."""

from django_tasks import task


@task()
def recheck_course(course_id: int) -> int:
    """Record the completions learners have earned after an editor changed the
    course (``progress.services.recheck_course_completions``)."""
    from progress import services

    return services.recheck_course_completions(course_id)
