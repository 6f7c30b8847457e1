"""Admin building blocks shared by the apps."""

import operator
from functools import reduce, wraps

from django.db.models import Q
from django.http import Http404
from django.urls import URLPattern, path

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


class SearchEveryWord:
    """An index view's search that finds the rows in which every word typed is
    in one of its search fields, in any order: "Айгерім Бекова" finds the learner
    whose first and last names are two fields, and "Бекова Айгерім" finds her
    too. Wagtail looks for the whole query in each field."""

    # A name, an address: a few words. More are not looked for.
    MAX_WORDS = 6

    def search_queryset(self, queryset):
        words = list(dict.fromkeys((self.search_query or "").split()))[: self.MAX_WORDS]
        if not self.is_searching or not words or not self.search_fields:
            return super().search_queryset(queryset)
        return queryset.filter(
            reduce(operator.and_, (self._in_any_field(word) for word in words))
        )

    def _in_any_field(self, word: str) -> Q:
        return reduce(
            operator.or_,
            (Q(**{f"{field}__icontains": word}) for field in self.search_fields),
        )


class ExportGuardedViewSet(ModelViewSet):
    """A model's admin whose list is exported (``?export=csv`` or ``xlsx``) only
    when the viewset names the columns to export in ``list_export``; without them
    Wagtail would send a file of blank lines, so such an address is no page (404).

    Subclasses list their addresses in :meth:`admin_urlpatterns`."""

    @property
    def exports(self) -> bool:
        """Whether the listing can be exported: it has columns to export, set on
        the viewset or on its index view."""
        columns = self.list_export
        if columns is self.UNDEFINED:
            columns = getattr(self.index_view_class, "list_export", None)
        return bool(columns)

    def admin_urlpatterns(self):
        return super().get_urlpatterns()

    def get_urlpatterns(self):
        patterns = self.admin_urlpatterns()
        if self.exports:
            return patterns
        return [
            URLPattern(p.pattern, _without_export(p.callback), p.default_args, p.name)
            if p.name in ("index", "index_results")
            else p
            for p in patterns
        ]


def _without_export(view):
    @wraps(view)
    def without_export(request, *args, **kwargs):
        if "export" in request.GET:
            raise Http404("This listing has no export.")
        return view(request, *args, **kwargs)

    return without_export


class ReadOnlyViewSet(ExportGuardedViewSet):
    """A list with filters and search, and a page per row; no forms. Register
    :class:`ReadOnlyPolicy` for the model too.

    Rows are found by their integer primary key: anything else in the address is
    no row (404). The list is exported only when the viewset names the columns
    to export (:class:`ExportGuardedViewSet`)."""

    inspect_view_enabled = True
    # Wagtail would otherwise track the model's references ("usage"), queueing a
    # background job on every save: for progress rows, one per heartbeat.
    add_to_reference_index = False

    def admin_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("inspect/<int:pk>/", self.inspect_view, name="inspect"),
        ]
