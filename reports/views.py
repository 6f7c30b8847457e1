"""The reports in the admin's Reports menu: tables with filters, exported as CSV
or XLSX by Wagtail's report views."""

import datetime
import re
import tempfile

from django import forms
from django.conf import settings
from django.http import FileResponse
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.formats import number_format
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.reports import ReportView
from wagtail.permission_policies import ModelPermissionPolicy

import django_filters
import openpyxl
from openpyxl.cell import WriteOnlyCell

from courses.models import CourseKind, CoursePage
from lms.filters import PeriodField, PeriodFilter, period_filter
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


NOT_STATED = "none"


def whole_period(
    start: datetime.date | None, end: datetime.date | None
) -> tuple[datetime.date, datetime.date]:
    """The days a report covers when it is given one end of them or none: up to
    today, and the ``DEFAULT_DAYS`` up to the end."""
    end = end or timezone.localdate()
    return start or end - datetime.timedelta(days=DEFAULT_DAYS - 1), end


def _day(moment: datetime.datetime | None) -> datetime.date | None:
    return moment.date() if moment else None


def _days(start: datetime.date | None, end: datetime.date | None) -> str:
    """Days as the reports' scopes write them, in every language; either end may
    be open."""
    if start and end:
        return f"{start:%d.%m.%Y} – {end:%d.%m.%Y}"
    if start:
        return _("from %(day)s") % {"day": f"{start:%d.%m.%Y}"}
    if end:
        return _("up to %(day)s") % {"day": f"{end:%d.%m.%Y}"}
    return str(_("any time"))


class WholePeriodField(PeriodField):
    """A period whose open ends are closed as the report closes them
    (``whole_period``): a start after today is then a period that ends before it
    begins, and the active filter's label names the days counted, not "any"."""

    def close(self, period: slice) -> slice:
        return self.compress(whole_period(_day(period.start), _day(period.stop)))


class WholePeriodFilter(PeriodFilter):
    field_class = WholePeriodField


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
    period = period_filter(filter_class=WholePeriodFilter, method=_ignore)

    class Meta:
        model = Enrollment
        fields = []


class DropOffFilterSet(EnrollmentFilterSet):
    language = _language_filter()
    period = period_filter(label=_("Started in"), field_name="started_at")
    course = django_filters.ModelChoiceFilter(
        label=_("Course"), queryset=_courses, method=_ignore
    )


class RegistryClientField(forms.ModelChoiceField):
    """Clients by the names the report's rows give them (``client_names``), not
    by the model's ``__str__``, which shows a token's prefix."""

    @cached_property
    def names(self) -> dict[int, str]:
        return queries.client_names()

    def label_from_instance(self, client):
        return self.names.get(client.pk, client.name)


class RegistryClientFilter(django_filters.ModelChoiceFilter):
    field_class = RegistryClientField


class RegistryCallFilterSet(WagtailFilterSet):
    client = RegistryClientFilter(
        label=_("Client"),
        queryset=RegistryClient.objects.order_by("name", "created_at", "pk"),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=RegistryCallKind.choices, empty_label=_("All")
    )
    period = period_filter(filter_class=WholePeriodFilter, method=_ignore)

    class Meta:
        model = RegistryCall
        fields = []


def figure(value: int | float) -> str:
    """A count as the admin's language writes it, its thousands grouped
    («200 008» in Kazakh and Russian). Exports keep plain numbers."""
    return number_format(value, force_grouping=True)


class Count(Column):
    """A column of numbers, aligned on the right (the admin's tables align every
    cell on the left) and grouped by thousands."""

    class Media:
        css = {"all": ["css/reports.css"]}

    def __init__(self, name, label):
        super().__init__(name, label=label, classname="figure")

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        value = context["raw_value"]
        if isinstance(value, int | float) and not isinstance(value, bool):
            context["value"] = figure(value)
        return context


# A spreadsheet reads a cell that starts with one of these as a formula, so a
# course or client name such as "=HYPERLINK(…)" would run when the file is opened
# (CSV injection). Such text goes out behind an apostrophe, which spreadsheets
# show as text; the XLSX export stores every cell as text already (Wagtail).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _inert(value):
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def _xlsx_value(worksheet, value):
    """A cell's value as the spreadsheet gets it: text as text, even where
    openpyxl would take it for a formula (Wagtail's export does the same)."""
    if value is None or isinstance(value, int | float | datetime.date):
        return value
    text = str(value)
    if not text.startswith("="):
        return text
    cell = WriteOnlyCell(worksheet, text)
    cell.data_type = "s"
    return cell


# Excel refuses a sheet whose name is longer than 31 characters or holds one of
# these, or starts or ends with an apostrophe.
_SHEET_TITLE_LENGTH = 31
_NOT_IN_SHEET_TITLES = re.compile(r"[\[\]:*?/\\]")


def sheet_title(title: str) -> str:
    """``title`` as Excel takes it for the name of a sheet."""
    title = " ".join(_NOT_IN_SHEET_TITLES.sub(" ", title).split()).strip("'")
    return title[:_SHEET_TITLE_LENGTH].rstrip(" '") or "Sheet1"


def _file_code(value) -> str:
    """A filter's value as a part of a file name: ASCII, so that every browser
    and mail system keeps the name as it is."""
    if isinstance(value, CoursePage):
        return value.slug if value.slug.isascii() else f"course-{value.pk}"
    if isinstance(value, RegistryClient):
        return f"client-{value.pk}"
    if value == NOT_STATED:
        return "no-region"
    return str(value)  # the code of a language, region or kind of call


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
        return whole_period(_day(chosen and chosen.start), _day(chosen and chosen.stop))

    def scope(self) -> str:
        return f"{_('Period')}: {_days(*self.period)}"

    def chosen(self, name) -> str:
        """The label of the choice made in filter ``name`` ("" if none)."""
        value = self.cleaned(name)
        if not value:
            return ""
        field = self.filters.form.fields[name]
        if isinstance(field, forms.ModelChoiceField):
            return field.label_from_instance(value)
        return str(dict(field.choices).get(value, value))

    def labelled(self, name) -> str:
        """Filter ``name``'s label and choice, as a scope tells it ("" if none)."""
        chosen = self.chosen(name)
        return f"{self.filters.form.fields[name].label}: {chosen}" if chosen else ""

    # The filters, besides the period, that a file's name tells, in this order.
    filename_filters: tuple[str, ...] = ()

    def filename_codes(self) -> list[str]:
        """What the figures cover, told by the file's name: two files of other
        filters get other names."""
        values = [self.cleaned(name) for name in self.filename_filters]
        return [_file_code(value) for value in values if value] + [
            str(day) for day in self.period
        ]

    def get_filename(self):
        return "-".join([self.filename_stem, *self.filename_codes()])

    def stream_csv(self, queryset):
        # Written here, in the view, while Wagtail has the admin's language active:
        # lines made lazily, as the response is sent, would come out in the
        # browser's language. UTF-8 with a byte order mark: Excel, which most
        # offices open CSV files with, otherwise reads Kazakh and Russian text as
        # another code page.
        return ["\ufeff", *super().stream_csv(queryset)]

    def write_csv_row(self, writer, row_dict):
        # Wagtail's, without looking up a preprocessing function for each cell:
        # a report's cells are text, numbers, days or empty.
        return writer.writerow(
            {
                name: _inert(force_str(value, strings_only=True))
                for name, value in row_dict.items()
            }
        )

    def to_row_dict(self, item):
        return {name: item[name] for name in self.list_export}

    def write_csv_response(self, queryset):
        response = super().write_csv_response(queryset)
        response["Content-Type"] = "text/csv; charset=utf-8"
        return response

    def write_xlsx(self, queryset, output):
        # Wagtail's, but with the sheet named after the report, in the admin's
        # language, where Wagtail names it "Sheet1"; and plain values, which
        # openpyxl writes about twice as fast as a cell made for each.
        workbook = openpyxl.Workbook(write_only=True, iso_dates=True)
        worksheet = workbook.create_sheet(title=sheet_title(str(self.page_title)))
        worksheet.append(self.get_heading(queryset, name) for name in self.list_export)
        for item in queryset:
            worksheet.append(
                _xlsx_value(worksheet, item[name]) for name in self.list_export
            )
        workbook.save(output)

    def write_xlsx_response(self, queryset):
        # Wagtail's, but the file is made on disk, not in memory, and sent from
        # there.
        output = tempfile.TemporaryFile()
        self.write_xlsx(queryset, output)
        output.seek(0)
        return FileResponse(
            output,
            as_attachment=True,
            content_type=(
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            ),
            filename=f"{self.get_filename()}.xlsx",
        )

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
    filename_filters = ("course", "language", "region")
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
        return _("In all — started: %(started)s; completed: %(completed)s.") % {
            "started": figure(sum(row["started"] for row in rows)),
            "completed": figure(sum(row["completed"] for row in rows)),
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
    filename_filters = ("language", "region")
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
        """The course, the days the learners started in (the filter's period as
        chosen: an open end counts every learner on that side), and the language
        and region, if chosen."""
        course = self.course
        if not course:
            return ""
        chosen = self.cleaned("period")
        started = _days(_day(chosen and chosen.start), _day(chosen and chosen.stop))
        parts = [
            f"{_('Course')}: {course.title}",
            f"{self.filters.form.fields['period'].label}: {started}",
            self.labelled("language"),
            self.labelled("region"),
        ]
        return "; ".join(part for part in parts if part)

    def filename_codes(self) -> list[str]:
        # The course, chosen or not, and the period only as far as it is chosen:
        # an open end counts every learner on that side.
        course = _file_code(self.course) if self.course else "none"
        values = [self.cleaned(name) for name in self.filename_filters]
        chosen = self.cleaned("period")
        start, end = _day(chosen and chosen.start), _day(chosen and chosen.stop)
        if start and end:
            period = [str(start), str(end)]
        elif start or end:
            period = ["from" if start else "to", str(start or end)]
        else:
            period = []
        return [course, *(_file_code(value) for value in values if value), *period]

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
    filename_filters = ("client", "kind")
    columns = [
        Column("day", label=_("Day"), classname="w-whitespace-nowrap"),
        Column("client", label=_("Client")),
        Column("kind", label=_("Kind")),
        Count("calls", _("Calls")),
        Count("answered", _("Answered")),
        Count("valid", _("Answers: valid")),
        Count("revoked", _("Answers: revoked")),
        Count("not_found", _("Answers: not found")),
        Count("iins_asked", _("IINs asked")),
    ]

    def figures(self, rows):
        return queries.registry_calls_by_day(rows, *self.period)

    def summary(self) -> str:
        rows = self.object_list
        return _("In all — calls: %(calls)s; answered: %(answered)s.") % {
            "calls": figure(sum(row["calls"] for row in rows)),
            "answered": figure(sum(row["answered"] for row in rows)),
        }
