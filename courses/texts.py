"""The words the course and lesson scripts show, in the page's language.

Pages hand them to the scripts as JSON data (``json_script``), never as inline
script: the site's Content-Security-Policy runs no script written into a page.
"""

from django.utils.translation import gettext as _


def course_script_text() -> dict[str, str]:
    return {
        "progress": _("Lessons completed: {done} of {total}"),
        "completed": _("You have completed this course."),
        "resume": _("Continue the course"),
        "review": _("Go through the course again"),
    }


def player_script_text() -> dict[str, str]:
    return {
        "watched": _("Watched"),
        "videoDone": _("Video watched"),
        "skipped": _(
            "Only the parts you play count: play the parts you skipped to "
            "complete the video."
        ),
        "tooFast": _("Playing faster than 2× is not counted."),
        "resume": _("Continuing from {time}"),
        # Heartbeats keep failing (no connection, a server error, too many
        # requests): shown under the video until they get through again.
        "notSaved": _(
            "Your progress is not being saved right now. Check your connection; "
            "the video keeps playing."
        ),
        # Reports have failed for so long that what plays on could not all be
        # counted: the video waits, and plays on once they get through again.
        "heldOffline": _(
            "No connection: the video has stopped so that all you watch is "
            "counted. It plays on by itself once the connection is back."
        ),
        "savedAgain": _("Your progress is being saved again."),
        # The session ended (signed out in another tab, or it expired); a link
        # "signInAgain" to the sign-in page follows.
        "signedOut": _(
            "You are no longer signed in, so your watching is not being counted."
        ),
        "signInAgain": _("Sign in again"),
        "videoError": _(
            "The video could not be loaded. Check your connection and try again."
        ),
        "retry": _("Try again"),
        # The video was replaced (a new upload) after this page was loaded: what
        # plays here is the old one, which is no longer counted.
        "videoReplaced": _(
            "This video has been updated since the page was opened. Reload the "
            "page to watch the new one; what you have watched is kept."
        ),
        "reload": _("Reload the page"),
        "lessonProgress": _("Done"),
        "lessonDone": _("Lesson completed"),
        "courseProgress": _("Lessons completed: {done} of {total}"),
        "courseDone": _("You have completed this course."),
        "quizScore": _("Your score"),
        "quizPassed": _("Passed."),
        "quizFailed": _("Not passed yet. Review the lesson and try again."),
        "quizFailedPassedBefore": _(
            "Not passed this time, but your earlier pass still counts."
        ),
        "quizUnanswered": _("Please answer every question."),
        # {numbers}: the questions' numbers, as "2, 3".
        "quizUnansweredWhich": _("Questions not answered: {numbers}."),
        "quizError": _(
            "Your answers could not be checked right now. Please try again later."
        ),
        "quizAlreadyPassed": _("You have already passed this quiz."),
        "quizAgain": _("Answer again"),
    }
