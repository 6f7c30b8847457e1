"""Interface strings of wagtail-modeltranslation (the language picker on every
edit page, its page copy form), which ships no catalogue of its own. Marked here
so that ``makemessages`` keeps them in the project's catalogues, where they are
translated into Kazakh and Russian. Wagtail's own strings are in Wagtail's
catalogues, for Kazakh (which Wagtail lacks) in ``locale_wagtail``."""

import re

from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_lazy, gettext_noop, ngettext_lazy

COPY_SLUG_IN_USE = (
    'This slug is already in use within the context of its parent page "%s"'
)

MESSAGES = (
    gettext_noop(
        'This slug is already in use within the context of its parent page "%s"'
    ),
    gettext_noop("View / edit fields for"),
    gettext_noop("Page '{0}' copied."),
    gettext_noop("Page '{0}' and {1} subpages copied."),
    gettext_noop("This slug is already in use"),
    gettext_noop("New title"),
    gettext_noop("New slug"),
    gettext_noop("New parent page"),
    gettext_noop("This copy will be a child of this given parent page."),
    gettext_noop("Copy subpages"),
    gettext_noop("Publish copied page"),
    gettext_noop("This page is live. Would you like to publish its copy as well?"),
    gettext_noop("Publish copies"),
    gettext_noop('You do not have permission to copy to page "%(page_title)s"'),
    gettext_noop("You cannot copy a page into itself when copying subpages"),
    gettext_noop("Copy"),
    gettext_noop("Copy this page"),
    gettext_noop("Copy %(title)s"),
)

PLURAL_MESSAGES = (
    ngettext_lazy(
        "This will copy %(count)s subpage.",
        "This will copy %(count)s subpages.",
        "count",
    ),
    ngettext_lazy(
        "%(count)s of the pages being copied is live. Would you like to publish "
        "its copy?",
        "%(count)s of the pages being copied are live. Would you like to publish "
        "their copies?",
        "count",
    ),
)

_COPY_SLUG_IN_USE = re.compile(
    re.escape(COPY_SLUG_IN_USE).replace("%s", "(?P<parent>.*)"), re.DOTALL
)


def _translated_when_shown(message: str):
    """``gettext`` for wagtail-modeltranslation's page forms, put off until the
    message is shown. They translate a slug's error while the slug's own language
    is active (a Kazakh editor read the English slug's error in English), and
    the copy form fills in the parent page before translating, which no catalogue
    entry can then match."""
    if match := _COPY_SLUG_IN_USE.fullmatch(message):
        parent = match["parent"]
        return lazy(lambda: gettext(COPY_SLUG_IN_USE) % parent, str)()
    return gettext_lazy(message)


def translate_page_form_messages_when_shown() -> None:
    from wagtail_modeltranslation import patch_wagtailadmin_forms

    patch_wagtailadmin_forms._ = _translated_when_shown
