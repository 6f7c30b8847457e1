"""The reports in the admin's Reports menu: tables with filters, exported as CSV
or XLSX by Wagtail's report views."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.reports import ReportView
from wagtail.permission_policies import ModelPermissionPolicy

import django_filters
from django_filters.fields import DateRangeField

from courses.models import CourseKind, CoursePage
from lms.regions import Region
from progress.models import Enrollment
from registry.models import RegistryCall, RegistryCallKind, RegistryClient
from reports import queries
from reports.models import Report

DEFAULT_DAYS = 30


def _courses(request):
    return CoursePage.objects.order_by("path")


def _ignore(queryset, name, value):
    """For filters that the report applies itself (the period to each column)."""
    return queryset


# Days outside these years are typing mistakes, and the day after 31.12.9999 cannot
# be computed at all.
FIRST_YEAR, LAST_YEAR = 2000, 2100
NOT_STATED = "none"


class PeriodField(DateRangeField):
    def clean(self, value):
        period = super().clean(value)
        if not period:
            return period
        days = [moment for moment in (period.start, period.stop) if moment]
        if any(not FIRST_YEAR <= moment.year <= LAST_YEAR for moment in days):
            raise ValidationError(
                _("Choose days from %(first)s to %(last)s."),
                code="out_of_range",
                params={"first": FIRST_YEAR, "last": LAST_YEAR},
            )
        if period.start and period.stop and period.start > period.stop:
            raise ValidationError(
                _("The period ends before it begins."), code="reversed"
            )
        return period


class PeriodFilter(django_filters.DateFromToRangeFilter):
    field_class = PeriodField


def _period(label=None, **kwargs):
    return PeriodFilter(
        label=label or _("Period"), widget=DateRangePickerWidget, **kwargs
    )


def _region(queryset, name, value):
    return queryset.filter(**{name: "" if value == NOT_STATED else value})


def _language_filter(**kwargs):
    return django_filters.ChoiceFilter(
        label=_("Language"), choices=settings.LANGUAGES, empty_label=_("All"), **kwargs
    )


class EnrollmentFilterSet(WagtailFilterSet):
    """The learners report counts each column by the language it happened in, so it
    applies the language itself."""

    course = django_filters.ModelChoiceFilter(label=_("Course"), queryset=_courses)
    language = _language_filter(method=_ignore)
    region = django_filters.ChoiceFilter(
        label=_("Region"),
        field_name="user__region",
        choices=[*Region.choices, (NOT_STATED, _("Not stated"))],
        empty_label=_("All"),
        method=_region,
    )
    period = _period(method=_ignore)

    class Meta:
        model = Enrollment
        fields = []


class DropOffFilterSet(EnrollmentFilterSet):
    language = _language_filter()
    period = _period(label=_("Started in"), field_name="started_at")
    course = django_filters.ModelChoiceFilter(
        label=_("Course"), queryset=_courses, method=_ignore
    )


class RegistryCallFilterSet(WagtailFilterSet):
    client = django_filters.ModelChoiceFilter(
        label=_("Client"), queryset=RegistryClient.objects.all()
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=RegistryCallKind.choices, empty_label=_("All")
    )
    period = _period(method=_ignore)

    class Meta:
        model = RegistryCall
        fields = []


class Count(Column):
    """A column of numbers, aligned on the right (the admin's tables align every
    cell on the left)."""

    class Media:
        css = {"all": ["css/reports.css"]}

    def __init__(self, name, label):
        super().__init__(name, label=label, classname="figure")


# A spreadsheet reads a cell that starts with one of these as a formula, so a
# course or client name such as "=HYPERLINK(…)" would run when the file is opened
# (CSV injection). Such text goes out behind an apostrophe, which spreadsheets
# show as text; the XLSX export stores every cell as text already (Wagtail).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _inert(value):
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


class FiguresReport(ReportView):
    """A report over one model's rows: the admin's filters narrow the rows, then
    ``figures`` turns them into the table's rows."""

    model = None
    list_export = []
    export_headings = {}
    # The filters refresh the results only, not the header: what the figures
    # cover (``scope``) is shown with the results, where it follows the filters.
    results_template_name = "reports/admin/results.html"
    # Seeing the reports is a permission of its own (reports.view_report), not
    # the permission to see the rows they count.
    permission_policy = ModelPermissionPolicy(Report)
    permission_required = "view"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.export_headings = {column.name: column.label for column in self.columns}
        self.list_export = [column.name for column in self.columns]

    def dispatch(self, request, *args, **kwargs):
        # Days are Kazakhstan's, whatever time zone a staff member chose for the
        # admin: two analysts must get the same figures for the same day.
        with timezone.override(settings.TIME_ZONE):
            return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        if self.filter_errors:
            # A mistyped or outdated filter shows the report with its errors and no
            # figures; an export would otherwise be of rows the filters do not say.
            self.is_export = False
        return super().get(request, *args, **kwargs)

    @cached_property
    def filter_errors(self) -> list[str]:
        """The filters' errors, each behind its filter's label."""
        if self.filters is None or self.filters.is_valid():
            return []
        form = self.filters.form
        return [
            f"{form.fields[name].label}: {' '.join(errors)}"
            if name in form.fields
            else " ".join(errors)
            for name, errors in form.errors.items()
        ]

    def get_queryset(self):
        return self.model._default_manager.all()

    def get_filtered_queryset(self):
        if self.filter_errors:
            return []
        return self.figures(super().get_filtered_queryset())

    def cleaned(self, name):
        if self.filters is not None and self.filters.is_valid():
            return self.filters.form.cleaned_data.get(name)
        return None

    def summary(self) -> str:
        """A line of totals over every row of the figures."""
        return ""

    @cached_property
    def period(self) -> tuple[datetime.date, datetime.date]:
        """The chosen days, by default the last ``DEFAULT_DAYS`` up to today."""
        chosen = self.cleaned("period")
        today = timezone.localdate()
        end = (chosen.stop.date() if chosen and chosen.stop else None) or today
        start = (chosen.start.date() if chosen and chosen.start else None) or (
            end - datetime.timedelta(days=DEFAULT_DAYS - 1)
        )
        return start, end

    def scope(self) -> str:
        start, end = self.period
        return f"{_('Period')}: {start:%d.%m.%Y} – {end:%d.%m.%Y}"

    def get_filename(self):
        start, end = self.period
        return f"{self.filename_stem}-{start}-{end}"

    def stream_csv(self, queryset):
        # Written here, in the view, while Wagtail has the admin's language active:
        # lines made lazily, as the response is sent, would come out in the
        # browser's language. UTF-8 with a byte order mark: Excel, which most
        # offices open CSV files with, otherwise reads Kazakh and Russian text as
        # another code page.
        return ["\ufeff", *super().stream_csv(queryset)]

    def write_csv_row(self, writer, row_dict):
        return super().write_csv_row(
            writer, {name: _inert(value) for name, value in row_dict.items()}
        )

    def write_csv_response(self, queryset):
        response = super().write_csv_response(queryset)
        response["Content-Type"] = "text/csv; charset=utf-8"
        return response

    def figures(self, rows):
        raise NotImplementedError


class LearnersReport(FiguresReport):
    """How many learners started and completed each course, by day, language and
    region."""

    model = Enrollment
    page_title = _("Learners by day")
    header_icon = "group"
    filename_stem = "learners"
    index_url_name = "reports:learners"
    index_results_url_name = "reports:learners_results"
    filterset_class = EnrollmentFilterSet
    columns = [
        Column("day", label=_("Day"), classname="w-whitespace-nowrap"),
        Column("course", label=_("Course")),
        Column("language", label=_("Language")),
        Column("region", label=_("Region")),
        Count("started", _("Learners who started")),
        Count("completed", _("Learners who completed")),
    ]

    def figures(self, rows):
        return queries.learners_by_day(
            rows, *self.period, language=self.cleaned("language")
        )

    def summary(self) -> str:
        rows = self.object_list
        return _("In all: %(started)s started, %(completed)s completed.") % {
            "started": sum(row["started"] for row in rows),
            "completed": sum(row["completed"] for row in rows),
        }


class DropOffReport(FiguresReport):
    """Of the learners who started a course, how many completed each lesson."""

    model = Enrollment
    page_title = _("Where learners stop")
    header_icon = "order"
    filename_stem = "drop-off"
    index_url_name = "reports:drop_off"
    index_results_url_name = "reports:drop_off_results"
    filterset_class = DropOffFilterSet
    paginate_by = None
    columns = [
        Column("step", label=_("Step")),
        Column("title", label=_("Lesson")),
        Count("learners", _("Learners")),
        Count("share", _("% of those who started")),
        Count("stopped", _("Stopped here")),
    ]

    @cached_property
    def course(self) -> CoursePage | None:
        return self.cleaned("course") or (
            CoursePage.objects.filter(kind=CourseKind.GUIDE).order_by("path").first()
        )

    def scope(self) -> str:
        course = self.course
        return f"{_('Course')}: {course.title}" if course else ""

    def get_filename(self):
        course = self.course
        return f"drop-off-{course.slug if course else 'none'}"

    def figures(self, rows):
        course = self.course
        return queries.drop_off(course, rows) if course else []


class RegistryCallsReport(FiguresReport):
    """How many checks the marriage registration service made, and their answers."""

    model = RegistryCall
    page_title = _("Registry checks by day")
    header_icon = "key"
    filename_stem = "registry-checks"
    index_url_name = "reports:registry_calls"
    index_results_url_name = "reports:registry_calls_results"
    filterset_class = RegistryCallFilterSet
    columns = [
        Column("day", label=_("Day"), classname="w-whitespace-nowrap"),
        Column("client", label=_("Client")),
        Column("kind", label=_("Kind")),
        Count("calls", _("Calls")),
        Count("answered", _("Answered")),
        Count("valid", _("Answers: valid")),
        Count("revoked", _("Answers: revoked")),
        Count("not_found", _("Answers: not found")),
    ]

    def figures(self, rows):
        return queries.registry_calls_by_day(rows, *self.period)

    def summary(self) -> str:
        rows = self.object_list
        return _("In all: %(calls)s calls, %(answered)s answered.") % {
            "calls": sum(row["calls"] for row in rows),
            "answered": sum(row["answered"] for row in rows),
        }
