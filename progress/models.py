"""Learner progress: enrolments, watched intervals, playback sessions, quiz attempts
and completions. The rules live in ``progress.services``."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Enrollment(models.Model):
    """A learner took up a course: created by their first heartbeat or quiz answer.

    The row is also what serializes completion checks for one learner and course
    (it is locked while deciding whether the course is complete).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="enrollments",
        verbose_name=_("learner"),
    )
    course = models.ForeignKey(
        "courses.CoursePage",
        on_delete=models.CASCADE,
        related_name="enrollments",
        verbose_name=_("course"),
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    # Indexed for the reports, which count enrolments by the day of each.
    started_at = models.DateTimeField(_("started at"), auto_now_add=True, db_index=True)
    completed_at = models.DateTimeField(
        _("completed at"), null=True, blank=True, db_index=True
    )

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "course"], name="one_enrollment_per_learner_course"
            )
        ]

    def __str__(self):
        return f"{self.user} — {self.course}"


class VideoProgress(models.Model):
    """What one learner has watched of one video, as the server credited it.

    ``intervals`` holds the merged watched intervals ``[[start, end], …]`` in
    seconds; ``watched_seconds`` is their total length. ``credit_clock`` is the
    server time up to which the learner's credit budget for this video has been
    spent (rule 3: at most two seconds of video per second of server time, across
    all sessions). Every change of the row increments ``revision``: a heartbeat
    either locks the row or writes only if ``revision`` is still the one it read,
    so credit for a learner and video is decided in one place at a time.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="video_progress",
        verbose_name=_("learner"),
    )
    video = models.ForeignKey(
        "courses.Video",
        on_delete=models.CASCADE,
        related_name="progress",
        verbose_name=_("video"),
    )
    intervals = models.JSONField(_("watched intervals"), default=list, blank=True)
    watched_seconds = models.FloatField(_("watched seconds"), default=0.0)
    resume_position = models.FloatField(_("resume at, seconds"), default=0.0)
    credit_clock = models.DateTimeField(_("credit budget spent up to"))
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    revision = models.PositiveIntegerField(_("revision"), default=0, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("video progress")
        verbose_name_plural = _("video progress")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "video"], name="one_video_progress_per_learner_video"
            )
        ]

    def __str__(self):
        return f"{self.user} — {self.video}"


class PlaybackState(models.TextChoices):
    PLAYING = "playing", _("Playing")
    PAUSED = "paused", _("Paused")
    SEEKED = "seeked", _("Seeked")
    ENDED = "ended", _("Ended")


class PlaybackSession(models.Model):
    """One playback of one video, named by a UUID the player chose.

    Holds the previous heartbeat (position, server time, state, rate): credit is
    only ever given for the step between two heartbeats of the same session.
    """

    id = models.BigAutoField(primary_key=True)
    uuid = models.UUIDField(_("session UUID"), default=uuid.uuid4)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="playback_sessions",
        verbose_name=_("learner"),
    )
    video = models.ForeignKey(
        "courses.Video",
        on_delete=models.CASCADE,
        related_name="playback_sessions",
        verbose_name=_("video"),
    )
    lesson = models.ForeignKey(
        "courses.LessonPage",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("lesson"),
    )
    last_position = models.FloatField(_("last position"))
    last_rate = models.FloatField(_("last playback rate"), default=1.0)
    last_state = models.CharField(
        _("last state"), max_length=16, choices=PlaybackState.choices
    )
    last_server_time = models.DateTimeField(_("last heartbeat at (server time)"))
    heartbeats = models.PositiveIntegerField(_("heartbeats received"), default=1)
    credited_seconds = models.FloatField(_("seconds credited"), default=0.0)
    # Server seconds this playback has been playing for beyond what its steps
    # needed at the highest rate, carried to its next step (at most STEP_CARRY):
    # a heartbeat that arrived late does not make the next one look too fast.
    slack = models.FloatField(_("carried server time (s)"), default=0.0)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)

    class Meta:
        verbose_name = _("playback session")
        verbose_name_plural = _("playback sessions")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "uuid"], name="one_playback_session_per_uuid"
            )
        ]

    def __str__(self):
        return str(self.uuid)


class LessonCompletion(models.Model):
    """A learner completed a lesson (videos watched, quiz passed): kept for good."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="lesson_completions",
        verbose_name=_("learner"),
    )
    lesson = models.ForeignKey(
        "courses.LessonPage",
        on_delete=models.CASCADE,
        related_name="completions",
        verbose_name=_("lesson"),
    )
    course = models.ForeignKey(
        "courses.CoursePage",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("course"),
    )
    completed_at = models.DateTimeField(_("completed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("lesson completion")
        verbose_name_plural = _("lesson completions")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "lesson"], name="one_completion_per_learner_lesson"
            )
        ]
        indexes = [
            models.Index(fields=["user", "course"], name="lesson_completion_course")
        ]

    def __str__(self):
        return f"{self.user} — {self.lesson}"


class QuizAttempt(models.Model):
    """One submitted set of answers to a lesson's quiz, scored on the server."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="quiz_attempts",
        verbose_name=_("learner"),
    )
    lesson = models.ForeignKey(
        "courses.LessonPage",
        on_delete=models.CASCADE,
        related_name="quiz_attempts",
        verbose_name=_("lesson"),
    )
    answers = models.JSONField(_("answers"), default=dict)
    score = models.FloatField(_("score"))
    passed = models.BooleanField(_("passed"))
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    created_at = models.DateTimeField(_("submitted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("quiz attempt")
        verbose_name_plural = _("quiz attempts")
        indexes = [
            models.Index(
                fields=["user", "lesson", "passed"], name="quiz_attempt_lookup"
            )
        ]

    def __str__(self):
        return f"{self.user} — {self.lesson}: {self.score:.0%}"


class CourseCompletion(models.Model):
    """A learner completed a course: recorded once, never taken away.

    Issuing a certificate starts from this row, so a completion recorded before
    issuing was possible can still be caught up.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="completions",
        verbose_name=_("learner"),
    )
    course = models.ForeignKey(
        "courses.CoursePage",
        on_delete=models.PROTECT,
        related_name="completions",
        verbose_name=_("course"),
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    completed_at = models.DateTimeField(_("completed at"), auto_now_add=True)
    certificate_requested_at = models.DateTimeField(
        _("certificate requested at"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("course completion")
        verbose_name_plural = _("course completions")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "course"], name="one_completion_per_learner_course"
            )
        ]

    def __str__(self):
        return f"{self.user} — {self.course}"


class PartnershipStatus(models.TextChoices):
    PENDING = "pending", _("Invitation sent")
    ACTIVE = "active", _("Linked")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")
    ENDED = "ended", _("Unlinked")


class Partnership(models.Model):
    """Two learners preparing to marry, linked to see each other's guide progress.

    An invitation names the partner only by the keyed hash of their IIN, so it
    can be made before (or without) the partner having an account, and it never
    tells the inviter whether the account exists.
    """

    inviter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="partnerships_sent",
        verbose_name=_("inviter"),
    )
    invitee_iin_hash = models.CharField(max_length=64, db_index=True)
    # Shown to the inviter, who typed the IIN, to tell whom they invited.
    invitee_iin_masked = models.CharField(
        _("invitee's IIN (masked)"), max_length=12, blank=True
    )
    invitee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="partnerships_received",
        null=True,
        blank=True,
        verbose_name=_("invitee"),
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=PartnershipStatus.choices,
        default=PartnershipStatus.PENDING,
    )
    created_at = models.DateTimeField(_("invited at"), auto_now_add=True)
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    class Meta:
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")
        constraints = [
            models.UniqueConstraint(
                fields=["inviter"],
                condition=Q(status__in=["pending", "active"]),
                name="one_open_partnership_per_inviter",
            ),
            models.UniqueConstraint(
                fields=["invitee"],
                condition=Q(status="active"),
                name="one_active_partnership_per_invitee",
            ),
        ]

    def __str__(self):
        return f"{self.inviter} + {self.invitee or '…'} ({self.status})"


class InvitationBlock(models.Model):
    """A learner does not want to see invitations from this person any more.

    Their invitations are still recorded, as every invitation is (the sender is
    never told whether the IIN has an account, or that they were declined), but
    they are not shown to the learner until the learner lets them through again.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="invitation_blocks",
        verbose_name=_("learner"),
    )
    inviter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("inviter"),
    )
    created_at = models.DateTimeField(_("blocked at"), auto_now_add=True)

    class Meta:
        verbose_name = _("blocked inviter")
        verbose_name_plural = _("blocked inviters")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "inviter"], name="one_block_per_inviter"
            )
        ]

    def __str__(self):
        return f"{self.user} ✕ {self.inviter}"
