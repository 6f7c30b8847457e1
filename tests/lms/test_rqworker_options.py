"""``manage.py rqworker``'s defaults: the job class that runs Django tasks, and no
start with certificate keys that cannot be read. (Running tasks on a worker:
test_rqworker.py, with Redis.)"""

from django.core.management import CommandError, call_command

import pytest

from lms.management.commands.rqworker import Command


def options(*argv):
    return vars(Command().create_parser("manage.py", "rqworker").parse_args(argv))


def test_the_job_class_defaults_to_the_one_that_runs_django_tasks():
    assert options("default")["job_class"] == "django_tasks_rq.Job"


def test_an_explicit_job_class_is_still_accepted():
    parsed = options("--job-class", "django_tasks_rq.Job", "default")
    assert parsed["job_class"] == "django_tasks_rq.Job"
    assert options("--job-class", "rq.job.Job", "default")["job_class"] == "rq.job.Job"


def test_the_scheduler_runs_unless_opted_out():
    assert options("default")["with_scheduler"] is True
    assert options("--without-scheduler", "default")["with_scheduler"] is False


def test_the_default_job_class_runs_a_django_task():
    """What the worker does with each job: RQ's own job class would call the
    queued Task itself ("'Task' object is not callable")."""
    from django.utils.module_loading import import_string

    from django_tasks_rq import Job

    assert import_string(options("default")["job_class"]) is Job


@pytest.mark.parametrize(
    "setting, value",
    [
        ("CERTIFICATE_SIGNING_KEY", "not-a-pem"),
        ("CERTIFICATE_RETIRED_KEYS", "/etc/otbasy/old-key.pem"),
        ("CERTIFICATE_NEXT_KEYS", "/etc/otbasy/next-key.pem"),
    ],
)
def test_a_worker_refuses_to_start_with_an_unreadable_signing_key(
    settings, setting, value
):
    setattr(settings, setting, value)
    with pytest.raises(CommandError, match=f"keys cannot be read: {setting}"):
        call_command("rqworker", "default", "--burst")
