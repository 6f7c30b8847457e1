"""What a learner does in the browser, shared by the journey tests: play a
lesson's videos to their end and answer its quiz."""

from django.utils import translation

from progress.models import VideoProgress


def videos_done(learner, lesson) -> bool:
    done = VideoProgress.objects.filter(
        user=learner, video_id__in=lesson.video_ids(), completed_at__isnull=False
    ).count()
    return done == len(lesson.video_ids())


def watch_lesson(page, live_server, lesson, learner, language: str = "kk"):
    """Open the lesson in ``language``, play every video to its end at 2× and wait
    for the server to count it."""
    with translation.override(language):
        page.goto(live_server.url + lesson.get_url())
    videos = page.locator("video")
    for index in range(videos.count()):
        page.wait_for_function(
            f"() => document.querySelectorAll('video')[{index}].readyState >= 1",
            timeout=15_000,
        )
        page.evaluate(
            f"""(() => {{
                const v = document.querySelectorAll('video')[{index}];
                v.muted = true;
                v.playbackRate = 2;
                return v.play();
            }})()"""
        )
        page.wait_for_function(
            f"() => document.querySelectorAll('video')[{index}].ended", timeout=30_000
        )
    page.wait_for_load_state("networkidle")
    for _ in range(40):
        if videos_done(learner, lesson):
            return
        page.wait_for_timeout(250)
    raise AssertionError(f"the videos of {lesson} were not counted")


def pass_quiz(page, quiz):
    """Choose the right answer to every question of the lesson's quiz, submit, and
    wait for the result."""
    form = page.locator("[data-quiz-form]")
    for question in quiz.questions:
        form.locator(f"input[name='{question.id}'][value='{question.correct}']").check()
    form.locator("button[type=submit]").click()
    page.wait_for_function(
        "() => document.querySelector('[data-quiz-result]').textContent.length > 0"
    )
    page.wait_for_load_state("networkidle")


def complete_course(page, live_server, course, learner, language: str = "kk"):
    """Watch every lesson of the course in ``language`` and pass its quizzes."""
    for lesson in course.lessons():
        watch_lesson(page, live_server, lesson, learner, language)
        quiz = lesson.quiz(language)
        if quiz is not None:
            pass_quiz(page, quiz)
