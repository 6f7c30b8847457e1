"""The page editor's "Copy content from" buttons of wagtail-modeltranslation, for
editors in every admin language.

Wagtail names the HTML ids of an editor's panels after their headings
(``panel-child-content-body_ru-section``), once per process, in the language of
the first editor who opens that kind of page; wagtail-modeltranslation finds the
StreamFields to put its buttons on by the English ids (``panel-child-content-``).
A process whose first editor worked in Kazakh or Russian showed the buttons to
nobody, and editors rebuilt each quiz and video block of a translation by hand.
The ids are named in English here, whoever comes first. The library writes the
buttons' label in English; ``js/page-editor-copy-label.js`` writes it in the
editor's language. Its view that copies a field's blocks answers only an editor
of the page, checks the CSRF token, and refuses what it cannot copy with a 400
instead of crashing."""

import json
from functools import wraps

from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.http import HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404
from django.templatetags.static import static
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext

from wagtail.models import Page


def name_panels_in_english(edit_handler) -> None:
    """Name the ids of ``edit_handler``'s panels, and of the panels within, from
    their English headings; once per edit handler (Wagtail keeps one per page
    type)."""
    if edit_handler.__dict__.get("_named_in_english"):
        return
    with translation.override("en"):
        _name(edit_handler)
    edit_handler._named_in_english = True


def _name(panel) -> None:
    for child in getattr(panel, "children", ()):
        _name(child)
    identifiers = getattr(type(panel), "child_identifiers", None)
    if identifiers is not None:
        # Set at once, not cleared and made again: a request in another language
        # that reads them meanwhile must not get to name them first.
        panel.__dict__["child_identifiers"] = identifiers.func(panel)


def copy_label_script() -> str:
    return format_html(
        '<script src="{}" data-label="{}"></script>',
        static("js/page-editor-copy-label.js"),
        gettext("Copy content from"),
    )


def guard_the_copy_view() -> None:
    """Put ``_guarded`` around the library's view before the admin's URLs are made
    (its URL hook looks the view up by name when called)."""
    from wagtail_modeltranslation import wagtail_hooks as library

    view = library.return_translation_target_field_rendered_html
    if not getattr(view, "guarded", False):
        library.return_translation_target_field_rendered_html = _guarded(
            getattr(view, "__wrapped__", view)
        )


def _guarded(view):
    @wraps(view)
    def copy_translation_content(request, page_id):
        page = get_object_or_404(Page, pk=page_id)
        if not page.permissions_for_user(request.user).can_edit():
            raise PermissionDenied
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        refused = JsonResponse(
            {"detail": gettext("This content could not be copied.")}, status=400
        )
        if request.headers.get("X-Requested-With") != "XMLHttpRequest":
            return refused
        try:
            fields = json.loads(request.POST.get("serializedOriginField", ""))
            names = [
                request.POST["origin_field_name"],
                request.POST["target_field_name"],
            ]
            if not isinstance(fields, list) or not all(
                isinstance(item, dict) for item in fields
            ):
                return refused
            for name in names:
                page.specific._meta.get_field(name).stream_block  # noqa: B018
            return view(request, page_id)
        except (
            KeyError,
            ValueError,
            TypeError,
            AttributeError,
            RecursionError,
            FieldDoesNotExist,
        ):
            return refused

    copy_translation_content.guarded = True
    return copy_translation_content
