"""Test data for courses, lessons and videos."""

import factory
import wagtail_factories

from courses.models import (
    CourseIndexPage,
    CourseKind,
    CoursePage,
    LessonPage,
    Video,
    VideoCaption,
    VideoStatus,
)


class VideoFactory(factory.django.DjangoModelFactory):
    """A ready local video of 10 seconds."""

    class Meta:
        model = Video

    title = factory.Sequence(lambda n: f"Бейне {n}")
    duration = 10.0
    status = VideoStatus.READY
    file = factory.django.FileField(
        filename="clip.mp4", data=b"\x00\x00\x00\x18ftypmp42" + bytes(8)
    )


class VideoCaptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VideoCaption

    video = factory.SubFactory(VideoFactory)
    language = "kk"
    file = factory.django.FileField(
        filename="captions.vtt",
        data="WEBVTT\n\n00:00.000 --> 00:02.000\nСәлем\n".encode(),
    )


class CourseIndexPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = CourseIndexPage

    title = "Курстар"


class CoursePageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = CoursePage

    title = factory.Sequence(lambda n: f"Курс {n}")
    kind = CourseKind.GUIDE
    summary = "Қысқаша мазмұны"


def quiz_block(questions: int = 3, pass_mark: int = 70) -> dict:
    """A raw quiz block value whose first choice is always the correct one."""
    return {
        "type": "quiz",
        "value": {
            "heading": "Тест",
            "pass_mark": pass_mark,
            "questions": [
                {
                    "text": f"Сұрақ {i + 1}",
                    "choices": [
                        {"text": "Дұрыс", "correct": True},
                        {"text": "Қате", "correct": False},
                    ],
                }
                for i in range(questions)
            ],
        },
    }


class LessonPageFactory(wagtail_factories.PageFactory):
    """A lesson; pass ``body=[...]`` raw stream data or use ``make_lesson``."""

    class Meta:
        model = LessonPage

    title = factory.Sequence(lambda n: f"Сабақ {n}")


def make_lesson(course: CoursePage, videos=(), quiz: dict | None = None, **kwargs):
    """A live lesson under ``course`` with the given videos and optional quiz block."""
    body = [{"type": "video", "value": {"video": video.pk}} for video in videos]
    if quiz:
        body.append(quiz)
    lesson = LessonPageFactory(parent=course, **kwargs)
    lesson.body_kk = body
    lesson.save()
    return lesson
