"""The reports' tables on a phone and a laptop in a real Chromium: every figure
can be scrolled to, although the admin's content wrapper hides what overflows
it sideways."""

import datetime

import pytest

from lms.factories import UserFactory
from registry.models import RegistryCall, RegistryCallKind, RegistryClient
from tests.e2e.conftest import browser  # noqa: F401 - the browser test's fixture
from tests.reports.test_reports import TODAY, at, enrol

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
DAY = {"period_from": (TODAY - datetime.timedelta(days=1)).isoformat()}
DAY["period_to"] = TODAY.isoformat()


@pytest.fixture
def figures(live_server, guide_course):
    enrol(guide_course, "kk", at(TODAY, 9), at(TODAY, 18), region="astana")
    enrol(guide_course, "ru", at(TODAY, 10), region="karaganda")
    client = RegistryClient.objects.create(name="ХАЖ", token_hash="x" * 64)
    call = RegistryCall.objects.create(
        client=client,
        kind=RegistryCallKind.GUIDE_STATUS,
        http_status=200,
        result="2 of 2 completed",
    )
    RegistryCall.objects.filter(pk=call.pk).update(
        called_at=at(TODAY, 11), iin_hashes=["a" * 64, "b" * 64]
    )
    return guide_course


@pytest.mark.parametrize(
    ("slug", "width"),
    [
        ("learners", 390),
        ("drop-off", 390),
        ("registry-calls", 390),
        ("registry-calls", 1024),
    ],
)
def test_every_figure_can_be_scrolled_into_view(
    browser,  # noqa: F811 - the fixture imported above
    live_server,
    figures,
    slug,
    width,
    tmp_path,
):
    from tests.e2e.test_reports_journey import sign_in

    administrator = UserFactory(is_staff=True, is_superuser=True)
    context = browser.new_context(viewport={"width": width, "height": 844})
    page = context.new_page()
    try:
        sign_in(page, live_server, administrator)
        query = "&".join(f"{name}={value}" for name, value in DAY.items())
        page.goto(f"{live_server.url}/admin/figures/{slug}/?{query}")
        region = page.locator("#listing-results [data-report-table]")
        last = region.locator("tbody tr").first.locator("td").last
        if width == 390 and slug != "drop-off":  # wider than the phone
            assert region.evaluate("box => box.scrollWidth > box.clientWidth")
        assert region.get_attribute("role") == "region"
        assert region.get_attribute("aria-label")

        last.scroll_into_view_if_needed()
        box = last.bounding_box()
        assert last.is_visible() and box["width"] > 0
        page.screenshot(path=str(tmp_path / f"{slug}-{width}.png"))
        # Within the window, give or take a fraction of a pixel of rounding.
        assert 0 <= box["x"] and box["x"] + box["width"] <= width + 1
        visible = region.evaluate(
            """box => {
                const cell = box.querySelector("tbody tr td:last-child");
                const [outer, inner] = [box, cell].map(e => e.getBoundingClientRect());
                return inner.left >= outer.left - 1 && inner.right <= outer.right + 1;
            }"""
        )
        assert visible, "the last column is still cut off by its region"

        # The keyboard reaches the region and scrolls it too.
        region.evaluate("box => { box.scrollLeft = 0; }")
        region.focus()
        page.keyboard.press("ArrowRight")
        if width == 390 and slug != "drop-off":
            # The browser may scroll smoothly: wait for it to move.
            page.wait_for_function(
                "box => box.scrollLeft > 0", arg=region.element_handle(), timeout=3_000
            )
    finally:
        context.close()
