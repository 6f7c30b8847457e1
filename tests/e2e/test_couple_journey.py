"""A couple prepares together in Chromium: she invites him by IIN on her phone in
Kazakh, he accepts on his computer in Russian, each watches the guide and follows
the other's progress, both see that they are ready to apply, the registration
service finds both certificates by their IINs, and then she unlinks."""

from django.db import connection

import pytest
import requests
from playwright.sync_api import expect

from certificates.models import Certificate
from lms.factories import VALID_IINS, UserFactory
from registry.services import create_client
from tests.e2e.learning import complete_course
from tests.e2e.test_player import SCREENSHOTS, guide, sign_in
from tests.lms.i18n import tr

HER_IIN, HIS_IIN = VALID_IINS[0], VALID_IINS[2]


def guide_status(live_server, token: str, iins: list[str]) -> list[dict]:
    """What the registration service learns from ``guide-status``."""
    response = requests.post(
        f"{live_server.url}/api/v1/registry/guide-status",
        json={"iins": iins},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    return response.json()["results"]


def partner_progress(window):
    return window.locator("[data-partner-progress]")


@pytest.mark.e2e
@pytest.mark.slow
@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="the live server's request threads share one in-memory SQLite "
    "connection, and the player's overlapping heartbeats need real transactions",
)
def test_a_couple_links_completes_the_guide_and_is_ready_to_apply(
    page, desktop, live_server, demo_home, run_tasks
):
    course = guide(demo_home)
    her = UserFactory(first_name="Айгерім", last_name="Бекова", iin=HER_IIN)
    him = UserFactory(first_name="Ержан", last_name="Сейтқали", iin=HIS_IIN)
    _client, token = create_client("ХАЖ (e2e)", rate_limit=100)

    # She (phone, Kazakh) finds the couple's page from her dashboard.
    sign_in(page, live_server, her)
    page.goto(f"{live_server.url}/kk/dashboard/")
    page.get_by_role(
        "link",
        name=tr("Preparing to marry? Link your account with your partner's", "kk"),
    ).click()
    expect(page.locator("h1")).to_have_text(tr("Preparing together", "kk"))

    # A mistyped IIN, then her own, are refused with the form's message.
    iin_field = page.get_by_label(tr("Your partner's IIN", "kk"))
    send = page.get_by_role("button", name=tr("Send the invitation", "kk"))
    iin_field.fill(HIS_IIN[:-1] + str((int(HIS_IIN[-1]) + 1) % 10))
    send.click()
    expect(page.locator("form.card")).to_contain_text(
        tr("Enter a valid IIN: 12 digits with a correct check digit.", "kk")
    )
    page.get_by_label(tr("Your partner's IIN", "kk")).fill(HER_IIN)
    page.get_by_role("button", name=tr("Send the invitation", "kk")).click()
    expect(page.locator("form.card")).to_contain_text(
        tr("You cannot invite yourself.", "kk")
    )

    # His IIN, typed with spaces as printed on an ID card, is accepted.
    page.get_by_label(tr("Your partner's IIN", "kk")).fill(
        f"{HIS_IIN[:6]} {HIS_IIN[6:]}"
    )
    page.get_by_role("button", name=tr("Send the invitation", "kk")).click()
    expect(
        page.get_by_text(
            tr(
                "Invitation recorded. If this person has an account, they will see "
                "the invitation when they sign in.",
                "kk",
            )
        )
    ).to_be_visible()
    expect(page.locator("[data-outgoing]")).to_be_visible()
    assert HIS_IIN not in page.content()

    # He (desktop, Russian) sees the invitation on his dashboard and accepts it.
    window = desktop()
    sign_in(window, live_server, him)
    window.goto(f"{live_server.url}/ru/dashboard/")
    invitation = window.locator("[data-invitation]")
    expect(invitation).to_contain_text("Айгерім Бекова")
    invitation.get_by_role("button", name=tr("Accept", "ru")).click()
    linked = "You are now linked: you can follow each other's progress on the guide."
    expect(window.get_by_text(tr(linked, "ru"))).to_be_visible()
    expect(window.locator("[data-couple]")).to_contain_text(
        tr("Neither of you has completed the mandatory guide yet.", "ru")
    )
    expect(window.locator("[data-invitation]")).to_have_count(0)

    # She watches the whole guide in Kazakh; he sees it on his dashboard.
    complete_course(page, live_server, course, her, "kk")
    window.goto(f"{live_server.url}/ru/dashboard/")
    summary = window.locator("[data-couple]")
    expect(summary).to_contain_text(
        tr(
            "Your partner has completed the guide. Finish it too, and you will both be "
            "ready to apply.",
            "ru",
        )
    )
    expect(partner_progress(window).locator("progress")).to_have_attribute(
        "value", "100"
    )
    expect(partner_progress(window)).to_contain_text(tr("Completed", "ru"))
    assert not summary.locator("[data-both-ready]").count()

    # He watches it in Russian: the guide counts once, whatever its language.
    complete_course(window, live_server, course, him, "ru")
    run_tasks()
    window.goto(f"{live_server.url}/ru/dashboard/")
    expect(window.locator("[data-both-ready]")).to_have_text(
        tr(
            "You have both completed the mandatory guide: you are both ready to apply "
            "for marriage registration.",
            "ru",
        )
    )
    page.goto(f"{live_server.url}/kk/dashboard/")
    expect(page.locator("[data-both-ready]")).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "couple-ready-phone.png"), full_page=True)
    window.screenshot(
        path=str(SCREENSHOTS / "couple-ready-desktop.png"), full_page=True
    )

    # The registration service asks about both of them and finds both certificates.
    hers = Certificate.objects.get(user=her, course=course)
    his = Certificate.objects.get(user=him, course=course)
    results = guide_status(live_server, token, [HER_IIN, HIS_IIN])
    assert [(r["completed"], r["certificate_number"]) for r in results] == [
        (True, hers.number),
        (True, his.number),
    ]
    assert [r["iin_masked"] for r in results] == [
        f"{HER_IIN[:2]}********{HER_IIN[-2:]}",
        f"{HIS_IIN[:2]}********{HIS_IIN[-2:]}",
    ]

    # She unlinks, after confirming; neither sees the other any more.
    page.get_by_role("link", name=tr("Unlink, or see the couple's page", "kk")).click()
    page.locator("[data-couple] ~ details summary").click()
    page.get_by_role("button", name=tr("Yes, unlink", "kk")).click()
    expect(page.get_by_text(tr("You are no longer linked.", "kk"))).to_be_visible()
    expect(page.locator("[data-couple]")).to_have_count(0)
    window.goto(f"{live_server.url}/ru/dashboard/")
    expect(window.locator("[data-couple]")).to_have_count(0)
    expect(
        window.get_by_role(
            "link",
            name=tr("Preparing to marry? Link your account with your partner's", "ru"),
        )
    ).to_be_visible()

    # Unlinking takes nothing away from what each of them completed.
    results = guide_status(live_server, token, [HER_IIN, HIS_IIN])
    assert [r["completed"] for r in results] == [True, True]
