"""Wagtail's "no permission" message in the staff member's admin language.

Wagtail renders an admin view in the language chosen in the staff member's account
settings (``wagtail.admin.localization.get_localized_response``), but a view that
refuses (raises ``PermissionDenied``) is caught outside that: its message, "Sorry,
you do not have permission to access this area.", was translated into the
browser's language, in which the admin's home page then showed it. The project's
own admin messages are translated in the view, while the admin's language is
active; this does the same for Wagtail's.
"""

from functools import wraps

from django.utils import translation


def admin_language(user) -> str | None:
    """The language of the Wagtail admin for ``user``, chosen as Wagtail chooses it
    for its views; None for someone without a Wagtail profile."""
    profile = getattr(user, "wagtail_userprofile", None) if user else None
    if profile is None:
        return None
    return profile.get_preferred_language() or None


def in_admin_language(view):
    """``view(request, …)`` run in the admin language of the request's user."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        language = admin_language(getattr(request, "user", None))
        if not language:
            return view(request, *args, **kwargs)
        with translation.override(language):
            return view(request, *args, **kwargs)

    wrapper.in_admin_language = True
    return wrapper


def translate_permission_denied_in_admin_language() -> None:
    """Called once, when the apps are ready."""
    from wagtail.admin import auth

    if not getattr(auth.permission_denied, "in_admin_language", False):
        auth.permission_denied = in_admin_language(auth.permission_denied)
