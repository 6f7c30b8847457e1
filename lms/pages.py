"""What every page type of the site shares."""

from django.conf import settings
from django.utils import translation

from wagtail.models import Page


class TranslatedPage(Page):
    """A Wagtail page whose title and slug have a column per language.

    Wagtail fills in a new page's slug and draft title from its title, and cleans
    the title, through the plain ``title`` and ``slug`` attributes, which
    modeltranslation points at the columns of the active language. With the admin
    in English, a page given only its Kazakh title got that title copied into
    ``title_en`` and its slug into ``slug_en``, and could not be published for
    want of ``slug_kk``. Those steps run in the default language (Kazakh), whose
    columns every page must have.

    The draft title and the revision's name, which the admin's page lists,
    dashboard and history show, are saved in the default language too, not in the
    language of whichever editor's admin saved last.

    Each language is a preview mode, so an editor checks a translation in the
    admin's preview whatever language the admin itself is in.
    """

    class Meta:
        abstract = True

    def _set_core_field_defaults(self):
        with translation.override(settings.MODELTRANSLATION_DEFAULT_LANGUAGE):
            super()._set_core_field_defaults()

    def minimal_clean(self):
        with translation.override(settings.MODELTRANSLATION_DEFAULT_LANGUAGE):
            super().minimal_clean()

    def save_revision(self, *args, clean=True, **kwargs):
        if clean:  # validation messages in the editor's language
            self.full_clean()
        with translation.override(settings.MODELTRANSLATION_DEFAULT_LANGUAGE):
            return super().save_revision(*args, clean=False, **kwargs)

    def untranslated(self) -> list[tuple[str, list[str]]]:
        """The content fields filled in Kazakh but not in every other language
        (those show the Kazakh text there): each field's label and the languages
        it lacks. Slugs fall back on purpose and are left out."""
        from modeltranslation.translator import translator

        default = settings.MODELTRANSLATION_DEFAULT_LANGUAGE
        others = [code for code, _name in settings.LANGUAGES if code != default]
        found = []
        for name in translator.get_options_for_model(type(self)).get_field_names():
            if name in ("slug", "url_path") or not getattr(self, f"{name}_{default}"):
                continue
            lacking = [code for code in others if not getattr(self, f"{name}_{code}")]
            if lacking:
                label = self._meta.get_field(name).verbose_name
                found.append((str(label), lacking))
        return found

    @property
    def preview_modes(self):
        return list(settings.LANGUAGES)

    @property
    def default_preview_mode(self):
        """The admin's own language, as the preview showed before it had modes."""
        language = translation.get_language()
        if language in dict(settings.LANGUAGES):
            return language
        return settings.MODELTRANSLATION_DEFAULT_LANGUAGE

    def serve_preview(self, request, mode_name):
        language = mode_name
        if language not in dict(settings.LANGUAGES):
            language = self.default_preview_mode
        # Rendered here, in the preview's language: Wagtail would render the
        # response only after this returns.
        with translation.override(language):
            request.LANGUAGE_CODE = language
            response = super().serve_preview(request, mode_name)
            if hasattr(response, "render"):
                response.render()
            response.headers["Content-Language"] = language
        return response
