from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LmsConfig(AppConfig):
    name = "lms"
    verbose_name = _("Accounts")

    def ready(self):
        from lms import checks, signals  # noqa: F401 - registers checks, receivers
        from lms.third_party_strings import translate_page_form_messages_when_shown

        translate_page_form_messages_when_shown()
