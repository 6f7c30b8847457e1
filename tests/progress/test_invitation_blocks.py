"""A learner who does not want invitations from someone hides them, without the
sender being told, and can let them through again."""

import json
from html import unescape

from django.test import Client

import pytest

from lms.factories import VALID_IINS, UserFactory
from progress import services
from progress.models import InvitationBlock, Partnership, PartnershipStatus
from tests.lms.i18n import tr

pytestmark = pytest.mark.django_db

THIRD_IIN = VALID_IINS[2]


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_declining_and_hiding_keeps_that_persons_later_invitations_out_of_sight(
    learner, partner
):
    first = services.invite_partner(partner, VALID_IINS[0])
    me = signed_in(learner)
    assert f'data-invitation="{first.pk}"' in me.get("/ru/dashboard/").content.decode()

    response = me.post(f"/ru/couple/{first.pk}/decline/", {"block": "1"}, follow=True)

    said = tr(
        "The invitation was declined. You will not see invitations from this "
        "person any more; they are not told.",
        "ru",
    )
    assert said in unescape(response.content.decode())
    first.refresh_from_db()
    assert first.status == PartnershipStatus.DECLINED

    # They invite again, and again: nothing shows, on the dashboard or the couple
    # page, and to them it looks as if it were waiting.
    again = services.invite_partner(partner, VALID_IINS[0])
    for path in ("/ru/dashboard/", "/ru/couple/"):
        page = me.get(path).content.decode()
        assert "data-invitation" not in page
    assert services.incoming_invitations(learner) == []
    assert services.outgoing_invitation(partner).pk == again.pk
    theirs = signed_in(partner).get("/ru/couple/").content.decode()
    assert "data-outgoing" in theirs

    # Someone else's invitations still show.
    other = UserFactory(iin=THIRD_IIN, first_name="Ерлан")
    services.invite_partner(other, VALID_IINS[0])
    assert [i.inviter for i in services.incoming_invitations(learner)] == [other]

    # The couple page names who is hidden, and lets them through again.
    page = unescape(me.get("/ru/couple/").content.decode())
    assert "data-blocked" in page and partner.get_full_name() in page
    (block,) = InvitationBlock.objects.filter(user=learner)
    shown = me.post(f"/ru/couple/blocked/{block.pk}/unblock/", follow=True)
    assert tr("You will see invitations from this person again.", "ru") in unescape(
        shown.content.decode()
    )
    waiting = {i.pk for i in services.incoming_invitations(learner)}
    assert again.pk in waiting
    services.accept_invitation(learner, again.pk)
    assert Partnership.objects.filter(status=PartnershipStatus.ACTIVE).count() == 1


def test_a_plain_decline_hides_nothing_more(learner, partner):
    first = services.invite_partner(partner, VALID_IINS[0])
    signed_in(learner).post(f"/en/couple/{first.pk}/decline/")
    again = services.invite_partner(partner, VALID_IINS[0])
    assert [i.pk for i in services.incoming_invitations(learner)] == [again.pk]
    assert not InvitationBlock.objects.exists()


def test_only_the_learner_can_let_someone_through_again(learner, partner):
    invitation = services.invite_partner(partner, VALID_IINS[0])
    services.decline_invitation(learner, invitation.pk, block=True)
    (block,) = InvitationBlock.objects.all()

    response = signed_in(partner).post(
        f"/en/couple/blocked/{block.pk}/unblock/", follow=True
    )

    assert "No such blocked person." in unescape(response.content.decode())
    assert InvitationBlock.objects.filter(pk=block.pk).exists()
    assert (
        signed_in(learner).get(f"/en/couple/blocked/{block.pk}/unblock/").status_code
        == 405
    )


def test_the_learners_copy_of_their_data_names_whom_they_hid(learner, partner):
    invitation = services.invite_partner(partner, VALID_IINS[0])
    services.decline_invitation(learner, invitation.pk, block=True)

    client = signed_in(learner)
    data = json.loads(client.get("/accounts/data/").content)

    (hidden,) = data["invitations_not_shown_from"]
    assert hidden["person"] == partner.get_full_name() and hidden["since"]
    theirs = json.loads(signed_in(partner).get("/accounts/data/").content)
    assert theirs["invitations_not_shown_from"] == []
