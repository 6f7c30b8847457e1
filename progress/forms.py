"""Forms of the learner pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from lms.iin import normalize_iin, validate_iin


class InvitePartnerForm(forms.Form):
    """The partner's IIN; whether it has an account is never told."""

    iin = forms.CharField(
        label=_("Your partner's IIN"),
        max_length=20,
        validators=[validate_iin],
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "pattern": "[0-9 -]*"}
        ),
    )

    def clean_iin(self):
        return normalize_iin(self.cleaned_data["iin"])
