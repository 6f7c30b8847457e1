"""Forms of the learner pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from lms.forms import AccountFormMixin
from lms.iin import normalize_iin, validate_iin
from lms.regions import Region


class InvitePartnerForm(AccountFormMixin, forms.Form):
    """The partner's IIN; whether it has an account is never told."""

    iin = forms.CharField(
        label=_("Your partner's IIN"),
        help_text=_(
            "They will see the invitation when they sign in, or once they sign up "
            "with this IIN."
        ),
        max_length=20,
        validators=[validate_iin],
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "pattern": "[0-9 -]*"}
        ),
    )

    def clean_iin(self):
        return normalize_iin(self.cleaned_data["iin"])


class RegionForm(AccountFormMixin, forms.Form):
    """Where the learner lives, for statistics by region; may be left unstated."""

    region = forms.ChoiceField(
        label=_("Region"),
        help_text=_("Optional. Used only for statistics by region."),
        choices=[("", _("Not stated")), *Region.choices],
        required=False,
    )
