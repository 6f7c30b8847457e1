"""The users admin in Wagtail: the IIN only masked, findable by the whole IIN.

The keyed hash and the ciphertext are never shown or editable; staff see the masked
IIN and the time consent was given, and can find a person by typing their IIN into
the search box (matched through the keyed hash).
"""

import json
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models.functions import Lower
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.functional import cached_property
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView

from wagtail import hooks
from wagtail.admin.ui.fields import BaseFieldDisplay, register_display_class
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import Button
from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views import users as wagtail_users

from allauth.account.models import EmailAddress

from lms import account_closure, page_editor
from lms import iin as iin_tools
from lms.models import SIGN_IN_NAME_TAKEN
from lms.viewsets import ExportGuardedViewSet, SearchEveryWord

# The words of sign-up's refusal (``lms.adapters.AccountAdapter``).
EMAIL_TAKEN = _("A user is already registered with this e-mail.")


class UniqueEmailMixin:
    """Refuses an e-mail address that another account has in any case, or has
    confirmed (as sign-up and the e-mail addresses page do): sign-in matches
    addresses whatever their case, so two accounts would share a mailbox.

    Replaces Wagtail's check, which compares the address exactly."""

    def _clean_username(self):
        email = self.cleaned_data.get("email")
        if not email or getattr(self.instance, "closed_at", None):
            return email  # a closed account keeps its erased address (see below)
        others = get_user_model()._default_manager.all()
        addresses = EmailAddress.objects.filter(email__iexact=email, verified=True)
        if self.instance.pk is not None:
            others = others.exclude(pk=self.instance.pk)
            addresses = addresses.exclude(user_id=self.instance.pk)
        if others.filter(email__iexact=email).exists() or addresses.exists():
            self.add_error(
                "email", forms.ValidationError(EMAIL_TAKEN, code="email_taken")
            )
        return email


class LearnerCreationForm(UniqueEmailMixin, UserCreationForm):
    """Wagtail's form for a new user, refusing an address taken in another case."""


class LearnerEditForm(UniqueEmailMixin, UserEditForm):
    """Wagtail's user form with the masked IIN, when eGov confirmed it, and the
    consent time shown read-only, and a staff member's sign-in name (unique in
    any case, as sign-in finds it)."""

    iin_masked = forms.CharField(label=_("IIN"), required=False, disabled=True)
    iin_confirmed = forms.DateTimeField(
        label=_("IIN confirmed through eGov at"), required=False, disabled=True
    )
    consent_given_at = forms.DateTimeField(
        label=_("Consent to personal data processing"), required=False, disabled=True
    )
    account_closed_at = forms.DateTimeField(
        label=_("Closed by its holder at"), required=False, disabled=True
    )

    class Meta(UserEditForm.Meta):
        fields = UserEditForm.Meta.fields | {"sign_in_name"}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["iin_masked"].initial = self.instance.iin_masked or "—"
        self.fields["iin_confirmed"].initial = self.instance.iin_confirmed_at
        self.fields["consent_given_at"].initial = self.instance.consent_at
        self.fields["account_closed_at"].initial = self.instance.closed_at
        if self.instance.closed_at:
            # Erased on closing: the account can still be taken out of groups.
            for name in ("first_name", "last_name", "email"):
                if name in self.fields:
                    self.fields[name].required = False

    def clean_sign_in_name(self):
        name = self.cleaned_data.get("sign_in_name")
        if not name:
            return None  # none, however many staff have none
        others = (
            get_user_model()
            ._default_manager.exclude(pk=self.instance.pk)
            .alias(sign_in_key=Lower("sign_in_name"))
        )
        if others.filter(sign_in_key=name.lower()).exists():
            raise forms.ValidationError(SIGN_IN_NAME_TAKEN, code="sign_in_name_taken")
        return name

    def clean(self):
        cleaned_data = super().clean()
        if not self.instance.closed_at:
            return cleaned_data
        # Its holder withdrew consent (lms.account_closure): it identifies
        # nobody, and nobody may sign in to it again.
        if cleaned_data.get("is_active"):
            self.add_error(
                "is_active",
                _("An account closed by its holder cannot be made active again."),
            )
        if cleaned_data.get("password1"):
            self.add_error(
                "password1",
                _("An account closed by its holder cannot be given a password."),
            )
        for name in ("first_name", "last_name", "email"):
            if name in cleaned_data:
                cleaned_data[name] = getattr(self.instance, name)
        return cleaned_data


class UserIndexView(SearchEveryWord, wagtail_users.IndexView):
    """Users with their masked IIN; a whole IIN in the search box finds its owner."""

    @cached_property
    def columns(self):
        columns = list(super().columns)
        columns[3:3] = [
            Column("iin", accessor="iin_masked", label=_("IIN"), width="12%"),
            DateColumn("consent_at", label=_("Consent given"), width="12%"),
        ]
        return columns

    def search_queryset(self, queryset):
        digits = iin_tools.normalize_iin(self.search_query or "")
        if iin_tools.is_valid_iin(digits):
            return queryset.filter(iin_hash=iin_tools.iin_hash(digits))
        return super().search_queryset(queryset)


def can_close(staff, account) -> bool:
    """Whether ``staff`` may close ``account`` on its holder's request: a learner's
    open account, by someone who may edit users."""
    return (
        staff.has_perm("lms.change_user")
        and not account.is_staff_member
        and account.closed_at is None
    )


def _close_url(account) -> str:
    return reverse("lms_close_account", args=[account.pk])


class UserEditView(wagtail_users.EditView):
    @cached_property
    def header_more_buttons(self):
        buttons = super().header_more_buttons
        if can_close(self.request.user, self.object):
            buttons.append(
                Button(
                    _("Close account"),
                    url=_close_url(self.object),
                    icon_name="lock",
                    priority=30,
                )
            )
        return buttons


class CloseAccountRequestForm(forms.Form):
    request = forms.CharField(
        label=_("The holder's request"),
        help_text=_(
            "How the holder asked for their account to be closed, with its "
            "reference (for example, a letter and its registration number). "
            "Recorded as the reason for revoking their certificates."
        ),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_request(self) -> str:
        value = self.cleaned_data["request"].strip()
        if not value:
            raise forms.ValidationError(_("Say how the holder asked."))
        return value


class CloseAccountView(WagtailAdminTemplateMixin, FormView):
    """Closes a learner's account on a request made outside the site
    (``lms.account_closure``), after saying what that erases."""

    form_class = CloseAccountRequestForm
    template_name = "lms/admin/close_account.html"
    page_title = _("Close account")
    header_icon = "warning"

    def dispatch(self, request, *args, **kwargs):
        self.object = get_object_or_404(get_user_model(), pk=kwargs["pk"])
        if not can_close(request.user, self.object):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return str(self.object)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {
                "url": reverse("wagtailusers_users:index"),
                "label": capfirst(get_user_model()._meta.verbose_name_plural),
            },
            {
                "url": reverse("wagtailusers_users:edit", args=[self.object.pk]),
                "label": str(self.object),
            },
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["object"] = self.object
        context["action_url"] = _close_url(self.object)
        return context

    def form_valid(self, form):
        account_closure.close_account(
            self.object, by=self.request.user, request=form.cleaned_data["request"]
        )
        # Rendered after the admin's language is let go: translated now.
        messages.success(self.request, gettext("The account has been closed."))
        return redirect("wagtailusers_users:edit", self.object.pk)


@dataclass(frozen=True)
class AccountLink:
    """An entry on the admin's account page (its "Actions" tab)."""

    url: str
    label: str
    help_text: str


@hooks.register("register_account_menu_item")
def change_email_address(request):
    return AccountLink(
        url=reverse("account_email"),
        label=gettext("E-mail addresses"),
        help_text=gettext(
            "Changes ask for your password again, and your address is told of them."
        ),
    )


@hooks.register("register_account_menu_item")
def change_password(request):
    return AccountLink(
        url=reverse("account_change_password"),
        label=gettext("Change password"),
        help_text=gettext("Your e-mail address is told when the password changes."),
    )


@hooks.register("before_bulk_action")
def no_closed_account_made_active(request, action_type, objects, action):
    """Wagtail's bulk "Set active state" updates the rows directly, past the edit
    form's rule: closed accounts stay inactive (they could not sign in anyway,
    ``lms.backends``)."""
    if action_type != "set_active_state" or request.method != "POST":
        return None
    if request.POST.get("mark_as_active") != "True":
        return None
    closed = [user for user in objects if getattr(user, "closed_at", None)]
    if not closed:
        return None
    messages.error(
        request,
        gettext("Closed accounts cannot be made active again: %(accounts)s.")
        % {"accounts": ", ".join(user.email for user in closed)},
    )
    return redirect("wagtailusers_users:index")


@hooks.register("register_admin_urls")
def register_close_account_url():
    view = CloseAccountView.as_view()
    return [path("users/close/<int:pk>/", view, name="lms_close_account")]


class UserViewSet(ExportGuardedViewSet, wagtail_users.UserViewSet):
    """Wagtail's user admin, made aware of the IIN (see ``lms.wagtail_users``).
    It has no export: Wagtail's would be a file of blank lines."""

    index_view_class = UserIndexView
    edit_view_class = UserEditView
    edit_template_name = "lms/admin/user_edit.html"

    def get_form_class(self, for_update=False):
        return LearnerEditForm if for_update else LearnerCreationForm


class LocalTimeDisplay(BaseFieldDisplay):
    """A time on an inspect page in the site's time zone (Asia/Almaty), as the
    listings show it; Wagtail's own inspect template would print it in UTC, a
    different day in the evening."""

    def render_html(self, parent_context=None):
        if self.value is None:
            return "—"
        local = (
            timezone.localtime(self.value)
            if timezone.is_aware(self.value)
            else self.value
        )
        return conditional_escape(formats.date_format(local, "DATETIME_FORMAT"))


register_display_class(models.DateTimeField, display_class=LocalTimeDisplay)


class RelatedDisplay(BaseFieldDisplay):
    """A link to another object on an inspect page: a dash when there is none, not
    Python's "None" (a certificate's "revoked by" before any revocation)."""

    def render_html(self, parent_context=None):
        return "—" if self.value is None else conditional_escape(str(self.value))


class JSONDisplay(BaseFieldDisplay):
    """JSON on an inspect page: a list one item a line (the keyed IIN hashes of a
    registry call), anything else as indented JSON (a webhook's payload), not as
    Python prints it."""

    def render_html(self, parent_context=None):
        if isinstance(self.value, list | tuple):
            if not self.value:
                return "—"
            return format_html_join(
                mark_safe("<br>"), "<code>{}</code>", ((item,) for item in self.value)
            )
        text = json.dumps(self.value, ensure_ascii=False, indent=2, sort_keys=True)
        return format_html("<pre>{}</pre>", text)


class BooleanDisplay(BaseFieldDisplay):
    """Yes or No in the admin's language, not Python's True or False."""

    def render_html(self, parent_context=None):
        if self.value is None:
            return "—"
        return conditional_escape(gettext("Yes") if self.value else gettext("No"))


class TextDisplay(BaseFieldDisplay):
    """Text on an inspect page; a dash when there is none, as for other fields
    (a certificate's reason for revocation before any revocation)."""

    def render_html(self, parent_context=None):
        return conditional_escape(self.value) if self.value else "—"


register_display_class(models.TextField, display_class=TextDisplay)
register_display_class(models.ForeignKey, display_class=RelatedDisplay)
register_display_class(models.JSONField, display_class=JSONDisplay)
register_display_class(models.BooleanField, display_class=BooleanDisplay)


@hooks.register("after_publish_page")
def tell_what_is_not_translated(request, page):
    """A field left empty in Russian or English shows the Kazakh text to those
    readers: the page is published, and the editor is told which fields to
    translate."""
    from lms.pages import TranslatedPage

    page = page.specific
    if not isinstance(page, TranslatedPage):
        return
    if missing := page.untranslated():
        messages.warning(
            request,
            _(
                "«%(page)s» is published, but readers in another language see "
                "the Kazakh text of: %(fields)s."
            )
            % {
                "page": page.title,
                "fields": "; ".join(
                    f"{label} ({', '.join(codes)})" for label, codes in missing
                ),
            },
        )


@hooks.register("before_edit_page")
def name_edit_panels_in_english(request, page):
    page_editor.name_panels_in_english(page.get_edit_handler())


@hooks.register("before_create_page")
def name_create_panels_in_english(request, parent_page, page_class):
    page_editor.name_panels_in_english(page_class.get_edit_handler())


@hooks.register("insert_editor_js")
def copy_buttons_label():
    return page_editor.copy_label_script()
