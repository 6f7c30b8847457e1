import os
import subprocess
import sys
import uuid
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

from django.core.cache import cache
from django.db import connection
from django.utils import timezone

import pytest

from lms.factories import UserFactory
from lms.models import User
from tests.lms.tasks_for_tests import remember, rename_user

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("REDIS_URL", "")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not REDIS_URL, reason="REDIS_URL is not set"),
]


def database_url(tmp_path=None) -> str:
    """The URL of the database this test runs on (the test database)."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.postgresql":
        user = quote(db["USER"] or "")
        password = f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
        port = f":{db['PORT']}" if db["PORT"] else ""
        return f"postgres://{user}{password}@{db['HOST']}{port}/{db['NAME']}"
    name = str(db["NAME"])
    if "memory" in name:
        if tmp_path is None:
            pytest.skip("an in-memory SQLite database cannot be shared with a worker")
        return f"sqlite:///{tmp_path / 'worker.sqlite3'}"
    return f"sqlite:///{name}"


def run_worker(
    database: str, *options: str, job_class: bool = True
) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lms.settings.test",
        "DATABASE_URL": database,
        "REDIS_URL": REDIS_URL,
    }
    return subprocess.run(
        [
            sys.executable,
            "manage.py",
            "rqworker",
            *(["--job-class", "django_tasks_rq.Job"] if job_class else []),
            "default",
            "--burst",
            *options,
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


@pytest.fixture
def empty_queue(settings):
    assert "RQBackend" in settings.TASKS["default"]["BACKEND"]
    import django_rq
    from rq.registry import ScheduledJobRegistry

    queue = django_rq.get_queue("default")
    scheduled = ScheduledJobRegistry(queue=queue)

    def empty():
        queue.empty()
        for job_id in scheduled.get_job_ids():
            scheduled.remove(job_id, delete_job=True)

    empty()
    yield queue
    empty()


def test_a_task_enqueued_by_the_app_runs_on_rqworker(empty_queue, tmp_path):
    marker = uuid.uuid4().hex
    cache.delete("remembered")
    remember.enqueue(marker)
    assert empty_queue.count == 1
    assert cache.get("remembered") is None  # waits for a worker

    result = run_worker(database_url(tmp_path))

    assert result.returncode == 0, result.stderr[-3000:]
    assert empty_queue.count == 0
    assert cache.get("remembered") == marker


def test_a_worker_started_without_a_job_class_runs_django_tasks(empty_queue, tmp_path):
    """``manage.py rqworker default``, as README and docs/deployment.md give it."""
    from rq.registry import FailedJobRegistry

    marker = uuid.uuid4().hex
    cache.delete("remembered")
    remember.enqueue(marker)
    failed = FailedJobRegistry(queue=empty_queue)
    failed_before = failed.count

    result = run_worker(database_url(tmp_path), job_class=False)

    assert result.returncode == 0, result.stderr[-3000:]
    assert "not callable" not in result.stdout + result.stderr
    assert failed.count == failed_before
    assert cache.get("remembered") == marker


@pytest.mark.django_db(transaction=True)
def test_rqworker_runs_tasks_against_the_same_database(empty_queue):
    user = UserFactory(first_name="Before")
    rename_user.enqueue(user.pk, "After")
    assert empty_queue.count == 1
    assert User.objects.get(pk=user.pk).first_name == "Before"

    result = run_worker(database_url())

    assert result.returncode == 0, result.stderr[-3000:]
    assert empty_queue.count == 0
    assert User.objects.get(pk=user.pk).first_name == "After"


def test_a_deferred_task_runs_on_the_contract_worker_command(empty_queue, tmp_path):
    """Retries are deferred jobs; the worker started as CONTRACTS.md §3 says must
    move them to the queue when due, without an extra flag."""
    import django_rq
    from rq.registry import ScheduledJobRegistry

    marker = uuid.uuid4().hex
    cache.delete("remembered")
    remember.using(run_after=timezone.now() - timedelta(seconds=1)).enqueue(marker)
    scheduled = ScheduledJobRegistry(queue=django_rq.get_queue("default"))
    assert scheduled.count == 1

    idle = run_worker(database_url(tmp_path), "--without-scheduler")
    assert idle.returncode == 0, idle.stderr[-3000:]
    assert cache.get("remembered") is None  # nobody moved it to the queue

    result = run_worker(database_url(tmp_path))

    assert result.returncode == 0, result.stderr[-3000:]
    assert scheduled.count == 0
    assert cache.get("remembered") == marker
