"""The video library in the admin, with direct upload to Mux; and lessons that go
off the site with their course."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wagtail import hooks
from wagtail.admin.ui.tables import Column, StatusTagColumn
from wagtail.log_actions import LogFormatter
from wagtail.models import Page
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.chooser import (
    ChooseResultsView,
    ChooseView,
    SnippetChooserViewSet,
)
from wagtail.snippets.views.snippets import EditView, SnippetViewSet

from courses import access, mux, services, views
from courses.models import (
    CoursePage,
    LessonPage,
    PublishingChecked,
    Video,
    VideoStatus,
    lesson_video_problems,
)
from lms.cache import UNREACHABLE


class CaptionLanguagesColumn(Column):
    """The languages a video has captions in."""

    def get_value(self, instance):
        languages = sorted(caption.language for caption in instance.captions.all())
        return ", ".join(languages) or "—"


class VideoEditView(EditView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["mux_configured"] = mux.is_configured()
        context["mux_upload_url"] = reverse("courses_mux_upload", args=[self.object.pk])
        context["mux_sync_url"] = reverse("courses_mux_sync", args=[self.object.pk])
        return context


class VideoStatusColumn(StatusTagColumn):
    """A video's status as a tag, marked when the video is ready to play: a video
    still waiting for its upload, or whose upload failed, is told apart from one
    that plays before it goes into a lesson. A new upload that Mux is still
    preparing is named beside it."""

    def __init__(self, **kwargs):
        super().__init__(
            "status",
            label=gettext_lazy("Status"),
            accessor="status_label",
            primary=lambda video: video.status == VideoStatus.READY,
            sort_key=None,
            **kwargs,
        )


class VideoStatusInChooser:
    @property
    def columns(self):
        return [*super().columns, VideoStatusColumn()]


class VideoChooseView(VideoStatusInChooser, ChooseView):
    # Wagtail names the model beside the title, which already says "video".
    page_subtitle = None


class VideoChooseResultsView(VideoStatusInChooser, ChooseResultsView):
    pass


class VideoChooserViewSet(SnippetChooserViewSet):
    """The chooser of a lesson's video, titled in each editor's language: Wagtail's
    own title came out in whichever language was active when it was built. It
    lists each video's status beside its title."""

    page_title = gettext_lazy("Choose a video")
    choose_view_class = VideoChooseView
    choose_results_view_class = VideoChooseResultsView


class VideoViewSet(SnippetViewSet):
    """Videos with their captions; edited with the model's panels so that each
    language's title appears side by side."""

    model = Video
    icon = "media"
    menu_label = gettext_lazy("Videos")
    menu_order = 250
    add_to_admin_menu = True
    edit_view_class = VideoEditView
    chooser_viewset_class = VideoChooserViewSet
    edit_template_name = "courses/admin/video_edit.html"
    list_display = [
        "title",
        VideoStatusColumn(),
        "duration",
        CaptionLanguagesColumn("captions", label=gettext_lazy("Captions")),
        "updated_at",
    ]
    list_filter = ["status"]
    search_fields = ["title"]

    def get_queryset(self, request):
        return Video.objects.prefetch_related("captions")


register_snippet(VideoViewSet)


@require_POST
def sync_with_mux(request, pk: int):
    video = get_object_or_404(Video, pk=pk)
    if not request.user.has_perm("courses.change_video"):
        raise PermissionDenied
    from courses.tasks import sync_video_from_mux

    try:
        sync_video_from_mux.enqueue(video.pk)
    except UNREACHABLE:
        messages.error(
            request,
            _("The task queue cannot be reached. Try again in a few minutes."),
        )
    else:
        messages.success(request, _("The video's status is being checked with Mux."))
    return redirect("wagtailsnippets_courses_video:edit", video.pk)


@hooks.register("register_admin_urls")
def register_video_admin_urls():
    return [
        path(
            "courses/videos/<int:pk>/mux-upload/",
            views.start_mux_upload,
            name="courses_mux_upload",
        ),
        path(
            "courses/videos/<int:pk>/mux-sync/",
            sync_with_mux,
            name="courses_mux_sync",
        ),
    ]


@hooks.register("after_create_snippet")
@hooks.register("after_edit_snippet")
def push_captions_to_mux(request, instance):
    if isinstance(instance, Video):
        services.video_saved_in_admin(instance)


@hooks.register("before_serve_page")
def no_lesson_of_a_course_that_is_not_live(page, request, serve_args, serve_kwargs):
    """Unpublishing a course takes its lessons off the site, as the progress API,
    the course list and the video files treat them, whether or not the editor also
    unpublished them ("include descendants"): Wagtail itself would go on serving
    them."""
    if isinstance(page, LessonPage) and not (
        CoursePage.objects.filter(path=page.path[: -page.steplen], live=True).exists()
    ):
        raise Http404


@hooks.register("before_delete_snippet")
def keep_videos_that_live_lessons_show(request, instances):
    """A video that a live lesson shows is not deleted: its viewers would find the
    lesson without it. The editor takes it out of the lessons first."""
    videos = [video for video in instances if isinstance(video, Video)]
    shown = access.lessons_by_video()
    kept = [video for video in videos if video.pk in shown]
    if not kept:
        return None
    messages.error(
        request,
        _(
            "Live lessons show %(videos)s: take the video out of those lessons "
            "before deleting it."
        )
        % {"videos": ", ".join(f"«{video.title}»" for video in kept)},
    )
    return redirect(reverse("wagtailsnippets_courses_video:list"))


def back_from_bulk_action(request):
    """Back to where the bulk action was started (its ``next``, on this site)."""
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("wagtailadmin_explore_root")
    return redirect(target)


def courses_with_completions(pages) -> list[CoursePage]:
    """The courses among and under ``pages`` that learners completed: their
    completions and certificates keep them, so they cannot be deleted (the
    certificates are still checked by the registration service)."""
    from progress.models import CourseCompletion

    paths = [page.path for page in pages]
    if not paths:
        return []
    under = Q()
    for above in paths:
        under |= Q(path__startswith=above)
    courses = CoursePage.objects.filter(under)
    completed = CourseCompletion.objects.filter(course__in=courses).values("course")
    return list(courses.filter(pk__in=completed).order_by("path"))


def refuse_deleting(request, kept: list[CoursePage]):
    messages.error(
        request,
        _(
            "Learners have completed %(courses)s: their completions and "
            "certificates keep the course, so it cannot be deleted. Unpublish "
            "it instead."
        )
        % {"courses": ", ".join(f"«{course.title}»" for course in kept)},
    )


@hooks.register("before_delete_page")
def delete_no_course_learners_completed(request, page):
    """Deleting a page deletes the courses under it; Wagtail's own check of what
    refers to a page looks at that page only, and the database then refuses
    (a 500). Refused with the reason instead."""
    if kept := courses_with_completions([page]):
        refuse_deleting(request, kept)
        return redirect("wagtailadmin_explore", page.get_parent().pk)
    return None


@hooks.register("before_bulk_action")
def delete_no_course_learners_completed_in_bulk(request, action_type, objects, action):
    if action_type != "delete" or request.method != "POST":
        return None
    pages = [page for page in objects if isinstance(page, Page)]
    if not (kept := courses_with_completions(pages)):
        return None
    refuse_deleting(request, kept)
    return back_from_bulk_action(request)


@hooks.register("before_bulk_action")
def publish_no_guide_lesson_that_breaks_the_rule(request, action_type, objects, action):
    """The admin's bulk "Publish" refuses, before publishing anything, when a
    course or lesson among the pages (or, with "include descendants", under them)
    may not be published yet, as the edit form does: a second live mandatory
    guide, a lesson whose videos are not ready, or a lesson of the guide whose
    videos lack captions."""
    if action_type != "publish" or request.method != "POST":
        return None
    pages = [page.specific for page in objects if isinstance(page, Page)]
    if request.POST.get("include_descendants"):
        # What Wagtail then publishes: the descendants that are not live.
        for page in list(pages):
            pages += Page.objects.descendant_of(page).not_live().specific()
    refused = {}
    for page in pages:
        if not isinstance(page, PublishingChecked):
            continue
        if problems := page.get_latest_revision_as_object().publish_problems():
            refused[page.pk] = (page, problems)
    if not refused:
        return None
    for page, problems in refused.values():
        messages.error(
            request,
            _("«%(lesson)s» cannot be published yet: %(problems)s")
            % {"lesson": page.title, "problems": " ".join(problems)},
        )
    return back_from_bulk_action(request)


@hooks.register("after_copy_page")
def copies_keep_the_guide_rule(request, page, new_page):
    """ "Publish copies" makes the copies live without publishing them: a copy that
    may not be published yet (a second live mandatory guide, a lesson whose
    videos are not ready, a lesson of the guide whose videos lack captions) is
    taken down again at once, and the editor is told why."""
    pages = [new_page.specific, *new_page.get_descendants().live().specific()]
    for copy in pages:
        if not (isinstance(copy, PublishingChecked) and copy.live):
            continue
        if problems := copy.publish_problems():
            copy.unpublish(user=request.user)
            messages.warning(
                request,
                _("The copy «%(lesson)s» is kept as a draft: %(problems)s")
                % {"lesson": copy.title, "problems": " ".join(problems)},
            )


class PublicationCalledOff(LogFormatter):
    label = gettext_lazy("Scheduled publication called off")

    def format_message(self, log_entry):
        problems = log_entry.data.get("problems", {})
        if isinstance(problems, dict):  # the reasons in each language
            problems = problems.get(get_language()) or next(iter(problems.values()), [])
        return _("Scheduled publication called off: %(problems)s") % {
            "problems": " ".join(problems)
        }


@hooks.register("register_log_actions")
def register_course_log_actions(actions):
    actions.register_action("courses.publication_called_off")(PublicationCalledOff)


@hooks.register("before_move_page")
def move_no_lesson_that_breaks_the_rule(request, page, destination):
    """A live lesson moved under a live course is live in it at once: it must
    keep that course's rule as if it were published there (videos that play;
    in the mandatory guide, captioned)."""
    destination = destination.specific
    if not (
        isinstance(page, LessonPage)
        and page.live
        and isinstance(destination, CoursePage)
    ):
        return None
    guide = destination.requires_captions
    problems = lesson_video_problems(page.video_ids(), guide=guide)
    if not problems:
        return None
    if guide:
        refusal = _(
            "«%(lesson)s» cannot be moved into the mandatory guide: %(problems)s"
        )
    else:
        refusal = _("«%(lesson)s» cannot be moved into «%(course)s»: %(problems)s")
    messages.error(
        request,
        refusal
        % {
            "lesson": page.title,
            "course": destination.title,
            "problems": " ".join(problems),
        },
    )
    return redirect("wagtailadmin_explore", page.get_parent().pk)
