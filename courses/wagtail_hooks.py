"""The video library in the admin, with direct upload to Mux."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import EditView, SnippetViewSet

from courses import mux, services, views
from courses.models import Video
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


class VideoViewSet(SnippetViewSet):
    """Videos with their captions; edited with the model's panels so that each
    language's title appears side by side."""

    model = Video
    icon = "media"
    menu_label = gettext_lazy("Videos")
    menu_order = 250
    add_to_admin_menu = True
    edit_view_class = VideoEditView
    edit_template_name = "courses/admin/video_edit.html"
    list_display = [
        "title",
        "status",
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
