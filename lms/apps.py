from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LmsConfig(AppConfig):
    name = "lms"
    verbose_name = _("Accounts")

    def ready(self):
        from lms import checks, converters, signals  # noqa: F401 - checks, receivers
        from lms.admin_language import translate_permission_denied_in_admin_language
        from lms.page_editor import guard_the_copy_view
        from lms.third_party_strings import (
            count_listings_in_every_language,
            translate_page_form_messages_when_shown,
        )

        converters.register()
        translate_page_form_messages_when_shown()
        count_listings_in_every_language()
        guard_the_copy_view()
        translate_permission_denied_in_admin_language()
