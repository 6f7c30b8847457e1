"""Verifying a certificate in a real browser: type the number, read the answer."""

import pytest

from certificates import services
from progress.models import CourseCompletion

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
]


def test_someone_types_a_number_and_sees_it_is_valid(
    tree_root,
    live_server,
    page,
    learner,
    guide_course,
    tmp_path,
):
    guide_course.title_ru = "Счастливая казахстанская семья"
    guide_course.save()
    completion = CourseCompletion.objects.create(
        user=learner, course=guide_course, language="kk"
    )
    certificate = services.issue_certificate(completion)

    page.goto(f"{live_server.url}/certificates/verify/?lang=ru")
    page.fill(
        ".cert-form input[name=number]", certificate.number.lower().replace("-", " ")
    )
    page.click(".cert-form button[type=submit]")
    page.wait_for_url(lambda url: f"/certificates/verify/{certificate.number}/" in url)
    page.screenshot(path=str(tmp_path / "valid.png"), full_page=True)

    status = page.locator(".cert-status")
    assert "valid" in status.get_attribute("class")
    details = page.locator(".cert-details").inner_text()
    assert "А*** Б***" in details
    assert "Счастливая казахстанская семья" in details
    assert "Бекова" not in page.content()

    page.fill(".cert-form input[name=number]", "BKO-1234")
    with page.expect_navigation():
        page.click(".cert-form button[type=submit]")
    assert page.locator(".cert-form__error").is_visible()

    # An IIN typed by mistake is refused and kept out of the address bar.
    page.fill(".cert-form input[name=number]", "791028302728")
    with page.expect_navigation():
        page.click(".cert-form button[type=submit]")
    assert page.locator("#cert-number-error").is_visible()
    assert "791028" not in page.url
    assert page.input_value(".cert-form input[name=number]") == ""
