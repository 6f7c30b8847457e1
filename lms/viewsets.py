"""Admin building blocks shared by the apps."""

from django.urls import path

from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy


class RestrictedPolicy(ModelPermissionPolicy):
    """Django's model permissions, less the ``denied`` actions, for everyone (a
    superuser included); the same answer for every row."""

    denied: frozenset[str] = frozenset()

    def user_has_permission(self, user, action):
        return action not in self.denied and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return self.user_has_any_permission(user, actions)


class ReadOnlyPolicy(RestrictedPolicy):
    """Rows that staff may look at but nobody may add, change or delete."""

    denied = frozenset({"add", "change", "delete"})


class ReadOnlyViewSet(ModelViewSet):
    """A list with filters and search, and a page per row; no forms. Register
    :class:`ReadOnlyPolicy` for the model too."""

    inspect_view_enabled = True
    # Wagtail would otherwise track the model's references ("usage"), queueing a
    # background job on every save: for progress rows, one per heartbeat.
    add_to_reference_index = False

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("inspect/<str:pk>/", self.inspect_view, name="inspect"),
        ]
