"""Translated fields of the home app (kk, ru, en), shown side by side to editors."""

from modeltranslation.translator import TranslationOptions, register

from home.models import (
    FamilySupportCentre,
    HelplineSettings,
    HelpPage,
    HomePage,
    StandardPage,
)


@register(HomePage)
class HomePageTR(TranslationOptions):
    fields = (
        "hero_heading",
        "hero_text",
        "intro",
        "courses_heading",
        "courses_intro",
        "help_heading",
        "help_text",
    )


@register(StandardPage)
class StandardPageTR(TranslationOptions):
    fields = ("intro", "body")


@register(HelpPage)
class HelpPageTR(TranslationOptions):
    fields = ("intro", "centres_heading", "centres_intro")


@register(FamilySupportCentre)
class FamilySupportCentreTR(TranslationOptions):
    fields = ("name", "city", "address", "opening_hours", "services")


@register(HelplineSettings)
class HelplineSettingsTR(TranslationOptions):
    fields = ("violence_description", "family_description")
