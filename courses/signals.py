"""Forget which live lessons show which video (``courses.access``) when that may
have changed; retire a deleted video's Mux assets."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from wagtail.models import PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from courses.access import forget_lessons_by_video
from courses.models import CoursePage, LessonPage, Video


@receiver(page_published)
@receiver(page_unpublished)
@receiver(post_page_move)
@receiver(post_delete, sender=PageViewRestriction)
@receiver(post_save, sender=PageViewRestriction)
@receiver(post_save, sender=LessonPage)
@receiver(post_save, sender=CoursePage)
@receiver(post_delete, sender=LessonPage)
@receiver(post_delete, sender=CoursePage)
def lessons_changed(sender, **kwargs):
    forget_lessons_by_video()


@receiver(post_delete, sender=Video)
def video_deleted(sender, instance, **kwargs):
    from courses import mux, services

    if mux.is_configured():
        services.video_deleted(instance)
