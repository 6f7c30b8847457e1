from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = _("Registry API")

    def ready(self):
        from registry.models import RegistryClient
        from registry.services import forget_client

        # An edit in the admin (deactivation above all) must apply at once, not
        # when the cached token lookup expires.
        post_save.connect(
            lambda instance, **kwargs: forget_client(instance),
            sender=RegistryClient,
            weak=False,
            dispatch_uid="registry_forget_client",
        )
