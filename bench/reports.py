"""How long the ministry's reports take over years of data.

Loads about a million enrolments (650,000 learners over two years: each in the
guide, every third also in the couples' academy, every fifth in the parents'
academy; 60 % completed two days after starting, each completion with its
course completion row, one in seven in another language) and a million registry calls
into the PostgreSQL database ``lms_bench_reports`` (INSERT … SELECT
generate_series, indexes rebuilt after the load, then ANALYZE), and times, side
by side in interleaved rounds, the two report queries that count rows per local
day, for the last 30 days:

- ``learners_by_day`` and ``registry_calls_by_day`` as the reports run them
  (``reports.queries``): the period is a range of instants, which the indexes on
  ``started_at``, ``completed_at`` and ``called_at`` serve;
- the same functions with the period filtered on each row's local date
  (``started_at__date__range``), as the reports did before: PostgreSQL computes
  the date of every row, so it reads the whole table.

Both must give the same rows. Reports the median time of each over the rounds and
their ratio.

Then, for a one-year period, "Learners by day" as the admin serves it (page 1 of
the table, the CSV and the XLSX export, through Django's test client signed in
as a superuser) and its query alone, each as it is now and as it was before
(``reports_as_before``: each completion's language read by a subquery per
enrolment, PostgreSQL's JIT as the server has it, Wagtail's export of a cell at
a time, the XLSX file made in memory), side by side in interleaved rounds. Both
ways must give the same rows, table and files.

    .venv/bin/python bench/reports.py                 # about 2 minutes
    .venv/bin/python bench/reports.py --learners 65000 --calls 100000 --rounds 5
    .venv/bin/python bench/reports.py --keep --random-page-cost 1.1   # SSD setting
    .venv/bin/python bench/reports.py --keep --rounds 3 --year-rounds 3

Not part of ``make test``. Uses only 127.0.0.1.
"""

import argparse
import contextlib
import datetime
import os
import statistics
import time

import common

DATABASE = "lms_bench_reports"
DAYS = 730  # the data spans two years
PERIOD = 30  # the reports' default period
YEAR = 365  # a long period an analyst may ask for


def setup(learners: int, calls: int) -> None:
    from django.db import connection

    from wagtail.models import Page

    from courses.models import CoursePage
    from lms.regions import Region
    from registry.models import RegistryClient

    common.prepare_database(DATABASE, fresh=True)
    root = Page.get_first_root_node()
    course = {}
    for kind in ("guide", "couples", "parents"):
        page = CoursePage(title=f"Bench {kind}", slug=f"bench-{kind}", kind=kind)
        root.add_child(instance=page)
        course[kind] = page.pk
    clients = [
        RegistryClient.objects.create(name=f"Bench {n}", token_hash=f"{n}" * 64).pk
        for n in (1, 2)
    ]
    regions = list(Region.values)
    region = "(ARRAY[" + ", ".join(f"'{r}'" for r in regions) + "])"
    user_cols = {
        **common.USER_COLUMNS,
        "region": f"{region}[1 + g % {len(regions)}]",
    }
    # Started some hours into one of the last DAYS days; completed two days later.
    started = f"now() - (g % {DAYS}) * interval '1 day' - (g % 24) * interval '1 hour'"
    enrollment_cols = {
        "user_id": "u.id",
        "course_id": "c.id",
        "language": "(ARRAY['kk', 'ru', 'en'])[1 + (g + c.id) % 3]",
        "started_at": started,
        "completed_at": f"CASE WHEN (g + c.id) % 5 < 3 "
        f"THEN {started} + interval '2 days' END",
    }
    courses = (
        f"(VALUES ({course['guide']}, 1), ({course['couples']}, 3), "
        f"({course['parents']}, 5)) AS c(id, every)"
    )
    call_cols = {
        "client_id": f"CASE WHEN g % 2 = 0 THEN {clients[0]} ELSE {clients[1]} END",
        "called_at": f"now() - (g % {DAYS}) * interval '1 day' "
        "- (g % 86400) * interval '1 second'",
        "kind": "CASE WHEN g % 3 = 0 THEN 'verify' ELSE 'guide_status' END",
        "http_status": "200",
        "result": "(ARRAY['valid', 'not_found', 'revoked', '2 of 2 completed'])"
        "[1 + g % 4]",
        "iin_hashes": "'[]'::jsonb",
        "certificate_number": "''",
    }
    series = "generate_series(1, {}) AS g"
    statements = {
        "lms_user": common.insert_select(
            "lms_user", user_cols, series.format(learners)
        ),
        "progress_enrollment": common.insert_select(
            "progress_enrollment",
            enrollment_cols,
            f"{series.format(learners)} "
            "JOIN lms_user u ON u.email = 'bench' || g || '@example.kz' "
            f"JOIN {courses} ON g % c.every = 0",
        ),
        # A completed enrolment has its course completion, in the language the
        # course was completed in (here: the enrolment's, or the next one for
        # every seventh, who changed language on the way).
        "progress_coursecompletion": common.insert_select(
            "progress_coursecompletion",
            {
                "user_id": "e.user_id",
                "course_id": "e.course_id",
                "language": "CASE WHEN e.id % 7 = 0 THEN (ARRAY['ru', 'en', 'kk'])"
                "[array_position(ARRAY['kk', 'ru', 'en'], e.language)] "
                "ELSE e.language END",
                "completed_at": "e.completed_at",
                "certificate_requested_at": "e.completed_at",
            },
            "progress_enrollment e WHERE e.completed_at IS NOT NULL",
        ),
        "registry_registrycall": common.insert_select(
            "registry_registrycall", call_cols, series.format(calls)
        ),
    }
    with connection.cursor() as cursor:
        for table, statement in statements.items():
            with common.bulk_mode(cursor, table):
                cursor.execute(statement)  # only our own literals
            cursor.execute(f"VACUUM ANALYZE {table}")
        cursor.execute("CHECKPOINT")


def by_local_date(rows, field: str, start, end):
    """The period filter the reports used before: on each row's local date."""
    return rows.filter(**{f"{field}__date__range": (start, end)})


@contextlib.contextmanager
def periods_as_local_dates():
    """The reports' own queries, with the period filtered as before."""
    from reports import queries

    kept = queries.in_local_days
    queries.in_local_days = by_local_date
    try:
        yield
    finally:
        queries.in_local_days = kept


@contextlib.contextmanager
def reports_as_before():
    """The learners report as it was before its one-year period was made fast."""
    from django.db.models import F, OuterRef, Subquery
    from django.db.models.functions import Coalesce

    from wagtail.admin.views.mixins import ExcelDateFormatter, SpreadsheetExportMixin

    import openpyxl

    from progress.models import CourseCompletion
    from reports import queries, views

    def completed_with_language(enrollments):
        language = Subquery(
            CourseCompletion.objects.filter(
                user=OuterRef("user_id"), course=OuterRef("course_id")
            ).values("language")[:1]
        )
        return enrollments.annotate(completed_in=Coalesce(language, F("language")))

    def write_csv_row(self, writer, row_dict):
        return SpreadsheetExportMixin.write_csv_row(
            self, writer, {name: views._inert(v) for name, v in row_dict.items()}
        )

    def write_xlsx(self, queryset, output):
        workbook = openpyxl.Workbook(write_only=True, iso_dates=True)
        sheet = workbook.create_sheet(title=views.sheet_title(str(self.page_title)))
        sheet.append(self.get_heading(queryset, name) for name in self.list_export)
        date_format = ExcelDateFormatter().get()
        for item in queryset:
            sheet.append(
                self.generate_xlsx_row(
                    sheet, self.to_row_dict(item), date_format=date_format
                )
            )
        workbook.save(output)

    patches = [
        (queries, "completed_with_language", completed_with_language),
        (queries, "without_jit", contextlib.nullcontext),
        (views.FiguresReport, "write_csv_row", write_csv_row),
        (views.FiguresReport, "write_xlsx", write_xlsx),
        (views.FiguresReport, "to_row_dict", SpreadsheetExportMixin.to_row_dict),
        (
            views.FiguresReport,
            "write_xlsx_response",
            SpreadsheetExportMixin.write_xlsx_response,
        ),
    ]
    kept = [(owner, name, owner.__dict__[name]) for owner, name, _new in patches]
    try:
        for owner, name, new in patches:
            setattr(owner, name, new)
        yield
    finally:
        for owner, name, old in kept:
            setattr(owner, name, old)


def admin_client():
    """Django's test client, signed in as a superuser of the benchmark's own."""
    from django.conf import settings
    from django.test import Client, override_settings

    from lms.models import User

    # The production settings serve hashed static files, which no collectstatic
    # has made here.
    static = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    override_settings(STORAGES={**settings.STORAGES, "staticfiles": static}).enable()
    user, _created = User.objects.get_or_create(
        email="bench-reports-admin@example.kz",
        defaults={"is_staff": True, "is_superuser": True},
    )
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    return client


def fetched(client, query: dict):
    """What the learners report answers to ``query``: its table's rows, or the
    rows of the file it exports."""
    import io

    import openpyxl

    response = client.get("/admin/figures/learners/", query)
    assert response.status_code == 200, response.status_code
    if query.get("export") == "xlsx":
        body = b"".join(response.streaming_content)
        sheet = openpyxl.load_workbook(io.BytesIO(body)).active
        return [[cell.value for cell in row] for row in sheet.iter_rows()]
    if query.get("export") == "csv":
        return b"".join(response.streaming_content).decode("utf-8-sig")
    table = response.content.decode().split("data-report-table", 1)[1]
    return table[table.index("<tbody>") : table.index("</tbody>")]


def timed(function, *args) -> tuple[float, object]:
    began = time.perf_counter()
    result = function(*args)
    return (time.perf_counter() - began) * 1000, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=650_000)
    parser.add_argument("--calls", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument(
        "--year-rounds", type=int, default=3, help="rounds of the one-year period"
    )
    parser.add_argument("--keep", action="store_true", help="reuse the loaded database")
    parser.add_argument(
        "--random-page-cost",
        help="PostgreSQL's random_page_cost for the queries (default: the server's)",
    )
    options = parser.parse_args()

    os.environ.update(
        common.production_env(
            database=DATABASE,
            redis_db=8,
            cache_prefix="bench-reports",
            port=8171,
            iin_key="bench-iin-hash-key-" + "x" * 24,
        )
    )
    import django

    django.setup()
    from django.utils import timezone

    from progress.models import Enrollment
    from registry.models import RegistryCall
    from reports import queries

    began = time.perf_counter()
    if not options.keep:
        setup(options.learners, options.calls)
    loaded = time.perf_counter() - began
    from django.db import connection

    with connection.cursor() as cursor:
        if options.random_page_cost:
            cursor.execute("SET random_page_cost = %s", [options.random_page_cost])
        cursor.execute("SHOW random_page_cost")
        (page_cost,) = cursor.fetchone()
    enrollments = Enrollment.objects.count()
    calls = RegistryCall.objects.count()
    end = timezone.localdate()
    start = end - datetime.timedelta(days=PERIOD - 1)

    reports = {
        "learners by day": lambda: queries.learners_by_day(
            Enrollment.objects.all(), start, end
        ),
        "registry checks by day": lambda: queries.registry_calls_by_day(
            RegistryCall.objects.all(), start, end
        ),
    }
    times = {name: ([], []) for name in reports}
    for _round in range(options.rounds):
        for name, report in reports.items():
            now_ms, now_rows = timed(report)
            with periods_as_local_dates():
                then_ms, then_rows = timed(report)
            assert now_rows == then_rows, f"{name}: the two filters disagree"
            assert now_rows, f"{name}: no rows in the period"
            times[name][0].append(now_ms)
            times[name][1].append(then_ms)

    print(
        f"\n{enrollments:,} enrolments, {calls:,} registry calls over {DAYS} days "
        f"(loaded in {loaded:.0f} s); period: the last {PERIOD} days; "
        f"random_page_cost {page_cost}; median of {options.rounds} rounds\n"
    )
    print("| report | period as instants (ms) | period as local dates (ms) | ratio |")
    print("| --- | ---: | ---: | ---: |")
    for name, (now, then) in times.items():
        now_ms, then_ms = statistics.median(now), statistics.median(then)
        print(f"| {name} | {now_ms:.1f} | {then_ms:.1f} | ×{then_ms / now_ms:.1f} |")

    year_start = end - datetime.timedelta(days=YEAR - 1)
    period = {"period_from": year_start.isoformat(), "period_to": end.isoformat()}
    client = admin_client()
    year = {
        "query alone": lambda: queries.learners_by_day(
            Enrollment.objects.all(), year_start, end
        ),
        "page 1": lambda: fetched(client, period),
        "CSV export": lambda: fetched(client, period | {"export": "csv"}),
        "XLSX export": lambda: fetched(client, period | {"export": "xlsx"}),
    }
    year_times = {name: ([], []) for name in year}
    for _round in range(options.year_rounds):
        for name, measured in year.items():
            now_ms, now_result = timed(measured)
            with reports_as_before():
                then_ms, then_result = timed(measured)
            assert now_result == then_result, f"{name}: the two ways disagree"
            assert now_result, f"{name}: no rows in the period"
            year_times[name][0].append(now_ms)
            year_times[name][1].append(then_ms)
    (rows,) = {len(year["query alone"]())}
    print(
        f'\n"Learners by day" for the last {YEAR} days ({rows:,} rows); '
        f"median of {options.year_rounds} rounds\n"
    )
    print("| learners by day, one year | now (s) | before (s) | ratio |")
    print("| --- | ---: | ---: | ---: |")
    for name, (now, then) in year_times.items():
        now_s, then_s = statistics.median(now) / 1000, statistics.median(then) / 1000
        print(f"| {name} | {now_s:.2f} | {then_s:.2f} | ×{then_s / now_s:.1f} |")


if __name__ == "__main__":
    main()
