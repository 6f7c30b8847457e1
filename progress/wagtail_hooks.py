"""Admin: learners' progress, read-only, for staff answering a learner's question
("I watched everything — where is my certificate?"). A learner is found by their
e-mail or name, or by their whole IIN (matched through its keyed hash, as in the
users and certificates listings: the IIN itself is neither stored nor shown)."""

from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSetGroup
from wagtail.permissions import register_permission_policy

from lms import iin as iin_tools
from lms.filters import listing_filters
from lms.viewsets import ReadOnlyPolicy, ReadOnlyViewSet, SearchEveryWord
from progress.models import CourseCompletion, Enrollment, VideoProgress

for model in (Enrollment, CourseCompletion, VideoProgress):
    register_permission_policy(model, ReadOnlyPolicy(model))

LEARNER = Column("user", label=_("Learner"), accessor=lambda row: row.user)
EMAIL = Column("email", label=_("E-mail"), accessor=lambda row: row.user.email)
SEARCH = ["user__email", "user__first_name", "user__last_name"]


class LearnerRowsIndexView(SearchEveryWord, IndexView):
    def get_base_queryset(self):
        """Each row with its learner and course or video, in the one query."""
        related = [field.name for field in self.model._meta.fields if field.many_to_one]
        return super().get_base_queryset().select_related(*related)

    def search_queryset(self, queryset):
        """A whole IIN, typed with or without spaces or dashes, finds its learner's
        rows through the keyed hash; anything else is looked for in the e-mail
        and name."""
        digits = iin_tools.normalize_iin(self.search_query or "")
        if iin_tools.is_valid_iin(digits):
            return queryset.filter(user__iin_hash=iin_tools.iin_hash(digits))
        return super().search_queryset(queryset)


class LearnerRowsViewSet(ReadOnlyViewSet):
    """Rows of learners, found by the learner's e-mail, name or IIN."""

    index_view_class = LearnerRowsIndexView
    search_fields = SEARCH
    list_per_page = 50


class EnrollmentViewSet(LearnerRowsViewSet):
    model = Enrollment
    name = "progress_enrollments"
    icon = "group"
    menu_label = _("Enrolments")
    list_display = [LEARNER, EMAIL, "course", "language", "started_at", "completed_at"]
    filterset_class = listing_filters(
        Enrollment, ["course", "language"], days=["started_at", "completed_at"]
    )
    inspect_view_fields = ["user", "course", "language", "started_at", "completed_at"]


class CourseCompletionViewSet(LearnerRowsViewSet):
    model = CourseCompletion
    name = "progress_completions"
    icon = "success"
    menu_label = _("Course completions")
    list_display = [
        LEARNER,
        EMAIL,
        "course",
        "language",
        "completed_at",
        "certificate_requested_at",
    ]
    filterset_class = listing_filters(
        CourseCompletion, ["course", "language"], days=["completed_at"]
    )
    inspect_view_fields = [
        "user",
        "course",
        "language",
        "completed_at",
        "certificate_requested_at",
    ]


class VideoProgressViewSet(LearnerRowsViewSet):
    model = VideoProgress
    name = "progress_videos"
    icon = "media"
    menu_label = _("Watched videos")
    list_display = [
        LEARNER,
        EMAIL,
        "video",
        "watched_seconds",
        "resume_position",
        "completed_at",
        "updated_at",
    ]
    filterset_class = listing_filters(
        VideoProgress, [], days=["completed_at", "updated_at"]
    )
    inspect_view_fields = [
        "user",
        "video",
        "intervals",
        "watched_seconds",
        "resume_position",
        "credit_clock",
        "completed_at",
        "created_at",
        "updated_at",
    ]


class ProgressViewSetGroup(ModelViewSetGroup):
    """The "Learner progress" menu."""

    menu_label = _("Learner progress")
    menu_icon = "tasks"
    menu_order = 850
    items = (EnrollmentViewSet, CourseCompletionViewSet, VideoProgressViewSet)


@hooks.register("register_admin_viewset")
def register_progress_viewsets():
    return ProgressViewSetGroup()
