"""Who may fetch a video's local file (``/videos/<id>/file``).

The file is the video itself, so it is served to those who may open a lesson that
shows it, as the lesson page would decide: anyone for a lesson of a public course,
only those a view restriction (password, groups or sign-in, set in the admin)
accepts for a private one. Editors (anyone with access to the admin) may fetch
every file, for previews and drafts. A video no live lesson shows is not public.

Which live lessons show which video is read from every lesson's body, so it is
kept in the shared cache and forgotten whenever a page is published, unpublished,
moved or deleted, or a view restriction changes (``courses.signals``).
"""

from django.core.cache import cache
from django.db import transaction

from wagtail.models import Page, PageViewRestriction

LESSONS_BY_VIDEO_KEY = "courses:lessons-by-video"
LESSONS_BY_VIDEO_TTL = 3600

PUBLIC = "public"
PRIVATE = "private"


def lessons_by_video() -> dict[int, tuple[tuple[int, bool], ...]]:
    """For each video a live lesson of a live course shows: those lessons, each as
    ``(id, private)``, where private means a view restriction on it or above it."""
    mapping = cache.get(LESSONS_BY_VIDEO_KEY)
    if mapping is None:
        mapping = _build_lessons_by_video()
        cache.set(LESSONS_BY_VIDEO_KEY, mapping, LESSONS_BY_VIDEO_TTL)
    return mapping


def _build_lessons_by_video() -> dict[int, tuple[tuple[int, bool], ...]]:
    from courses.models import CoursePage, LessonPage

    live_courses = set(CoursePage.objects.live().values_list("path", flat=True))
    restricted = tuple(PageViewRestriction.objects.values_list("page__path", flat=True))
    found: dict[int, list[tuple[int, bool]]] = {}
    for lesson in LessonPage.objects.live().order_by("path"):
        if lesson.path[: -lesson.steplen] not in live_courses:
            continue
        private = lesson.path.startswith(restricted) if restricted else False
        for video_id in lesson.video_ids():
            found.setdefault(video_id, []).append((lesson.pk, private))
    return {video_id: tuple(lessons) for video_id, lessons in found.items()}


def forget_lessons_by_video() -> None:
    """Drop the cached map now and again once the transaction commits, so that a
    request rebuilding it meanwhile from the old rows does not keep it."""
    cache.delete(LESSONS_BY_VIDEO_KEY)
    transaction.on_commit(lambda: cache.delete(LESSONS_BY_VIDEO_KEY))


def video_file_access(request, video_id: int) -> str | None:
    """``PUBLIC`` when a public live lesson shows the video (the file may be cached
    by anyone), ``PRIVATE`` when only this request may have it, None otherwise."""
    lessons = lessons_by_video().get(video_id, ())
    if any(not private for _lesson_id, private in lessons):
        return PUBLIC
    for lesson_id, _private in lessons:
        lesson = Page.objects.filter(pk=lesson_id).first()
        if lesson is not None and all(
            restriction.accept_request(request)
            for restriction in lesson.get_view_restrictions()
        ):
            return PRIVATE
    if request.user.has_perm("wagtailadmin.access_admin"):
        return PRIVATE
    return None
