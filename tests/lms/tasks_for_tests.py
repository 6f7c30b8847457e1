from django.core.cache import cache

from django_tasks import task


@task()
def remember(value: str) -> None:
    """Stores a value in the cache, to observe that a task ran."""
    cache.set("remembered", value, 60)


@task()
def rename_user(user_id: int, first_name: str) -> None:
    """Sets a user's first name, to observe that a task ran against the database."""
    from lms.models import User

    User.objects.filter(pk=user_id).update(first_name=first_name)
