"""Keep the cached lesson structures (read on every heartbeat) fresh, and record
the completions an editor's change to a course lets learners have."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from wagtail.models import PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from courses.models import CoursePage, LessonPage, Video
from progress.services import forget_lesson_structures, recheck_course_on_commit


def _forget_for_page(instance) -> None:
    if isinstance(instance, LessonPage):
        forget_lesson_structures([instance.pk])
    elif isinstance(instance, CoursePage):
        forget_lesson_structures(
            LessonPage.objects.descendant_of(instance).values_list("pk", flat=True)
        )


@receiver(page_published)
@receiver(page_unpublished)
def page_changed(sender, instance, **kwargs):
    _forget_for_page(instance)


@receiver(post_save, sender=LessonPage)
@receiver(post_delete, sender=LessonPage)
@receiver(post_save, sender=CoursePage)
def page_saved(sender, instance, **kwargs):
    _forget_for_page(instance)


@receiver(post_save, sender=Video)
@receiver(post_delete, sender=Video)
def video_changed(sender, instance, **kwargs):
    # Which lessons show a video is in their bodies; videos change rarely, so
    # forgetting every lesson's structure is cheaper than finding them.
    # Now, and again once the change is committed: a heartbeat between the two
    # would otherwise cache the structure as it was before, for minutes.
    forget_every_lesson_structure()
    transaction.on_commit(forget_every_lesson_structure)


def forget_every_lesson_structure():
    forget_lesson_structures(LessonPage.objects.values_list("pk", flat=True))


@receiver(page_published, sender=LessonPage)
@receiver(page_unpublished, sender=LessonPage)
@receiver(post_delete, sender=LessonPage)
def lesson_changed(sender, instance, **kwargs):
    # A lesson taken out may leave the course done for some; one published again
    # may have lost the video they had not watched.
    course = CoursePage.objects.filter(path=instance.path[: -instance.steplen]).first()
    if course is not None:
        recheck_course_on_commit(course.pk)


@receiver(post_page_move)
def page_moved(sender, instance, parent_page_before, parent_page_after, **kwargs):
    # The lesson's course is part of its cached structure; the course it left may
    # now be done for some.
    if issubclass(sender, LessonPage):
        forget_lesson_structures([instance.pk])
        if parent_page_before.pk != parent_page_after.pk:
            recheck_course_on_commit(parent_page_before.pk)


@receiver(post_save, sender=PageViewRestriction)
@receiver(post_delete, sender=PageViewRestriction)
def restriction_changed(sender, instance, **kwargs):
    # Whether a lesson is private is part of its cached structure.
    forget_lesson_structures(
        LessonPage.objects.descendant_of(instance.page, inclusive=True).values_list(
            "pk", flat=True
        )
    )
