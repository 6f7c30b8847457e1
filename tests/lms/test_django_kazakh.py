"""Django's form validation messages come in Kazakh: the ones Django's Kazakh
catalogue lacks are translated in the project's (``lms.third_party_strings``)."""

import os

import django
from django import forms
from django.utils import translation

import polib
import pytest

from lms.third_party_strings import DJANGO_MESSAGES, DJANGO_PLURAL_MESSAGES
from tests.lms.i18n import tr

# The common messages of Django's form fields and validators.
COMMON = [
    "This field is required.",
    "Enter a valid email address.",
    "Enter a whole number.",
    "Enter a number.",
    "Enter a valid integer.",
    "Enter a valid date.",
    "Enter a valid URL.",
    "Enter a valid value.",
    "Select a valid choice. %(value)s is not one of the available choices.",
    "Select a valid choice. That choice is not one of the available choices.",
    "Ensure this value is less than or equal to %(limit_value)s.",
    "Ensure this value is greater than or equal to %(limit_value)s.",
    "Null characters are not allowed.",
    "%(model_name)s with this %(field_label)s already exists.",
]


def _msgids(message) -> tuple[str, str]:
    """The singular and plural msgids of an ``ngettext_lazy`` message."""
    return message._kw["singular"], message._kw["plural"]


def _djangos_catalogue(language: str) -> polib.POFile:
    return polib.pofile(
        os.path.join(
            os.path.dirname(django.__file__),
            f"conf/locale/{language}/LC_MESSAGES/django.po",
        )
    )


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_djangos_common_validation_messages_are_translated(language):
    for message in COMMON:
        tr(message, language)


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_marked_messages_are_translated(language):
    for message in DJANGO_MESSAGES:
        tr(message, language)
    for message in DJANGO_PLURAL_MESSAGES:
        singular, plural = _msgids(message)
        for count in (1, 2, 5, 21):
            with translation.override(language):
                shown = translation.ngettext(singular, plural, count)
            assert shown not in (singular, plural), (singular, count)


def test_the_marked_messages_are_djangos():
    """Each is a message of Django's, word for word, so that it is Django's
    message that the project's catalogue translates."""
    djangos = {entry.msgid: entry for entry in _djangos_catalogue("ru")}
    for message in DJANGO_MESSAGES:
        assert message in djangos, message
    for message in DJANGO_PLURAL_MESSAGES:
        singular, plural = _msgids(message)
        assert djangos[singular].msgid_plural == plural


def test_every_validation_message_kazakh_lacks_is_marked():
    """A message of Django's validators, form fields, forms or model validation
    that Django's Kazakh catalogue lacks (or has only under an older wording) is
    among the project's; a Django upgrade adding one fails here."""
    marked = set(DJANGO_MESSAGES) | {
        _msgids(message)[0] for message in DJANGO_PLURAL_MESSAGES
    }
    sources = (
        "core/validators.py",
        "forms/fields.py",
        "forms/forms.py",
        "forms/formsets.py",
        "forms/models.py",
        "db/models/base.py",
        "db/models/constraints.py",
        "utils/ipv6.py",
    )
    kazakh = {entry.msgid for entry in _djangos_catalogue("kk") if entry.translated()}
    lacking = {
        entry.msgid
        for entry in _djangos_catalogue("en")  # the one with the sources
        if entry.msgid not in kazakh
        and any(path.endswith(sources) for path, _line in entry.occurrences)
    }
    # The same in every language, and the colon after a label.
    lacking -= {"IPv4", "IPv6", ":"}
    assert lacking - marked == set()


def refusal(field, value, language: str) -> list[str]:
    with translation.override(language):
        with pytest.raises(forms.ValidationError) as error:
            field.clean(value)
        return error.value.messages


def test_a_too_long_value_is_refused_in_kazakh():
    field = forms.CharField(max_length=3)
    english = refusal(field, "abcdef", "en")
    assert english == ["Ensure this value has at most 3 characters (it has 6)."]
    (kazakh,) = refusal(field, "abcdef", "kk")
    assert kazakh != english[0] and "3" in kazakh and "6" in kazakh
    assert refusal(field, "abcdef", "ru") == [
        "Убедитесь, что это значение содержит не более 3 символов (сейчас 6)."
    ]


def test_a_null_character_is_refused_in_kazakh():
    kazakh = refusal(forms.CharField(), "a\x00b", "kk")
    assert kazakh == [tr("Null characters are not allowed.", "kk")]


def test_an_invalid_email_address_is_refused_in_kazakh():
    kazakh = refusal(forms.EmailField(), "not an address", "kk")
    assert kazakh == [tr("Enter a valid email address.", "kk")]
