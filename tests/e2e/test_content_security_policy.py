"""The site's Content-Security-Policy in Chromium: it stops a script written into a
page, and the pages that editors and API users see still work under it. (Every
browser test's ``page`` also fails on any violation Chromium reports.)"""

from django.utils import translation

import pytest

from tests.e2e.test_player import guide, sign_in

pytestmark = pytest.mark.e2e


def test_the_policy_stops_a_script_written_into_a_page(browser, live_server, caplog):
    context = browser.new_context()
    page = context.new_page()
    refused = []
    page.on("console", lambda message: refused.append(message.text))
    page.goto(live_server.url + "/accounts/login/")

    # What an injected <script> or an event handler attribute would run.
    page.evaluate(
        """() => {
          const script = document.createElement("script");
          script.textContent = "window.injected = true";
          document.body.appendChild(script);
          const image = document.createElement("img");
          image.setAttribute("onerror", "window.injected = true");
          image.src = "/no-such-image.png";
          document.body.appendChild(image);
        }"""
    )
    injected = page.evaluate("window.injected === true")

    # The browser reports both to /csp-report/, which logs them.
    def reported() -> list[str]:
        return [r.getMessage() for r in caplog.records if r.name == "lms.views"]

    for _ in range(50):
        if len(reported()) >= 2:
            break
        page.wait_for_timeout(100)
    context.close()

    assert not injected
    assert any("Content Security Policy" in text for text in refused)
    assert any("script-src-elem refused inline" in text for text in reported())
    assert any("script-src-attr refused inline" in text for text in reported())


def test_an_editor_uses_the_userbar_on_a_lesson_under_the_policy(
    page, live_server, demo_home, django_user_model
):
    editor = django_user_model.objects.create_superuser(
        email="editor@example.kz", password="pass-word-123"
    )
    sign_in(page, live_server, editor)
    with translation.override("kk"):
        lesson = guide(demo_home).lessons()[0].get_url()
    page.goto(live_server.url + lesson)

    page.locator("wagtail-userbar").locator("button").first.click()
    edit = page.locator("wagtail-userbar").get_by_role("menuitem").first
    edit.wait_for(state="visible")
    page.wait_for_load_state("networkidle")


def test_the_api_docs_work_under_the_policy(page, live_server):
    page.goto(live_server.url + "/api/v1/docs")
    page.locator(".swagger-ui .opblock").first.wait_for(state="visible")
    assert page.locator(".swagger-ui .opblock").count() >= 5


def test_a_signed_in_learner_can_try_a_progress_call_in_the_api_docs(
    page, live_server, demo_home, learner
):
    """ "Try it out" sends the CSRF token the progress API asks of a session."""
    guide_lesson = guide(demo_home).lessons()[0]
    sign_in(page, live_server, learner)
    page.goto(live_server.url + "/api/v1/docs")
    operation = page.locator(".opblock-post", has_text="/open").first
    operation.locator(".opblock-summary").click()
    operation.get_by_role("button", name="Try it out").click()
    operation.locator('input[placeholder="lesson_id"]').fill(str(guide_lesson.pk))
    operation.get_by_role("button", name="Execute").click()
    status = operation.locator(".live-responses-table .response .response-col_status")
    status.wait_for(state="visible")
    assert status.inner_text().strip() == "200"  # was 403: no CSRF token sent
