"""Learner progress: enrolments, watched intervals, playback sessions, quiz attempts
and completions. The rules live in ``progress.services``."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CourseCompletion(models.Model):
    """A learner completed a course: recorded once, never taken away.

    Issuing a certificate starts from this row, so a completion recorded before
    issuing was possible can still be caught up.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="completions"
    )
    course = models.ForeignKey(
        "courses.CoursePage", on_delete=models.PROTECT, related_name="completions"
    )
    language = models.CharField(_("language"), max_length=8)
    completed_at = models.DateTimeField(_("completed at"), auto_now_add=True)
    certificate_requested_at = models.DateTimeField(
        _("certificate requested at"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("course completion")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "course"], name="one_completion_per_learner_course"
            )
        ]

    def __str__(self):
        return f"{self.user} — {self.course}"
