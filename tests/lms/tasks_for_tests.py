from django.core.cache import cache

from django_tasks import task


@task()
def remember(value: str) -> None:
    """Stores a value in the cache, to observe that a task ran."""
    cache.set("remembered", value, 60)
