"""Wagtail's users app, pointed at the project's user admin (``lms.wagtail_hooks``).

Listed in INSTALLED_APPS in place of ``wagtail.users``, as Wagtail's documentation
on custom user models describes; it must not import models at module level.
"""

from wagtail.users.apps import WagtailUsersAppConfig


class UsersAppConfig(WagtailUsersAppConfig):
    user_viewset = "lms.wagtail_hooks.UserViewSet"
