"""wagtail-modeltranslation's interface strings are translated by the project's
catalogues: its language picker on every edit page speaks the editor's language."""

from django.utils import translation

import pytest

from lms.third_party_strings import MESSAGES, PLURAL_MESSAGES


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_every_string_is_translated(language):
    with translation.override(language):
        untranslated = [m for m in MESSAGES if translation.gettext(m) == m]
        for message in PLURAL_MESSAGES:
            for count in (1, 5):
                translated = message % {"count": count}
                with translation.override("en"):
                    if translated == message % {"count": count}:
                        untranslated.append(translated)
    assert untranslated == []


@pytest.mark.django_db
def test_the_language_picker_on_an_edit_page_speaks_kazakh(
    client, django_user_model, guide_course
):
    editor = django_user_model.objects.create_superuser(
        email="editor@example.kz", password="pass-word-123"
    )
    client.force_login(editor)
    lesson = guide_course.lessons()[0]
    html = client.get(f"/admin/pages/{lesson.pk}/edit/").content.decode()
    assert "viewEditString: 'Өрістерді көру / өңдеу тілі'" in html


@pytest.mark.parametrize(
    ("language", "message", "expected"),
    [
        (
            "ru",
            "The user could not be saved due to errors.",
            "Пользователь не может быть сохранён из-за ошибок.",
        ),
        (
            "ru",
            "No %(model_name)s match your query.",
            "%(model_name)s: по вашему запросу ничего не найдено.",
        ),
        (
            "kk",
            "The groups this user belongs to. A user will get all permissions "
            "granted to each of their groups.",
            "Пайдаланушы мүше болған топтар. Пайдаланушы өз топтарының әрқайсысына "
            "берілген барлық рұқсаттарды алады.",
        ),
    ],
)
def test_the_projects_catalogue_corrects_wagtails_and_djangos(
    language, message, expected
):
    with translation.override(language):
        assert translation.gettext(message) == expected
