"""Interface strings of wagtail-modeltranslation (the language picker on every
edit page, its page copy form), which ships no catalogue of its own. Marked here
so that ``makemessages`` keeps them in the project's catalogues, where they are
translated into Kazakh and Russian. Wagtail's own strings are in Wagtail's
catalogues, for Kazakh (which Wagtail lacks) in ``locale_wagtail``."""

from django.utils.translation import gettext_noop, ngettext_lazy

MESSAGES = (
    gettext_noop("View / edit fields for"),
    gettext_noop("Page '{0}' copied."),
    gettext_noop("Page '{0}' and {1} subpages copied."),
    gettext_noop("This slug is already in use"),
    gettext_noop(
        'This slug is already in use within the context of its parent page "%s"'
    ),
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
