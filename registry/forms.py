"""The admin's form for a registry client."""

from django import forms
from django.core.validators import MinValueValidator
from django.utils.translation import gettext

from registry.models import RegistryClient

NEW_TOKEN_COMMAND = "manage.py create_registry_client --new-token"  # noqa: S105


def _formfield(db_field, **kwargs):
    """The model's lower bound of a number (the rate limit's 1) as the form's
    ``min_value``: the browser's ``min`` and the form's message then say 1, not
    the 0 of a positive integer field."""
    minimums = [
        validator.limit_value
        for validator in db_field.validators
        if isinstance(validator, MinValueValidator)
        and isinstance(validator.limit_value, int)
    ]
    if minimums:
        kwargs.setdefault("min_value", max(minimums))
    return db_field.formfield(**kwargs)


class RegistryClientForm(forms.ModelForm):
    """Rename, rate limit, webhook, deactivate.

    Deactivating revokes the client's token for good: a deactivated client's form
    no longer lets "active" be ticked, and only a new token
    (``create_registry_client --new-token``) lets the client in again.
    """

    class Meta:
        model = RegistryClient
        fields = ["name", "is_active", "rate_limit", "webhook_url"]
        formfield_callback = _formfield

    # Whether the page was drawn for an active client ("1") or a deactivated one
    # ("0"), whose box was disabled, so that the browser posts nothing for it.
    drawn_active = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["drawn_active"].initial = (
            "1" if self.instance.pk and self.instance.is_active else "0"
        )
        field = self.fields["is_active"]
        command = f"{NEW_TOKEN_COMMAND} {self.instance.pk}"
        # Built per request, in the admin's language.
        if self.instance.pk and not self.instance.is_active:
            # Disabled: whatever is posted, the stored value (inactive) is kept.
            field.disabled = True
            field.help_text = gettext(
                "Deactivated: this client's token is revoked for good and cannot be "
                "switched back on. To let the client call the API again, give it a "
                "new token on the server with %(command)s; that also makes it "
                "active again."
            ) % {"command": command}
        else:
            field.help_text = gettext(
                "Untick to revoke the client's token at once and for good: it "
                "cannot be switched back on. Only a new token, given on the server "
                "with %(command)s, lets the client call the API again."
            ) % {"command": command}

    def clean(self):
        cleaned_data = super().clean()
        drawn_inactive = self.data.get(self.add_prefix("drawn_active")) == "0"
        if drawn_inactive and self.instance.pk and self.instance.is_active:
            # Given a new token since the page was drawn: its absent box is not
            # a deactivation of the client's new token.
            cleaned_data["is_active"] = True
        return cleaned_data
