"""Template tags about the shared cache."""

from django import template
from django.core.cache import caches

register = template.Library()


@register.simple_tag
def cache_unreachable() -> bool:
    """Whether Redis failed lately: sign-in and sign-up limits then refuse every
    attempt, and the 429 page says why."""
    return bool(getattr(caches["default"], "unreachable", False))
