"""The learner's dashboard and the couple's page."""

import re
from html import unescape

from django.test import Client
from django.utils import formats, timezone, translation

import pytest

from certificates.models import Certificate
from certificates.services import create_certificate, revoke_certificate
from lms.factories import VALID_IINS, UserFactory
from lms.iin import mask_iin
from progress import services
from progress.models import (
    CourseCompletion,
    Enrollment,
    LessonCompletion,
    Partnership,
    PartnershipStatus,
)
from tests.lms.i18n import tr
from tests.progress.conftest import Player

THIRD_IIN = VALID_IINS[2]


def complete_guide(user, course):
    for lesson in course.lessons():
        LessonCompletion.objects.get_or_create(user=user, lesson=lesson, course=course)
    Enrollment.objects.get_or_create(
        user=user, course=course, defaults={"language": "kk"}
    )
    return CourseCompletion.objects.create(user=user, course=course, language="kk")


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_dashboard_needs_sign_in(client):
    response = client.get("/kk/dashboard/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_dashboard_shows_progress_and_where_to_resume(
    signed_in, clock, guide_course, learner
):
    first, second, _third = guide_course.lessons()
    # Finish the first lesson, stop the second at 4 seconds.
    player = Player(signed_in, first, first.videos()[0])
    player.beat(0, rate=2.0)
    for position in (4, 8, 10):
        clock.tick(2)
        player.beat(position, rate=2.0)
    player = Player(signed_in, second, second.videos()[0])
    player.beat(0)
    clock.tick(4)
    player.beat(4, state="paused")

    response = signed_in.get("/kk/dashboard/")
    assert response.status_code == 200
    html = response.content.decode()
    assert guide_course.title in html
    assert '<progress class="course-card__progress" max="100" value="33"' in html
    # The lesson page's player resumes at the position the server stored.
    assert f'href="{second.url}"' in html
    assert "0:04" in html
    assert "data-completed" not in html


@pytest.mark.django_db
def test_dashboard_shows_completion_and_certificate_links(
    signed_in, guide_course, learner, run_tasks
):
    completion = complete_guide(learner, guide_course)
    html = signed_in.get("/kk/dashboard/").content.decode()
    assert "data-completed" in html
    assert '<progress class="course-card__progress" max="100" value="100"' in html
    assert "data-certificate=" not in html  # being prepared

    services.request_certificate(completion.pk)
    run_tasks()
    number = Certificate.objects.get(user=learner).number
    html = signed_in.get("/en/dashboard/").content.decode()
    assert f'data-certificate="{number}"' in html
    assert f"/certificates/{number}/pdf" in html
    assert f"/certificates/verify/{number}/" in html
    assert "checks this certificate by your IIN: there is nothing to print" in html


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["kk", "ru"])
def test_a_completed_course_no_longer_published_keeps_its_certificate_on_the_dashboard(
    signed_in, guide_course, learner, run_tasks, language
):
    """A new edition of the guide goes live once the old one is unpublished;
    the old one's certificates stay valid, and their holders need them."""
    services.request_certificate(complete_guide(learner, guide_course).pk)
    run_tasks()
    number = Certificate.objects.get(user=learner).number
    guide_course.get_descendants(inclusive=True).unpublish()
    assert not type(guide_course).objects.get(pk=guide_course.pk).live

    html = signed_in.get(f"/{language}/dashboard/").content.decode()
    assert "data-withdrawn" in html
    assert tr(
        "This course is no longer published. That you completed it, and its "
        "certificate, stay here.",
        language,
    ) in unescape(html)
    assert f'data-certificate="{number}"' in html
    assert f"/certificates/{number}/pdf" in html
    assert "data-completed" in html
    assert guide_course.url.startswith("/")
    assert f'href="{guide_course.url}"' not in html
    assert "course-card__progress" not in html
    assert tr("You have not started a course yet.", language) not in unescape(html)


@pytest.mark.django_db
def test_a_course_no_longer_published_and_not_completed_leaves_the_dashboard(
    signed_in, guide_course, learner
):
    first = guide_course.lessons()[0]
    LessonCompletion.objects.create(user=learner, lesson=first, course=guide_course)
    Enrollment.objects.create(user=learner, course=guide_course, language="kk")
    guide_course.get_descendants(inclusive=True).unpublish()

    html = signed_in.get("/en/dashboard/").content.decode()
    assert "data-course-id" not in html
    assert "You have not started a course yet." in html


@pytest.mark.django_db
def test_dashboard_with_no_courses_invites_to_start(signed_in):
    response = signed_in.get("/en/dashboard/")
    assert response.status_code == 200
    assert "You have not started a course yet." in response.content.decode()


def test_a_new_learners_dashboard_leads_to_the_guide(signed_in, guide_course):
    html = signed_in.get("/kk/dashboard/").content.decode()
    assert f'href="{guide_course.url}" data-start-guide' in html


# -- couples ----------------------------------------------------------------------


@pytest.mark.django_db
def test_couple_flow(learner, partner, guide_course):
    me, them = logged_in(learner), logged_in(partner)

    response = me.post("/en/couple/invite/", {"iin": VALID_IINS[1]})
    assert response.status_code == 302
    page = me.get("/en/couple/").content.decode()
    assert "If this person has an account, they will see the invitation" in page
    assert "data-couple" not in page

    dashboard = them.get("/en/dashboard/").content.decode()
    invitation = Partnership.objects.get(inviter=learner)
    assert f'data-invitation="{invitation.pk}"' in dashboard
    assert learner.get_full_name() in dashboard

    assert them.post(f"/en/couple/{invitation.pk}/accept/").status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == PartnershipStatus.ACTIVE
    assert invitation.invitee == partner

    # Both see each other's guide progress, not yet ready.
    mine = complete_guide(learner, guide_course)
    for client, other in ((me, partner), (them, learner)):
        page = client.get("/en/couple/").content.decode()
        assert "data-couple" in page
        assert other.get_full_name() in page
        assert "data-both-ready" not in page

    # Ready to apply once the registry would say so: with the certificates.
    theirs = complete_guide(partner, guide_course)
    for client in (me, them):
        page = client.get("/en/couple/").content.decode()
        assert "data-both-ready" not in page and "data-preparing" in page
    for completion in (mine, theirs):
        create_certificate(completion)
    for client in (me, them):
        page = client.get("/en/dashboard/").content.decode()
        assert "data-both-ready" in page
        assert "you are both ready to apply" in page
        # The dashboard leads to the couple's page, where unlinking is.
        assert '<a href="/en/couple/" data-couple-manage>' in page
        assert "data-couple-manage" not in client.get("/en/couple/").content.decode()

    assert them.post("/en/couple/unlink/").status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == PartnershipStatus.ENDED
    assert "data-couple" not in me.get("/en/couple/").content.decode()


@pytest.mark.django_db
def test_partner_sees_only_the_guide(learner, partner, guide_course, course_index):
    from courses.factories import CoursePageFactory, VideoFactory, make_lesson

    parents = CoursePageFactory(parent=course_index, kind="parents", title="Құпия курс")
    make_lesson(parents, videos=[VideoFactory()])
    Enrollment.objects.create(user=learner, course=parents, language="kk")
    complete_guide(learner, parents)
    services.invite_partner(learner, VALID_IINS[1])
    services.accept_invitation(partner, Partnership.objects.get().pk)
    page = logged_in(partner).get("/en/couple/").content.decode()
    assert "Құпия курс" not in page
    assert "Neither of you has completed the mandatory guide yet." in page


@pytest.mark.django_db
def test_invitation_does_not_reveal_whether_an_account_exists(learner, partner):
    me = logged_in(learner)
    with_account = me.post("/en/couple/invite/", {"iin": VALID_IINS[1]}, follow=True)
    without_account = me.post("/en/couple/invite/", {"iin": THIRD_IIN}, follow=True)
    assert with_account.status_code == without_account.status_code == 200
    strip = (
        [str(m) for m in with_account.context["messages"]],
        [str(m) for m in without_account.context["messages"]],
    )
    assert strip[0] == strip[1]
    # The later invitation replaced the earlier one.
    assert Partnership.objects.filter(status=PartnershipStatus.PENDING).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_sender_sees_whom_they_invited_and_that_a_new_one_replaces_it(
    learner, language
):
    me = logged_in(learner)
    me.post(f"/{language}/couple/invite/", {"iin": VALID_IINS[1]})
    me.post(f"/{language}/couple/invite/", {"iin": THIRD_IIN})

    page = unescape(me.get(f"/{language}/couple/").content.decode())

    (block,) = re.findall(r"<div class=\"notice\" data-outgoing>.*?</div>", page, re.S)
    assert mask_iin(THIRD_IIN) in block and mask_iin(VALID_IINS[1]) not in block
    assert THIRD_IIN not in page
    with translation.override(language):
        date = formats.date_format(timezone.localdate(), "SHORT_DATE_FORMAT")
    said = tr(
        "On %(date)s you invited the holder of IIN %(iin)s. If this person has an "
        "account, they will see the invitation when they sign in.",
        language,
    ) % {"date": date, "iin": mask_iin(THIRD_IIN)}
    assert said in " ".join(block.split())
    assert tr("Sending a new invitation withdraws this one.", language) in block


@pytest.mark.django_db
def test_an_invitation_waits_for_an_account_made_later(learner):
    services.invite_partner(learner, THIRD_IIN)
    newcomer = UserFactory(iin=THIRD_IIN, first_name="Асқар")
    dashboard = logged_in(newcomer).get("/en/dashboard/").content.decode()
    assert "invites you to link your accounts" in dashboard


@pytest.mark.django_db
@pytest.mark.parametrize("iin", ["123", "791028302729", "abcdefghijkl", ""])
def test_invalid_iin_is_a_form_error(learner, iin):
    response = logged_in(learner).post("/en/couple/invite/", {"iin": iin})
    assert response.status_code == 400
    assert response.context["form"].errors["iin"]
    assert not Partnership.objects.exists()
    # The language switcher leads to the couple page, not to the POST-only form.
    html = response.content.decode()
    assert 'href="/ru/couple/"' in html and 'href="/kk/couple/"' in html
    assert "/ru/couple/invite/" not in html
    assert '<label for="id_iin">Your partner&#x27;s IIN</label>' in html


@pytest.mark.django_db
def test_cannot_invite_yourself(learner):
    response = logged_in(learner).post("/en/couple/invite/", {"iin": VALID_IINS[0]})
    assert response.status_code == 400
    assert "You cannot invite yourself." in response.content.decode()
    assert not Partnership.objects.exists()


@pytest.mark.django_db
def test_one_active_partnership_per_person(learner, partner):
    third = UserFactory(iin=THIRD_IIN)
    services.invite_partner(learner, VALID_IINS[1])
    services.invite_partner(third, VALID_IINS[1])
    first, second = Partnership.objects.order_by("pk")
    services.accept_invitation(partner, first.pk)
    with pytest.raises(services.Invalid):
        services.accept_invitation(partner, second.pk)
    with pytest.raises(services.Invalid):
        services.invite_partner(partner, THIRD_IIN)
    response = logged_in(partner).post(f"/en/couple/{second.pk}/accept/", follow=True)
    assert "already linked" in response.content.decode()
    assert Partnership.objects.filter(status=PartnershipStatus.ACTIVE).count() == 1


@pytest.mark.django_db
def test_only_the_invited_person_can_answer(learner, partner):
    stranger = UserFactory(iin=THIRD_IIN)
    services.invite_partner(learner, VALID_IINS[1])
    invitation = Partnership.objects.get()
    for client in (logged_in(stranger), logged_in(learner)):
        client.post(f"/en/couple/{invitation.pk}/accept/")
        client.post(f"/en/couple/{invitation.pk}/decline/")
    invitation.refresh_from_db()
    assert invitation.status == PartnershipStatus.PENDING

    logged_in(partner).post(f"/en/couple/{invitation.pk}/decline/")
    invitation.refresh_from_db()
    assert invitation.status == PartnershipStatus.DECLINED


@pytest.mark.django_db
def test_couple_forms_need_csrf(learner):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(learner)
    assert browser.post("/en/couple/invite/", {"iin": THIRD_IIN}).status_code == 403
    assert not Partnership.objects.exists()


@pytest.mark.django_db
def test_couple_actions_are_post_only(learner):
    assert logged_in(learner).get("/en/couple/unlink/").status_code == 405


@pytest.mark.django_db
def test_each_partner_sees_the_others_guide_progress_and_the_inviter_can_unlink(
    learner, partner, guide_course
):
    import re

    services.invite_partner(learner, VALID_IINS[1])
    services.accept_invitation(partner, Partnership.objects.get().pk)
    first = guide_course.lessons()[0]
    LessonCompletion.objects.create(user=learner, lesson=first, course=guide_course)
    Enrollment.objects.create(user=learner, course=guide_course, language="kk")

    def partner_progress(client):
        page = client.get("/en/couple/").content.decode()
        (block,) = re.findall(r"<dd data-partner-progress>(.*?)</dd>", page, re.S)
        (value,) = re.findall(r'<progress max="100" value="(\d+)"', block)
        return int(value), " ".join(block.split())

    value, text = partner_progress(logged_in(partner))
    assert value == 33
    assert "Lessons completed: 1 of 3" in text
    value, text = partner_progress(logged_in(learner))
    assert value == 0
    assert "Lessons completed: 0 of 3" in text

    me = logged_in(learner)
    page = me.get("/en/couple/").content.decode()
    # Unlinking takes a second, explicit step.
    (confirm,) = re.findall(r'<details class="confirm">(.*?)</details>', page, re.S)
    assert 'action="/en/couple/unlink/"' in confirm and "Yes, unlink" in confirm
    assert me.post("/en/couple/unlink/").status_code == 302
    assert Partnership.objects.get().status == PartnershipStatus.ENDED
    for user in (learner, partner):
        page = logged_in(user).get("/en/couple/").content.decode()
        assert "data-couple" not in page and "data-partner-progress" not in page


@pytest.mark.django_db
def test_learner_states_a_region_on_the_dashboard(signed_in, learner):
    page = signed_in.get("/ru/dashboard/").content.decode()
    assert 'name="region"' in page and "Не указан" in page
    # Labels without a colon, as on every other form of the site.
    assert '<label for="id_region">Регион</label>' in page

    saved = signed_in.post("/ru/dashboard/region/", {"region": "karaganda"})
    assert saved.status_code == 302
    learner.refresh_from_db()
    assert learner.region == "karaganda"
    page = signed_in.get(saved["Location"]).content.decode()
    assert "Ваш регион сохранён." in page
    assert '<option value="karaganda" selected>' in page

    signed_in.post("/ru/dashboard/region/", {"region": ""})
    learner.refresh_from_db()
    assert learner.region == ""


@pytest.mark.django_db
def test_an_unknown_region_changes_nothing(signed_in, learner):
    signed_in.post("/kk/dashboard/region/", {"region": "astana"})
    response = signed_in.post("/kk/dashboard/region/", {"region": "atlantis"})
    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.region == "astana"
    assert (
        "Тізімнен өңірді таңдаңыз." in signed_in.get("/kk/dashboard/").content.decode()
    )


@pytest.mark.django_db
def test_region_needs_a_signed_in_post(client, signed_in):
    assert (
        Client().post("/kk/dashboard/region/", {"region": "astana"}).status_code == 302
    )
    assert signed_in.get("/kk/dashboard/region/").status_code == 405


@pytest.mark.django_db
def test_the_home_page_leads_each_learner_on_with_the_guide(
    client, home_page, guide_course, learner
):
    def hero():
        html = client.get("/kk/").content.decode()
        (state,) = re.findall(r'data-guide-state="(\w+)"', html)
        return state

    assert hero() == "new"
    # Sign-up in the page's language, also when no script remembers it.
    html = client.get("/ru/").content.decode()
    assert 'class="button" href="/accounts/signup/?lang=ru"' in html
    client.force_login(learner)
    assert hero() == "new"
    Enrollment.objects.create(user=learner, course=guide_course, language="kk")
    assert hero() == "started"
    CourseCompletion.objects.create(user=learner, course=guide_course, language="kk")
    assert hero() == "completed"
    assert (
        'href="/kk/dashboard/" data-guide-state="completed"'
        in client.get("/kk/").content.decode()
    )


def linked(learner, partner):
    services.invite_partner(learner, VALID_IINS[1])
    return services.accept_invitation(partner, Partnership.objects.get().pk)


@pytest.mark.django_db
def test_a_revoked_certificate_takes_the_couples_readiness_away(
    learner, partner, guide_course
):
    """Ready to apply is what the registry's guide-status answers: a valid
    certificate of the guide, not a completion whose certificate was revoked."""
    linked(learner, partner)
    for person in (learner, partner):
        create_certificate(complete_guide(person, guide_course))
    me, them = logged_in(learner), logged_in(partner)
    assert "data-both-ready" in me.get("/en/couple/").content.decode()

    (certificate,) = Certificate.objects.filter(user=partner)
    revoke_certificate(certificate, "Issued by mistake", None)

    mine = me.get("/en/couple/").content.decode()
    assert "data-both-ready" not in mine
    assert "Your partner's certificate of the guide was revoked" in mine
    (block,) = re.findall(r"<dd data-partner-progress>(.*?)</dd>", mine, re.S)
    assert 'data-standing="revoked"' in block
    theirs = them.get("/ru/couple/").content.decode()
    assert "data-both-ready" not in theirs and "data-revoked" in theirs
    assert (
        tr(
            "Your certificate of the guide was revoked: the marriage registration "
            "service no longer accepts it. See “My learning” for what to do.",
            "ru",
        )
        in theirs
    )

    dashboard = them.get("/en/dashboard/").content.decode()
    assert "data-revoked" in dashboard
    # Not sent to "My learning" from "My learning" itself.
    assert "Your certificate of the guide was revoked" in dashboard
    assert "See “My learning”" not in dashboard
    assert "is no longer valid: the marriage registration service" in dashboard
    assert "there is nothing to print or send" not in dashboard
    course_page = them.get(guide_course.url.replace("/kk/", "/en/", 1))
    html = course_page.content.decode()
    assert "data-certificate-revoked" in html
    assert "data-certificate hidden" not in html  # no offer to download it


@pytest.mark.django_db
def test_an_invitation_waiting_while_linked_cannot_be_accepted(learner, partner):
    third = UserFactory(iin=THIRD_IIN, first_name="Айгүл")
    linked(learner, partner)
    services.invite_partner(third, VALID_IINS[0])
    for page in ("/en/dashboard/", "/en/couple/"):
        html = logged_in(learner).get(page).content.decode()
        (invitation,) = re.findall(
            r'<div class="notice notice--warning invitation"(.*?)</div>', html, re.S
        )
        assert "Айгүл" in invitation and "unlink first" in invitation
        assert "/accept/" not in invitation and "/decline/" in invitation


@pytest.mark.django_db
def test_a_declined_invitation_looks_pending_to_its_sender(learner, partner):
    """Telling the sender of a decline would tell them the IIN has an account."""
    me = logged_in(learner)
    me.post("/en/couple/invite/", {"iin": VALID_IINS[1]})
    invitation = Partnership.objects.get()
    waiting = me.get("/en/couple/").content.decode()
    services.decline_invitation(partner, invitation.pk)

    def outgoing(page):
        (block,) = re.findall(
            r"<div class=\"notice\" data-outgoing>.*?</div>", page, re.S
        )
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", block)

    assert outgoing(me.get("/en/couple/").content.decode()) == outgoing(waiting)
    (link,) = services.learning_record(learner)["couple_links"]
    assert link["status"] == "pending" and link["answered_at"] is None
    assert link["partner"] is None
    (theirs,) = services.learning_record(partner)["couple_links"]
    assert theirs["status"] == "declined"

    # The sender can withdraw it, or send another, as if it were pending.
    assert me.post(f"/en/couple/{invitation.pk}/cancel/").status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == PartnershipStatus.CANCELLED
    assert "data-outgoing" not in me.get("/en/couple/").content.decode()
    (link,) = services.learning_record(learner)["couple_links"]
    assert (link["status"], link["partner"], link["answered_at"]) == (
        "cancelled",
        None,
        None,
    )
    (theirs,) = services.learning_record(partner)["couple_links"]
    assert theirs["partner"] == learner.get_full_name()
    # To the one who declined it, it stays declined, withdrawn or not.
    assert theirs["status"] == "declined" and theirs["answered_at"]


@pytest.mark.django_db
def test_an_invitation_sent_from_a_page_open_before_linking_says_why_not(
    learner, partner
):
    linked(learner, partner)
    response = logged_in(learner).post("/en/couple/invite/", {"iin": THIRD_IIN})
    assert response.status_code == 400
    assert "You are already linked with a partner; unlink first." in (
        response.content.decode()
    )


@pytest.mark.django_db
def test_accepting_each_others_invitations_links_the_two_once(learner, partner):
    mine = services.invite_partner(learner, VALID_IINS[1])
    theirs = services.invite_partner(partner, VALID_IINS[0])
    services.accept_invitation(learner, theirs.pk)
    # The second acceptance finds them linked already: no error.
    response = logged_in(partner).post(f"/en/couple/{mine.pk}/accept/", follow=True)
    html = response.content.decode()
    assert "You are now linked" in html and "No such invitation" not in html
    assert Partnership.objects.filter(status=PartnershipStatus.ACTIVE).count() == 1
    with pytest.raises(services.NotFound):
        services.accept_invitation(UserFactory(iin=THIRD_IIN), mine.pk)


@pytest.mark.django_db
def test_the_dashboard_resumes_where_the_learner_watched_last(
    signed_in, clock, guide_course, learner
):
    """A learner who opened the third lesson first is led back there."""
    first, _second, third = guide_course.lessons()
    player = Player(signed_in, first, first.videos()[0])
    player.beat(0)
    clock.tick(3)
    player.beat(3, state="paused")
    clock.tick(60)
    player = Player(signed_in, third, third.videos()[0])
    player.beat(0)
    clock.tick(8)
    player.beat(8, state="paused")

    html = signed_in.get("/en/dashboard/").content.decode()
    (resume,) = re.findall(
        r'<a class="button button--primary" data-resume href="([^"]+)"', html
    )
    assert resume == third.url.replace("/kk/", "/en/", 1) or resume == third.url
    assert "from 0:08" in html


@pytest.mark.django_db
def test_a_video_left_in_its_first_second_is_started_not_resumed(
    signed_in, clock, guide_course
):
    first = guide_course.lessons()[0]
    player = Player(signed_in, first, first.videos()[0])
    player.beat(0)
    clock.tick(0.4)
    player.beat(0.4, state="paused")

    html = signed_in.get("/en/dashboard/").content.decode()
    assert "from 0:00" not in html
    assert "data-resume" in html and "Start:" in " ".join(html.split())


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_partner_left_behind_is_told_the_link_ended(
    learner, partner, guide_course, language
):
    from html import unescape

    from lms import account_closure

    services.invite_partner(learner, VALID_IINS[1])
    services.accept_invitation(partner, Partnership.objects.get().pk)
    services.unlink_partner(partner)

    page = unescape(logged_in(learner).get(f"/{language}/couple/").content.decode())
    (notice,) = re.findall(r"<div[^>]*data-ended-link>(.*?)</div>", page, re.S)
    said = tr(
        "Your link with %(name)s ended on %(date)s: you no longer see each "
        "other's progress.",
        language,
    )
    assert said.split("%(name)s")[0] in notice
    assert partner.get_full_name() in notice

    # Linked again, then the partner closes the account: said so, without a name.
    link = Partnership.objects.get()
    link.ended_at = link.ended_at.replace(year=link.ended_at.year - 1)
    link.save()
    services.invite_partner(learner, VALID_IINS[1])
    services.accept_invitation(partner, Partnership.objects.latest("pk").pk)
    account_closure.close_account(partner)
    page = unescape(logged_in(learner).get(f"/{language}/couple/").content.decode())
    (notice,) = re.findall(r"<div[^>]*data-ended-link>(.*?)</div>", page, re.S)
    closed = tr(
        "Your partner closed their account, so your link ended on %(date)s.", language
    )
    assert closed.split("%(date)s")[0] in notice

    # A new invitation since: the page is about that instead.
    services.invite_partner(learner, THIRD_IIN)
    page = logged_in(learner).get(f"/{language}/couple/").content.decode()
    assert "data-ended-link" not in page


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["kk", "ru"])
def test_a_new_invitation_from_the_same_partner_replaces_the_ended_link_notice(
    learner, partner, language
):
    """Not "your link ended, you can send a new invitation" beside the invitation
    the same person has just sent."""
    services.invite_partner(learner, VALID_IINS[1])
    services.accept_invitation(partner, Partnership.objects.get().pk)
    services.unlink_partner(learner)
    someone = UserFactory(iin=THIRD_IIN)
    services.invite_partner(someone, VALID_IINS[0])
    page = logged_in(learner).get(f"/{language}/couple/").content.decode()
    # An invitation from someone else leaves the notice.
    assert "data-ended-link" in page

    invitation = services.invite_partner(partner, VALID_IINS[0])
    page = logged_in(learner).get(f"/{language}/couple/").content.decode()
    assert "data-ended-link" not in page
    assert f'data-invitation="{invitation.pk}"' in page

    # Declined, it no longer stands for the ended link either.
    services.decline_invitation(learner, invitation.pk)
    page = logged_in(learner).get(f"/{language}/couple/").content.decode()
    assert "data-ended-link" in page
