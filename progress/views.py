"""Learner pages: the dashboard and the couple's page. Rules are in services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from allauth.account.models import EmailAddress

from progress import services
from progress.forms import InvitePartnerForm, RegionForm


def _couple_context(user) -> dict:
    return {
        "couple": services.couple_status(user),
        "incoming": services.incoming_invitations(user),
        "outgoing": services.outgoing_invitation(user),
    }


@login_required
def dashboard(request):
    """Each enrolled course with its progress, where to resume, certificates."""
    summaries = services.dashboard(request.user)
    context = {
        "summaries": summaries,
        "guide": None if summaries else services.guide_course(),
        "region_form": RegionForm(initial={"region": request.user.region}),
        "unconfirmed_email": EmailAddress.objects.filter(
            user=request.user, primary=True, verified=False
        )
        .values_list("email", flat=True)
        .first(),
    }
    context.update(_couple_context(request.user))
    return render(request, "progress/dashboard.html", context)


@login_required
@require_POST
def region(request):
    """Save the learner's region (or that it is not stated)."""
    form = RegionForm(request.POST)
    if form.is_valid():
        request.user.region = form.cleaned_data["region"]
        request.user.save(update_fields=["region"])
        messages.success(request, _("Your region is saved."))
    else:
        messages.error(request, _("Choose a region from the list."))
    return redirect("progress:dashboard")


@login_required
def couple(request, form=None):
    """Link with a partner and follow each other's progress on the guide."""
    context = {
        "form": form or InvitePartnerForm(),
        "guide": services.guide_course(),
        # Shown after a refused invitation, at the invitation's POST-only address.
        "return_path": reverse("progress:couple"),
        "ended_link": services.ended_link(request.user),
        "blocked": services.blocked_inviters(request.user),
    }
    context.update(_couple_context(request.user))
    if form is not None and context["couple"]:
        # Sent from a page that was open before the link was made: the form is
        # not shown any more, so its errors are shown as messages.
        for error in form.errors.get("iin", []):
            messages.error(request, error)
    return render(request, "progress/couple.html", context, status=400 if form else 200)


@login_required
@require_POST
def invite(request):
    form = InvitePartnerForm(request.POST)
    if not form.is_valid():
        return couple(request, form=form)
    try:
        services.invite_partner(request.user, form.cleaned_data["iin"])
    except services.Invalid as error:
        form.add_error("iin", str(error.detail))
        return couple(request, form=form)
    messages.success(
        request,
        _(
            "Invitation recorded. If this person has an account, they will see "
            "the invitation when they sign in."
        ),
    )
    return redirect("progress:couple")


def _answer(request, action, pk, done_message):
    try:
        action(request.user, pk)
    except services.ProgressError as error:
        messages.error(request, str(error.detail))
    else:
        messages.success(request, done_message)
    return redirect("progress:couple")


@login_required
@require_POST
def accept(request, pk):
    return _answer(
        request,
        services.accept_invitation,
        pk,
        _("You are now linked: you can follow each other's progress on the guide."),
    )


@login_required
@require_POST
def decline(request, pk):
    if request.POST.get("block"):
        return _answer(
            request,
            lambda user, pk: services.decline_invitation(user, pk, block=True),
            pk,
            _(
                "The invitation was declined. You will not see invitations from "
                "this person any more; they are not told."
            ),
        )
    return _answer(
        request, services.decline_invitation, pk, _("The invitation was declined.")
    )


@login_required
@require_POST
def unblock(request, pk):
    return _answer(
        request,
        services.unblock_inviter,
        pk,
        _("You will see invitations from this person again."),
    )


@login_required
@require_POST
def cancel(request, pk):
    return _answer(
        request, services.cancel_invitation, pk, _("The invitation was withdrawn.")
    )


@login_required
@require_POST
def unlink(request):
    try:
        services.unlink_partner(request.user)
    except services.ProgressError as error:
        messages.error(request, str(error.detail))
    else:
        messages.success(request, _("You are no longer linked."))
    return redirect("progress:couple")
