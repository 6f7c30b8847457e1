"""Django's own password messages, which staff see on the admin's user forms,
in Kazakh and Russian (Django's catalogue has no Kazakh for them)."""

from django.contrib.auth.password_validation import (
    password_validators_help_texts,
    validate_password,
)
from django.core.exceptions import ValidationError
from django.utils import translation

import pytest

from lms.factories import UserFactory


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_password_rules_are_told_in_the_admins_language(language):
    with translation.override("en"):
        english = password_validators_help_texts()
    with translation.override(language):
        told = password_validators_help_texts()
    assert len(told) == len(english) == 4
    for text, source in zip(told, english, strict=True):
        assert text != source
    assert any("8" in text for text in told)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["kk", "ru"])
@pytest.mark.parametrize("password", ["1234", "12345678901", "password", "aigerim1"])
def test_a_refused_password_is_told_why_in_the_admins_language(language, password):
    user = UserFactory.build(first_name="Aigerim", email="aigerim1@example.kz")
    with translation.override("en"), pytest.raises(ValidationError) as english:
        validate_password(password, user)
    with translation.override(language), pytest.raises(ValidationError) as told:
        validate_password(password, user)
    assert len(told.value.messages) == len(english.value.messages) >= 1
    for text, source in zip(told.value.messages, english.value.messages, strict=True):
        assert text != source
