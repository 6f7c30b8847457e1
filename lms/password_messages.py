"""Django's own messages about passwords, which its catalogue leaves without
Kazakh: staff see them on the admin's user forms. Named here so that the
project's catalogue (``lms/locale``) carries their Kazakh, and Russian as Django
words it; learners see the project's own words instead
(``lms.adapters.PASSWORD_MESSAGES``)."""

from django.utils.translation import gettext_noop, ngettext_lazy

DJANGO_PASSWORD_MESSAGES = [
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
    gettext_noop("The password is too similar to the %(verbose_name)s."),
    gettext_noop(
        "Your password can’t be too similar to your other personal information."
    ),
    gettext_noop("This password is too common."),
    gettext_noop("Your password can’t be a commonly used password."),
    gettext_noop("This password is entirely numeric."),
    gettext_noop("Your password can’t be entirely numeric."),
]
