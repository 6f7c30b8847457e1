import pytest

from tests.lms.tasks_for_tests import remember


@pytest.mark.django_db
def test_enqueued_task_runs_through_the_configured_backend(run_tasks, settings):
    from django.core.cache import cache

    cache.delete("remembered")
    remember.enqueue("hello")
    run_tasks()
    assert cache.get("remembered") == "hello"
