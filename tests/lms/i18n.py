"""The text a user sees for a message, in their language, from the catalogues."""

from django.utils import translation


def tr(message, language: str) -> str:
    """``message`` (a msgid or a lazy translation) as shown in ``language``.

    Fails when Kazakh or Russian has no translation, so that a test comparing a page
    with this text also checks that the page is not in English.
    """
    with translation.override(language):
        text = str(
            translation.gettext(str(message)) if isinstance(message, str) else message
        )
    if language != "en":
        with translation.override("en"):
            english = str(message)
        assert text != english, f"{english!r} has no {language} translation"
    return text
