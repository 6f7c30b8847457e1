"""Figures for editors and the ministry (PRODUCT.md, journey 6): counts only,
never a learner's name, e-mail or IIN.

Each function takes the rows an admin filter left (courses, languages, regions,
clients)
and a period of local days (``TIME_ZONE``), and returns plain dicts, ready for a
table or a spreadsheet.
"""

import contextlib
import datetime
from collections import Counter, defaultdict

from django.conf import settings
from django.db import NotSupportedError, connection, transaction
from django.db.models import (
    Case,
    Count,
    F,
    FilteredRelation,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import CoursePage
from lms.regions import Region
from progress.models import Enrollment, LessonCompletion
from registry.models import RegistryCall, RegistryCallKind, RegistryClient

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


@contextlib.contextmanager
def without_jit():
    """Queries run without PostgreSQL's JIT compilation. A report's queries are
    costly enough for the planner to compile them, which took longer (up to
    seconds over a year of rows) than it saved; the setting ends with the
    transaction."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT set_config('jit', 'off', true)")
        yield


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


def completed_with_language(enrollments: QuerySet[Enrollment]) -> QuerySet:
    """``enrollments`` with ``completed_in``: the language of the course's
    completion, or the enrolment's where it has none. The completion is joined on
    the learner and the course, its unique key; a subquery for each enrolment
    read the same several times slower over a long period."""
    return enrollments.annotate(
        completion=FilteredRelation(
            "user__completions", condition=Q(user__completions__course=F("course"))
        ),
        completed_in=Coalesce(F("completion__language"), F("language")),
    )


def learners_by_day(
    enrollments: QuerySet[Enrollment],
    start: datetime.date,
    end: datetime.date,
    language: str | None = None,
) -> list[dict]:
    """Per day, course, language and region: how many learners started the
    course and how many completed it. Newest day first.

    A learner may change language on the way: a start counts in the language of
    the enrolment, a completion in the one the course was completed in (that of
    the certificate). ``language`` keeps only those that happened in it.
    """
    completed = completed_with_language(enrollments)
    columns = (
        ("started", "started_at", enrollments, "language"),
        ("completed", "completed_at", completed, "completed_in"),
    )
    counts = defaultdict(lambda: {"started": 0, "completed": 0})
    with without_jit():
        for column, field, rows, language_key in columns:
            if language:
                rows = rows.filter(**{language_key: language})
            keys = ["course_id", language_key, "user__region"]
            for row in _per_day(rows, field, start, end, keys):
                key = (
                    row["day"],
                    row["course_id"],
                    row[language_key],
                    row["user__region"],
                )
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
    completed each live lesson, in course order, and the course itself; and of
    those who have not completed it, how many got no further than each step."""
    enrollments = enrollments.filter(course=course)
    enrolled = enrollments.count()
    lessons = course.lessons()
    lesson_ids = [lesson.pk for lesson in lessons]
    completed = dict(
        LessonCompletion.objects.filter(
            lesson__in=lesson_ids, user__in=enrollments.values("user_id")
        )
        .values("lesson_id")
        .annotate(count=Count("pk"))
        .values_list("lesson_id", "count")
    )
    stopped = _furthest_steps(enrollments.filter(completed_at__isnull=True), lessons)

    def row(step, title, count, stopped_here=""):
        share = round(100 * count / enrolled, 1) if enrolled else 0.0
        return {
            "step": step,
            "title": title,
            "learners": count,
            "share": share,
            "stopped": stopped_here,
        }

    return [
        row(0, _("Started the course"), enrolled, stopped.get(0, 0)),
        *(
            row(
                number,
                lesson.title,
                completed.get(lesson.pk, 0),
                stopped.get(number, 0),
            )
            for number, lesson in enumerate(lessons, start=1)
        ),
        row(
            len(lessons) + 1,
            _("Completed the course"),
            enrollments.filter(completed_at__isnull=False).count(),
        ),
    ]


def _furthest_steps(enrollments: QuerySet[Enrollment], lessons) -> dict[int, int]:
    """How many of ``enrollments`` have as their furthest completed lesson each
    step of ``lessons`` (0: none of them), counted in the database."""
    if not lessons:
        return {0: enrollments.count()}
    step = Case(
        *(
            When(lesson_id=lesson.pk, then=Value(number))
            for number, lesson in enumerate(lessons, start=1)
        ),
        output_field=IntegerField(),
    )
    furthest = (
        LessonCompletion.objects.filter(
            user=OuterRef("user_id"), lesson__in=[lesson.pk for lesson in lessons]
        )
        .annotate(step=step)
        .order_by("-step")
        .values("step")[:1]
    )
    return dict(
        enrollments.annotate(furthest=Coalesce(Subquery(furthest), 0))
        .values("furthest")
        .annotate(count=Count("pk"))
        .order_by()
        .values_list("furthest", "count")
    )


class JSONArrayLength(Func):
    """How many items a JSON array column holds (Django has no function for it)."""

    output_field = IntegerField()

    def as_sql(self, compiler, connection, **extra_context):
        raise NotSupportedError(f"No JSON array length on {connection.vendor}.")

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler, connection, function="json_array_length", **extra_context
        )

    def as_postgresql(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler, connection, function="jsonb_array_length", **extra_context
        )


def client_names() -> dict[int, str]:
    """Each registry client's name as analysts know it, by id. The model's
    ``__str__`` adds the token's prefix, which is for the staff who manage the
    tokens. Clients that share a name are told apart by the day they were added
    (and the time, if they also share the day)."""
    clients = list(RegistryClient.objects.only("name", "created_at"))
    shared = Counter(client.name for client in clients)
    days = Counter(
        (client.name, timezone.localdate(client.created_at)) for client in clients
    )
    names = {}
    for client in clients:
        if shared[client.name] == 1:
            names[client.pk] = client.name
            continue
        added = timezone.localtime(client.created_at)
        same_day = days[(client.name, added.date())] > 1
        # Days written as in the report's period, in every language.
        when = f"{added:%d.%m.%Y %H:%M}" if same_day else f"{added:%d.%m.%Y}"
        names[client.pk] = _("%(name)s (added %(when)s)") % {
            "name": client.name,
            "when": when,
        }
    return names


VERIFY_ANSWERS = ("valid", "revoked", "not_found")


def registry_calls_by_day(
    calls: QuerySet[RegistryCall], start: datetime.date, end: datetime.date
) -> list[dict]:
    """Per day, client and kind of call: how many calls the registration
    service made and how many were answered; what the answered ``verify`` calls
    answered, and how many IINs the answered ``guide-status`` calls asked about.

    A figure that the row's calls cannot have is None (an empty cell), not 0: a
    row of guide-status calls has no verify answers, which is not the same as
    "none of them valid". Rows are per client, not per name, which two clients
    may share.
    """
    answered = Q(http_status=200)
    verify = Q(kind=RegistryCallKind.VERIFY)
    guide_status = Q(kind=RegistryCallKind.GUIDE_STATUS)
    rows = (
        in_local_days(calls, "called_at", start, end)
        .annotate(day=TruncDate("called_at"))
        .values("day", "client_id", "kind")
        .annotate(
            calls=Count("pk"),
            answered=Count("pk", filter=answered),
            verify_calls=Count("pk", filter=verify),
            guide_status_calls=Count("pk", filter=guide_status),
            **{
                answer: Count("pk", filter=verify & answered & Q(result=answer))
                for answer in VERIFY_ANSWERS
            },
            iins_asked=Coalesce(
                Sum(JSONArrayLength("iin_hashes"), filter=guide_status & answered),
                0,
            ),
        )
        .order_by(
            "-day",
            F("client__name").asc(nulls_last=True),
            "client__created_at",
            "client_id",
            "kind",
        )
    )
    with without_jit():
        rows = list(rows)
    kinds = dict(RegistryCallKind.choices)
    names = client_names()
    return [
        {
            "day": row["day"],
            "client": (
                names.get(row["client_id"], "")
                if row["client_id"]
                else _("(no valid token)")
            ),
            "kind": kinds.get(row["kind"], row["kind"]),
            "calls": row["calls"],
            "answered": row["answered"],
            **{
                answer: row[answer] if row["verify_calls"] else None
                for answer in VERIFY_ANSWERS
            },
            "iins_asked": row["iins_asked"] if row["guide_status_calls"] else None,
        }
        for row in rows
    ]
