"""Figures for editors and the ministry (PRODUCT.md, journey 6): counts only,
never a learner's name, e-mail or IIN.

Each function takes the rows an admin filter left (courses, languages, regions,
clients)
and a period of local days (``TIME_ZONE``), and returns plain dicts, ready for a
table or a spreadsheet.
"""

import datetime
from collections import defaultdict

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import CoursePage
from lms.regions import Region
from progress.models import Enrollment, LessonCompletion
from registry.models import RegistryCall, RegistryCallKind

LANGUAGE_NAMES = dict(settings.LANGUAGES)
LANGUAGE_ORDER = {code: number for number, code in enumerate(LANGUAGE_NAMES)}
REGION_ORDER = {code: number for number, code in enumerate(Region.values)}


def local_days(start: datetime.date, end: datetime.date):
    """The instants at which local day ``start`` begins and the day after ``end``
    begins. Filtering a time column between them can use its index; a filter on the
    column's local date (``__date``) would compute the date of every row first."""
    zone = timezone.get_current_timezone()
    after = end + datetime.timedelta(days=1)
    return (
        datetime.datetime.combine(start, datetime.time.min, tzinfo=zone),
        datetime.datetime.combine(after, datetime.time.min, tzinfo=zone),
    )


def in_local_days(rows: QuerySet, field: str, start, end) -> QuerySet:
    """The rows whose ``field`` falls on local days ``start`` to ``end``."""
    since, until = local_days(start, end)
    return rows.filter(**{f"{field}__gte": since, f"{field}__lt": until})


def _per_day(rows: QuerySet, field: str, start, end, keys: list[str]) -> QuerySet:
    return (
        in_local_days(rows, field, start, end)
        .annotate(day=TruncDate(field))
        .values("day", *keys)
        .annotate(count=Count("pk"))
        .order_by()
    )


def _course_titles(ids) -> dict[int, str]:
    """Titles in the active language (the translated field's fallbacks included)."""
    return {course.pk: course.title for course in CoursePage.objects.filter(pk__in=ids)}


def learners_by_day(
    enrollments: QuerySet[Enrollment], start: datetime.date, end: datetime.date
) -> list[dict]:
    """Per day, course, language and region: how many learners started the
    course and how many completed it. Newest day first."""
    keys = ["course_id", "language", "user__region"]
    counts = defaultdict(lambda: {"started": 0, "completed": 0})
    for column, field in (("started", "started_at"), ("completed", "completed_at")):
        for row in _per_day(enrollments, field, start, end, keys):
            key = (row["day"], row["course_id"], row["language"], row["user__region"])
            counts[key][column] = row["count"]
    titles = _course_titles({key[1] for key in counts})
    regions = dict(Region.choices)

    def order(key):
        day, course, language, region = key
        return (
            -day.toordinal(),
            titles.get(course, ""),
            LANGUAGE_ORDER.get(language, len(LANGUAGE_ORDER)),
            REGION_ORDER.get(region, len(REGION_ORDER)),
        )

    return [
        {
            "day": day,
            "course": titles.get(course, ""),
            "language": LANGUAGE_NAMES.get(language, language),
            "region": regions.get(region) or _("Not stated"),
            **figures,
        }
        for (day, course, language, region), figures in sorted(
            counts.items(), key=lambda item: order(item[0])
        )
    ]


def drop_off(course: CoursePage, enrollments: QuerySet[Enrollment]) -> list[dict]:
    """Where the learners of ``course`` stop: of those enrolled, how many
    completed each live lesson, in course order, and the course itself."""
    enrollments = enrollments.filter(course=course)
    enrolled = enrollments.count()
    lessons = course.lessons()
    completed = dict(
        LessonCompletion.objects.filter(
            lesson__in=lessons, user__in=enrollments.values("user_id")
        )
        .values("lesson_id")
        .annotate(count=Count("pk"))
        .values_list("lesson_id", "count")
    )

    def row(step, title, count):
        share = round(100 * count / enrolled, 1) if enrolled else 0.0
        return {"step": step, "title": title, "learners": count, "share": share}

    return [
        row(0, _("Started the course"), enrolled),
        *(
            row(number, lesson.title, completed.get(lesson.pk, 0))
            for number, lesson in enumerate(lessons, start=1)
        ),
        row(
            len(lessons) + 1,
            _("Completed the course"),
            enrollments.filter(completed_at__isnull=False).count(),
        ),
    ]


def registry_calls_by_day(
    calls: QuerySet[RegistryCall], start: datetime.date, end: datetime.date
) -> list[dict]:
    """Per day, client and kind of call: how many calls the registration
    service made, how many were answered, and what ``verify`` answered."""
    verify = Q(kind=RegistryCallKind.VERIFY, http_status=200)
    rows = (
        in_local_days(calls, "called_at", start, end)
        .annotate(day=TruncDate("called_at"))
        .values("day", "client__name", "kind")
        .annotate(
            calls=Count("pk"),
            answered=Count("pk", filter=Q(http_status=200)),
            valid=Count("pk", filter=verify & Q(result="valid")),
            revoked=Count("pk", filter=verify & Q(result="revoked")),
            not_found=Count("pk", filter=verify & Q(result="not_found")),
        )
        .order_by("-day", F("client__name").asc(nulls_last=True), "kind")
    )
    kinds = dict(RegistryCallKind.choices)
    return [
        {
            "day": row["day"],
            "client": row["client__name"] or _("(no valid token)"),
            "kind": kinds.get(row["kind"], row["kind"]),
            **{
                key: row[key]
                for key in ("calls", "answered", "valid", "revoked", "not_found")
            },
        }
        for row in rows
    ]
