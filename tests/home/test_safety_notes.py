"""Notes that say what the site cannot do for the reader: the quick exit leaves
the browser's history behind, and without JavaScript the quiz is not checked and
watching is not counted."""

import html as html_lib
import re

from django.utils import translation

import pytest

from tests.lms.i18n import tr

pytestmark = pytest.mark.django_db

HISTORY_NOTE = (
    "The quick exit button leaves this site at once, but your browser's history "
    "still lists the pages you visited here. To leave no trace, use a private "
    "(incognito) window, or clear your browsing history afterwards."
)
QUIZ_NOSCRIPT = (
    "Turn on JavaScript in your browser to answer the questions: the answers are "
    "checked on the server by the page's script."
)
PLAYER_NOSCRIPT = (
    "Turn on JavaScript in your browser: without it, your watching is not counted."
)


def page_text(response) -> str:
    return html_lib.unescape(response.content.decode())


def noscript_blocks(text: str) -> list[str]:
    return re.findall(r"<noscript>(.*?)</noscript>", text, flags=re.S)


# --- The help page ------------------------------------------------------------


def test_help_page_says_that_history_keeps_the_pages(client, help_page):
    response = client.get("/en/help/")
    assert response.status_code == 200
    text = page_text(response)
    assert HISTORY_NOTE in text
    # Always shown, not only to scripts, and near the helplines: before the
    # centres' search.
    assert HISTORY_NOTE not in "".join(noscript_blocks(text))
    assert text.index(HISTORY_NOTE) < text.index('id="centres-heading"')
    assert text.index('class="helpline-cards"') < text.index(HISTORY_NOTE)


@pytest.mark.parametrize(
    "language,url", [("kk", "/kk/komek/"), ("ru", "/ru/pomoshch/")]
)
def test_help_page_history_note_is_translated(client, help_page, language, url):
    assert tr(HISTORY_NOTE, language) in page_text(client.get(url))


# --- The lesson page without JavaScript ---------------------------------------


@pytest.fixture
def quiz_lesson(guide_course):
    lesson = guide_course.lessons()[2]
    assert lesson.quiz("kk") is not None and lesson.video_ids()
    return lesson


def lesson_url(lesson, language: str) -> str:
    with translation.override(language):
        return lesson.get_url()


def test_lesson_page_tells_learners_without_javascript(client, learner, quiz_lesson):
    client.force_login(learner)
    text = page_text(client.get(lesson_url(quiz_lesson, "en")))
    hidden_from_scripts = "".join(noscript_blocks(text))
    assert QUIZ_NOSCRIPT in hidden_from_scripts
    assert PLAYER_NOSCRIPT in hidden_from_scripts
    # The quiz's button, useless without the script, waits for it to show it.
    quiz_form = text.split("data-quiz-form")[1].split("</form>")[0]
    button = re.search(r"<button [^>]*type=\"submit\"[^>]*>", quiz_form).group(0)
    assert re.search(r"\shidden(\s|>|=)", button)
    # Its result takes the focus once the answers are checked.
    result = re.search(r"<p [^>]*data-quiz-result[^>]*>", quiz_form).group(0)
    assert 'tabindex="-1"' in result


def test_visitors_see_no_promise_about_counting(client, quiz_lesson):
    """Watching is counted for signed-in learners only: visitors are asked to sign
    in instead, and the quiz tells them why it cannot be answered."""
    text = page_text(client.get(lesson_url(quiz_lesson, "en")))
    assert "data-sign-in-prompt" in text
    assert PLAYER_NOSCRIPT not in text
    assert QUIZ_NOSCRIPT in "".join(noscript_blocks(text))


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_lesson_page_notices_are_translated(client, learner, quiz_lesson, language):
    client.force_login(learner)
    text = page_text(client.get(lesson_url(quiz_lesson, language)))
    hidden_from_scripts = "".join(noscript_blocks(text))
    assert tr(QUIZ_NOSCRIPT, language) in hidden_from_scripts
    assert tr(PLAYER_NOSCRIPT, language) in hidden_from_scripts
