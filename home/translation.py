from modeltranslation.translator import TranslationOptions, register

from home.models import HomePage


@register(HomePage)
class HomePageTR(TranslationOptions):
    fields = ("intro",)
