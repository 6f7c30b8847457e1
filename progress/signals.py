"""Keep the cached lesson structures (read on every heartbeat) fresh."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from wagtail.signals import page_published, page_unpublished

from courses.models import CoursePage, LessonPage, Video
from progress.services import forget_lesson_structures


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
    forget_lesson_structures(LessonPage.objects.values_list("pk", flat=True))
