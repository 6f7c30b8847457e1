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
