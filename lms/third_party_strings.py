"""Interface strings of wagtail-modeltranslation (the language picker on every
edit page, its page copy form), which ships no catalogue of its own, and Django's
form validation and password messages that Django's Kazakh catalogue lacks.
Marked here so that ``makemessages`` keeps them in the project's catalogues
(``lms/locale``), where they are translated into Kazakh and Russian; an app's
catalogue fills what Django's own lacks. Wagtail's own strings are in Wagtail's
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

# Django's validation messages with no Kazakh in Django's catalogue (ru has them):
# a Kazakh reader of a form in the admin or on the site would get them in English.
DJANGO_MESSAGES = (
    gettext_noop("Enter a valid email address."),
    gettext_noop("Null characters are not allowed."),
    gettext_noop("Enter a valid integer."),
    gettext_noop(
        "Enter a valid “slug” consisting of letters, numbers, underscores or hyphens."
    ),
    gettext_noop(
        "Enter a valid “slug” consisting of Unicode letters, numbers, underscores, "
        "or hyphens."
    ),
    gettext_noop("Ensure this value is a multiple of step size %(limit_value)s."),
    gettext_noop(
        "Ensure this value is a multiple of step size %(limit_value)s, starting "
        "from %(offset)s, e.g. %(offset)s, %(valid_value1)s, %(valid_value2)s, and "
        "so on."
    ),
    gettext_noop(
        "File extension “%(extension)s” is not allowed. Allowed extensions are: "
        "%(allowed_extensions)s."
    ),
    gettext_noop("Value %(value)r is not a valid choice."),
    gettext_noop("%(model_name)s with this %(field_labels)s already exists."),
    gettext_noop("Constraint “%(name)s” is violated."),
    gettext_noop("Enter a valid duration."),
    gettext_noop("Enter a valid UUID."),
    gettext_noop("Enter a complete value."),
    gettext_noop("“%(pk)s” is not a valid value."),
    gettext_noop("Enter a valid domain name."),
    gettext_noop("Enter a valid %(protocol)s address."),
    gettext_noop("IPv4 or IPv6"),
    gettext_noop("This is not a valid IPv6 address."),
    gettext_noop("Enter a valid JSON."),
    gettext_noop("The number of days must be between {min_days} and {max_days}."),
    gettext_noop("The inline value did not match the parent instance."),
    gettext_noop("(Hidden field %(name)s) %(error)s"),
    gettext_noop(
        "ManagementForm data is missing or has been tampered with. Missing fields: "
        "%(field_names)s. You may need to file a bug report if the issue persists."
    ),
)

DJANGO_PLURAL_MESSAGES = (
    ngettext_lazy(
        "Ensure this value has at least %(limit_value)d character (it has "
        "%(show_value)d).",
        "Ensure this value has at least %(limit_value)d characters (it has "
        "%(show_value)d).",
        "limit_value",
    ),
    ngettext_lazy(
        "Ensure this value has at most %(limit_value)d character (it has "
        "%(show_value)d).",
        "Ensure this value has at most %(limit_value)d characters (it has "
        "%(show_value)d).",
        "limit_value",
    ),
    ngettext_lazy(
        "Ensure that there are no more than %(max)s digit in total.",
        "Ensure that there are no more than %(max)s digits in total.",
        "max",
    ),
    ngettext_lazy(
        "Ensure that there are no more than %(max)s decimal place.",
        "Ensure that there are no more than %(max)s decimal places.",
        "max",
    ),
    ngettext_lazy(
        "Ensure that there are no more than %(max)s digit before the decimal point.",
        "Ensure that there are no more than %(max)s digits before the decimal point.",
        "max",
    ),
    ngettext_lazy(
        "Ensure this filename has at most %(max)d character (it has %(length)d).",
        "Ensure this filename has at most %(max)d characters (it has %(length)d).",
        "max",
    ),
    ngettext_lazy(
        "Please submit at most %(num)d form.",
        "Please submit at most %(num)d forms.",
        "num",
    ),
    ngettext_lazy(
        "Please submit at least %(num)d form.",
        "Please submit at least %(num)d forms.",
        "num",
    ),
)

# The messages of Django's password validators (django.contrib.auth), which staff
# see on the admin's user forms; Django's Kazakh catalogue lacks them too.
# Learners see the project's own words (lms.adapters.PASSWORD_MESSAGES).
DJANGO_PASSWORD_MESSAGES = (
    gettext_noop("The password is too similar to the %(verbose_name)s."),
    gettext_noop(
        "Your password can’t be too similar to your other personal information."
    ),
    gettext_noop("This password is too common."),
    gettext_noop("Your password can’t be a commonly used password."),
    gettext_noop("This password is entirely numeric."),
    gettext_noop("Your password can’t be entirely numeric."),
)
DJANGO_PASSWORD_PLURAL_MESSAGES = (
    ngettext_lazy(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        "min_length",
    ),
    ngettext_lazy(
        "Your password must contain at least %(min_length)d character.",
        "Your password must contain at least %(min_length)d characters.",
        "min_length",
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


def _items_count_label(paginator) -> str:
    if paginator.count == 1:
        return f"1 {paginator.verbose_name}"
    # Translators: how an admin listing counts its rows ("5 videos"). A noun after
    # a number may need a form no model name gives (Kazakh keeps it singular,
    # Russian changes it with the number): "Бейнелер: 5" reads in any case.
    return gettext("%(count)s %(things)s") % {
        "count": paginator.count,
        "things": paginator.verbose_name_plural,
    }


def count_listings_in_every_language() -> None:
    """Wagtail's listings end with their count as a number before the model's
    plural name (``f"{count} {verbose_name_plural}"``), which reads "5 бейнелер"
    in Kazakh; it is given a translatable form instead. Called once, when the
    apps are ready."""
    from wagtail.admin.paginator import WagtailPaginator

    WagtailPaginator.items_count_label = property(_items_count_label)
