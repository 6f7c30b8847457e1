"""Courses as Wagtail pages (CourseIndexPage → CoursePage → LessonPage) and the
video library (Video with per-language captions).

Structure that progress relies on — which videos a lesson has and what its quiz
asks — is read from the lesson body in the default language (kk); the other
languages' bodies carry the same videos and quiz in translation.
"""

import hashlib
import logging
from dataclasses import dataclass, field

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import connection, models, transaction
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import (
    get_language,
    get_language_info,
    gettext,
    override,
)
from django.utils.translation import gettext_lazy as _

from wagtail.admin.forms import WagtailAdminModelForm, WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, HelpPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import AbstractGroupApprovalTask, Orderable, Page
from wagtail.search import index

from modelcluster.fields import ParentalKey
from modelcluster.forms import BaseChildFormSet
from modelcluster.models import ClusterableModel

from courses import captions, texts
from courses.blocks import LessonBodyBlock
from courses.media_duration import file_duration
from lms import data_saver
from lms.pages import TranslatedPage
from lms.storage import private_storage

logger = logging.getLogger(__name__)


class CourseKind(models.TextChoices):
    GUIDE = "guide", _("Mandatory guide «Бақытты қазақстандық отбасы»")
    COUPLES = "couples", _("Couples' academy")
    PARENTS = "parents", _("Parents' academy")


class CourseIndexPage(TranslatedPage):
    """Lists the courses."""

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]

    parent_page_types = ["home.HomePage"]
    subpage_types = ["courses.CoursePage"]
    max_count = 1

    class Meta:
        verbose_name = _("course index page")

    def courses(self) -> list["CoursePage"]:
        """Live courses in tree order."""
        return list(CoursePage.objects.child_of(self).live().order_by("path"))

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["courses"] = self.courses()
        return context


def lesson_video_problems(video_ids: list[int], *, guide: bool) -> list[str]:
    """Why a lesson showing these videos may not be live: every video it shows
    must be ready to play, with its duration known, or nobody could complete the
    lesson; in the mandatory guide it must also show at least one video, each
    captioned in every language."""
    if guide and not video_ids:
        return [
            str(
                _(
                    "It shows no video: each lesson of the mandatory guide shows "
                    "at least one."
                )
            )
        ]
    by_id = Video.objects.prefetch_related("captions").in_bulk(video_ids)
    videos = [by_id[i] for i in video_ids if i in by_id]
    return video_publish_problems(videos, captions=guide)


def guide_lesson_problems(video_ids: list[int]) -> list[str]:
    """Why a lesson showing these videos may not be live in the mandatory guide."""
    return lesson_video_problems(video_ids, guide=True)


# The key of the PostgreSQL advisory lock under which a guide is published.
GUIDE_LOCK = 7_401_001


def guide_course_problems(course: "CoursePage", kind: str) -> list[str]:
    """Why a course of this kind may not be live: the registration service asks
    about one mandatory guide, so only one is live at a time, and each of its live
    lessons keeps the guide's rule (its kind may have just been changed)."""
    if kind != CourseKind.GUIDE:
        return []
    problems = []
    other = CoursePage.objects.live().filter(kind=CourseKind.GUIDE)
    if course.pk:
        other = other.exclude(pk=course.pk)
    if other := other.order_by("path").first():
        problems.append(
            _(
                "«%(course)s» is the live mandatory guide, and the marriage "
                "registration service asks about one: unpublish it first."
            )
            % {"course": other.title}
        )
    if course.pk:
        for lesson in LessonPage.objects.child_of(course).live():
            for problem in guide_lesson_problems(lesson.video_ids()):
                problems.append(f"«{lesson.title}»: {problem}")
    return problems


class PublishingCheckForm(WagtailAdminPageForm):
    """Checks, when the editor publishes, submits for moderation or approves,
    what ``publish_problems`` of the page checks; drafts can always be saved."""

    refusal = ""

    def clean(self):
        cleaned_data = super().clean()
        if self._is_heading_for_publication():
            if problems := self.problems(cleaned_data):
                raise ValidationError([self.refusal, *problems])
        return cleaned_data

    def problems(self, cleaned_data) -> list[str]:
        raise NotImplementedError

    def _is_heading_for_publication(self) -> bool:
        data = self.data or {}
        if any(data.get(action) for action in PUBLISHING_ACTIONS):
            return True
        return bool(
            data.get("action-workflow-action")
            and data.get("workflow-action-name") == "approve"
        )


class CoursePageForm(PublishingCheckForm):
    refusal = _("This course cannot be published as the mandatory guide yet.")

    def problems(self, cleaned_data):
        return guide_course_problems(self.instance, cleaned_data.get("kind"))


class LessonPageForm(PublishingCheckForm):
    """A lesson needs ready videos; one of the mandatory guide, fully captioned."""

    refusal = _("This lesson cannot be published yet.")

    def problems(self, cleaned_data):
        parent = self.parent_page or (
            self.instance.get_parent() if self.instance.pk else None
        )
        course = parent.specific if parent else None
        if not isinstance(course, CoursePage):
            return []
        default = settings.MODELTRANSLATION_DEFAULT_LANGUAGE
        body = cleaned_data.get(f"body_{default}")
        return lesson_video_problems(
            list(dict.fromkeys(_video_ids_in(body))), guide=course.requires_captions
        )


class PublishingChecked:
    """Every way of publishing keeps the page's ``publish_problems``, not only the
    edit form: the admin's bulk action is stopped before it starts and a copy
    made live is taken down (``courses.wagtail_hooks``), a scheduled publication
    that would break the rule is called off, and anything else is refused."""

    def publish_problems(self) -> list[str]:
        raise NotImplementedError

    def publish(self, revision, *args, log_action=True, **kwargs):
        problems = revision.as_object().publish_problems()
        if not problems:
            return super().publish(revision, *args, log_action=log_action, **kwargs)
        if log_action == "wagtail.publish.scheduled":
            call_off_scheduled_publication(self, revision, problems)
            return None
        raise ValidationError([self.base_form_class.refusal, *problems])


def call_off_scheduled_publication(page, revision, problems) -> None:
    """Cancel the schedule, in the page's history too, and tell the revision's
    author and the page's owner, so that staff see why the page did not go
    live."""
    from wagtail.log_actions import log

    logger.warning(
        "Scheduled publication of page %s called off: %s",
        page.pk,
        " ".join(str(problem) for problem in problems),
    )
    from courses.mail import tell_publication_called_off

    go_live_at = revision.approved_go_live_at
    type(revision).objects.filter(pk=revision.pk).update(approved_go_live_at=None)
    # In every language, so that the history reads in each staff member's own.
    draft = revision.as_object()
    said = {}
    for code, _name in settings.LANGUAGES:
        with override(code):
            said[code] = [str(problem) for problem in draft.publish_problems()]
    log(
        instance=page,
        action="courses.publication_called_off",
        revision=revision,
        data={"problems": said},
    )
    tell_publication_called_off(page, revision, go_live_at, said)


class CoursePage(PublishingChecked, TranslatedPage):
    """A course: the mandatory guide or an academy course, with lessons as children."""

    kind = models.CharField(_("kind"), max_length=16, choices=CourseKind.choices)
    summary = models.TextField(_("summary"), blank=True)
    audience = models.CharField(_("audience"), max_length=255, blank=True)
    estimated_minutes = models.PositiveIntegerField(
        _("estimated duration, minutes"), default=10
    )
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("cover image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [
                FieldPanel("kind"),
                FieldPanel("audience"),
                FieldPanel("estimated_minutes"),
            ],
            heading=_("Course"),
        ),
        FieldPanel("summary"),
        FieldPanel("cover_image"),
        HelpPanel(
            content=format_lazy(
                "{} {}",
                _(
                    "Lessons are the pages under this course, in the order shown "
                    "in the page explorer. A lesson of the mandatory guide can be "
                    "published only when each of its videos is ready and has "
                    "captions in Kazakh, Russian and English."
                ),
                _(
                    "Only one course of the mandatory guide is live at a time, "
                    "and each of its lessons shows at least one video."
                ),
            ),
            heading=_("Lessons"),
        ),
    ]
    search_fields = Page.search_fields + [index.SearchField("summary")]

    parent_page_types = ["courses.CourseIndexPage"]
    subpage_types = ["courses.LessonPage"]
    base_form_class = CoursePageForm

    class Meta:
        verbose_name = _("course")

    def lessons(self) -> list["LessonPage"]:
        """Live lessons in tree order."""
        return list(LessonPage.objects.child_of(self).live().order_by("path"))

    def publish_problems(self) -> list[str]:
        """Why this course may not be published; empty when it may."""
        return guide_course_problems(self, self.kind)

    def publish(self, revision, *args, **kwargs):
        """Two guides published at the same moment each see no other live guide
        unless their checks take turns: a lock for the transaction, on
        PostgreSQL (SQLite runs one writing transaction at a time)."""
        if revision.as_object().kind != CourseKind.GUIDE:
            return super().publish(revision, *args, **kwargs)
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [GUIDE_LOCK])
            return super().publish(revision, *args, **kwargs)

    @property
    def requires_captions(self) -> bool:
        """Whether lessons with video need a ready video and captions in every
        language before they can be published (the mandatory guide)."""
        return self.kind == CourseKind.GUIDE

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["lessons"] = self.lessons()
        context["script_text"] = texts.course_script_text()
        if request.user.is_authenticated:
            from progress.services import course_summary

            # Drawn with the page, so that a weak connection shows no other state
            # first; the page's script draws it again when the browser shows the
            # page from its back-forward cache.
            summary = course_summary(request.user, self, context["lessons"])
            text = context["script_text"]
            context["summary"] = summary
            context["certificate"] = summary.certificate
            context["progress_text"] = (
                text["completed"]
                if summary.completed
                else text["progress"].format(
                    done=summary.lessons_completed, total=summary.lessons_total
                )
            )
            if summary.completed:
                context["next_text"] = text["review"]
            elif summary.resume_lesson and (
                summary.lessons_completed or summary.resume_at
            ):
                context["next_lesson"] = summary.resume_lesson
                context["next_text"] = text["resume"]
        return context


@dataclass(frozen=True)
class QuizChoice:
    id: str
    text: str


@dataclass(frozen=True)
class QuizQuestion:
    id: str
    text: str
    choices: list[QuizChoice]
    correct: str = field(repr=False)


@dataclass(frozen=True)
class Quiz:
    """A lesson's quiz in one language; ids are positions, the same in every
    language."""

    heading: str
    pass_mark: float  # 0..1
    questions: list[QuizQuestion]

    def score(self, correct: int) -> float:
        """The share of questions answered correctly, as answers report it."""
        return quiz_score(correct, len(self.questions))

    def passes(self, score: float) -> bool:
        return score + 1e-9 >= self.pass_mark


NO_PASS = 2.0  # a pass mark no score reaches


def quiz_score(correct: int, total: int) -> float:
    return round(correct / total, 4) if total else 0.0


def questions_needed(total: int, pass_mark_percent: int) -> int:
    """The fewest correct answers out of ``total`` that pass (``Quiz.passes``)."""
    quiz = Quiz(heading="", pass_mark=pass_mark_percent / 100, questions=[])
    return next(
        (k for k in range(total + 1) if quiz.passes(quiz_score(k, total))), total
    )


PUBLISHING_ACTIONS = (
    "action-publish",
    "action-submit",
    "action-restart-workflow",
)


def opened_by_the_learner(request) -> bool:
    """Did the learner open this page themselves, so that opening it may count
    (a lesson with only text to read is then complete)? Not when another site
    sent the browser here (the session cookie is ``SameSite=Lax``, so a link or a
    script there would otherwise complete lessons in the learner's name), nor for
    a prefetch nobody may ever look at. The page's script then counts the opening
    through the API's ``open`` call, which the CSRF check guards. Browsers that
    send no ``Sec-Fetch-Site`` are taken at their word."""
    headers = request.headers
    if headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
        return False
    purpose = " ".join(
        headers.get(name, "") for name in ("Sec-Purpose", "Purpose", "X-Purpose")
    )
    return "prefetch" not in purpose.lower()


def _video_ids_in(body) -> list[int]:
    """Video ids in a lesson body, in order, with repeats."""
    ids = []
    for block in body or []:
        if block.block_type == "video" and block.value["video"]:
            video = block.value["video"]
            ids.append(video if isinstance(video, int) else video.pk)
    return ids


def _quiz_shape(body) -> tuple | None:
    """What must agree between languages: pass mark, and per question the number
    of choices and the position of the correct one."""
    for block in body or []:
        if block.block_type == "quiz":
            value = block.value
            return (
                value["pass_mark"],
                tuple(
                    (
                        len(question["choices"]),
                        tuple(
                            i for i, c in enumerate(question["choices"]) if c["correct"]
                        ),
                    )
                    for question in value["questions"]
                ),
            )
    return None


def lesson_body_disagreements(bodies: dict[str, object]) -> list[str]:
    """Messages for each translated body whose videos or quiz differ from the
    Kazakh one. An empty translation falls back to Kazakh and is fine."""
    default = settings.MODELTRANSLATION_DEFAULT_LANGUAGE
    reference = bodies.get(default)
    # In the reader's language ("Ағылшын тесті"), not each language's own name.
    names = {
        code: get_language_info(code)["name_translated"]
        for code, _name in settings.LANGUAGES
    }
    messages = []
    for language, body in bodies.items():
        if language == default or not body:
            continue
        if _video_ids_in(body) != _video_ids_in(reference):
            messages.append(
                _(
                    "The %(language)s body must show the same videos in the same "
                    "order as the Kazakh body."
                )
                % {"language": names.get(language, language)}
            )
        if _quiz_shape(body) != _quiz_shape(reference):
            messages.append(
                _(
                    "The %(language)s quiz must match the Kazakh quiz: the same "
                    "pass mark, the same number of questions and choices, and the "
                    "correct answer in the same place."
                )
                % {"language": names.get(language, language)}
            )
    return messages


def video_publish_problems(videos: list["Video"], *, captions: bool) -> list[str]:
    """Why these videos keep a lesson from being published: each must be ready
    and, with ``captions``, have captions in every language."""
    problems = []
    languages = [code for code, _name in settings.LANGUAGES]
    for video in videos:
        if video.is_playable and not video.duration:
            problems.append(
                _("The video «%(video)s» has no duration: enter it on its page.")
                % {"video": video.title}
            )
        elif not video.is_ready:
            problems.append(
                _("The video «%(video)s» is not ready yet (status: %(status)s).")
                % {"video": video.title, "status": video.get_status_display()}
            )
        if not captions:
            continue
        have = {caption.language for caption in video.captions.all()}
        missing = [code for code in languages if code not in have]
        if missing:
            problems.append(
                _("The video «%(video)s» has no captions in: %(languages)s.")
                % {"video": video.title, "languages": language_names(missing)}
            )
    return problems


def language_names(codes: list[str]) -> str:
    """ "Russian, English", in the language of the page."""
    return ", ".join(str(get_language_info(code)["name_translated"]) for code in codes)


class LessonPage(PublishingChecked, TranslatedPage):
    """A lesson: videos, text and at most one quiz. The Kazakh body decides which
    videos and quiz count; the Russian and English bodies must agree with it."""

    summary = models.TextField(_("summary"), blank=True)
    body = StreamField(LessonBodyBlock(), verbose_name=_("body"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("summary"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("summary")]
    base_form_class = LessonPageForm

    parent_page_types = ["courses.CoursePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("lesson")

    def clean(self):
        super().clean()
        bodies = {
            code: getattr(self, f"body_{code}", None)
            for code in settings.MODELTRANSLATION_LANGUAGES
        }
        messages = lesson_body_disagreements(bodies)
        if messages:
            raise ValidationError(messages)

    def publish_problems(self) -> list[str]:
        """Why this lesson may not be published; empty when it may."""
        course = self.get_parent().specific if self.pk or self.path else None
        if not isinstance(course, CoursePage):
            return []
        return lesson_video_problems(self.video_ids(), guide=course.requires_captions)

    def course(self) -> CoursePage:
        return CoursePage.objects.get(path=self.path[: -self.steplen])

    def get_context(self, request, *args, **kwargs):
        from courses import services

        context = super().get_context(request, *args, **kwargs)
        course = self.course()
        lessons = course.lessons()
        ids = [lesson.pk for lesson in lessons]
        position = ids.index(self.pk) if self.pk in ids else None
        videos = list(
            Video.objects.filter(pk__in=self.video_ids()).prefetch_related("captions")
        )
        user = request.user if request.user.is_authenticated else None
        open_by_script = False
        if user is not None and not getattr(request, "is_preview", False):
            from progress import services as progress

            if opened_by_the_learner(request):
                try:
                    progress.open_lesson(user, self.pk, get_language())
                except progress.ProgressError:
                    pass  # a lesson of an unpublished course counts for nothing
            else:
                open_by_script = True
        context.update(
            course=course,
            lessons=lessons,
            lesson_number=position + 1 if position is not None else None,
            previous_lesson=lessons[position - 1] if position else None,
            next_lesson=(
                lessons[position + 1]
                if position is not None and position + 1 < len(lessons)
                else None
            ),
            players={
                video.pk: services.player_source(video, user=user, request=request)
                for video in videos
            },
            heartbeat_seconds=data_saver.heartbeat_seconds(request),
            script_text=texts.player_script_text(),
            open_by_script=open_by_script,
        )
        return context

    def _body_in(self, language: str | None):
        language = (language or settings.MODELTRANSLATION_DEFAULT_LANGUAGE).split("-")[
            0
        ]
        body = getattr(self, f"body_{language}", None)
        if not body:
            body = getattr(self, f"body_{settings.MODELTRANSLATION_DEFAULT_LANGUAGE}")
        return body

    def video_ids(self) -> list[int]:
        """Video ids in body order (default language), without repeats."""
        ids: list[int] = []
        for block in self._body_in(None):
            if block.block_type == "video":
                video_id = block.value["video"].pk if block.value["video"] else None
                if video_id and video_id not in ids:
                    ids.append(video_id)
        return ids

    def videos(self) -> list["Video"]:
        ids = self.video_ids()
        by_id = Video.objects.in_bulk(ids)
        return [by_id[i] for i in ids if i in by_id]

    def quiz(self, language: str | None = None) -> Quiz | None:
        """The quiz in ``language`` (default: the active one), correct answers
        from kk."""
        structure = self._quiz_value(None)
        if structure is None:
            return None
        text = self._quiz_value(language or get_language()) or structure
        questions = []
        for q_index, question in enumerate(structure["questions"]):
            translated = (
                text["questions"][q_index]
                if q_index < len(text["questions"])
                else question
            )
            choices = []
            correct = ""
            for c_index, choice in enumerate(question["choices"]):
                choice_text = (
                    translated["choices"][c_index]["text"]
                    if c_index < len(translated["choices"])
                    else choice["text"]
                )
                choices.append(QuizChoice(id=str(c_index + 1), text=choice_text))
                if choice["correct"]:
                    correct = str(c_index + 1)
            questions.append(
                QuizQuestion(
                    id=str(q_index + 1),
                    text=translated["text"],
                    choices=choices,
                    correct=correct,
                )
            )
        pass_mark = structure["pass_mark"]
        return Quiz(
            heading=text["heading"],
            # Only a draft's preview lacks it: nothing passes until it is set.
            pass_mark=NO_PASS if pass_mark is None else pass_mark / 100,
            questions=questions,
        )

    def _quiz_value(self, language: str | None):
        for block in self._body_in(language):
            if block.block_type == "quiz":
                return block.value
        return None


class VideoStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting for upload")
    PREPARING = "preparing", _("Preparing")
    READY = "ready", _("Ready")
    ERRORED = "errored", _("Errored")


def _stored(file) -> bool:
    """A file already in the storage (not a new upload): checked when it came."""
    return getattr(file, "_committed", False) is True


def validate_webvtt(file) -> None:
    """A caption file must be a WebVTT file (``.vtt``) of at most
    ``captions.MAX_BYTES``, in UTF-8, whose first line is ``WEBVTT`` and which
    holds some caption text. Each refusal is one message that says what to do;
    a SubRip file (``.srt``), the usual other kind, is to be converted."""
    if _stored(file):
        return
    extension = file.name.rsplit(".", 1)[-1].lower() if "." in file.name else ""
    if extension == "srt":
        raise ValidationError(SUBRIP_REFUSAL, code="subrip")
    FileExtensionValidator(["vtt"])(file)
    size = getattr(file, "size", None)
    if size is not None and size > captions.MAX_BYTES:
        raise ValidationError(
            _(
                "This file is %(size)s KB, and a caption file may be at most "
                "%(limit)s KB (enough for several hours of speech). Check that it "
                "holds only this video's captions."
            )
            % {"size": -(-size // 1024), "limit": captions.MAX_BYTES // 1024},
            code="too_large",
        )
    position = file.tell() if hasattr(file, "tell") else 0
    try:
        file.seek(0)
        content = file.read(captions.MAX_BYTES + 1)
    finally:
        file.seek(position)
    try:
        captions.check(content)
    except captions.NotUtf8 as error:
        if error.encoding:
            message = _(
                "This file is saved as %(encoding)s, but a WebVTT file must be "
                "in UTF-8. Save the file as UTF-8 (in Notepad: File → Save as → "
                "Encoding: UTF-8) and attach it again."
            ) % {"encoding": error.encoding}
        else:
            message = _(
                "This file is not in UTF-8 (it may be saved as Windows-1251), so "
                "its letters would show as unreadable signs. Save the file as "
                "UTF-8 (in Notepad: File → Save as → Encoding: UTF-8) and attach "
                "it again."
            )
        raise ValidationError(message, code="not_utf8") from None
    except captions.SubRip:
        raise ValidationError(SUBRIP_REFUSAL, code="subrip") from None
    except captions.NotWebVTT:
        raise ValidationError(
            _(
                "This is not a WebVTT file: its first line must be WEBVTT, alone "
                "or followed by a space and a title."
            ),
            code="not_webvtt",
        ) from None
    except captions.CaptionError:
        raise ValidationError(
            _("This WebVTT file has no caption text that can be read."),
            code="no_captions",
        ) from None


SUBRIP_REFUSAL = _(
    "This is a SubRip (.srt) file. Captions must be WebVTT: convert the file to "
    "WebVTT (.vtt), for example in Subtitle Edit or an online SRT to VTT "
    "converter, and attach the .vtt file."
)


# The longest video, as a heartbeat's position may be (``progress.api``), and how
# far a typed duration may be from what a local file's header says.
MAX_DURATION = 86_400
DURATION_TOLERANCE = 1.0

# The local video files the player can play, by extension, each with its type and
# how its first bytes begin: an MP4's "ftyp" box at offset 4, WebM's EBML header.
VIDEO_TYPES = {
    "mp4": ("video/mp4", 4, b"ftyp"),
    "m4v": ("video/mp4", 4, b"ftyp"),
    "webm": ("video/webm", 0, b"\x1a\x45\xdf\xa3"),
}


def video_content_type(name: str) -> str:
    """The type a local video file is served with, from its name."""
    kind = VIDEO_TYPES.get(name.rsplit(".", 1)[-1].lower())
    return kind[0] if kind else "application/octet-stream"


def validate_video_file(file) -> None:
    """A local video must be an MP4 or WebM file, by its name and by its first
    bytes, so that nothing else (a page or a script) is ever served as a video."""
    if _stored(file):
        return
    kind = VIDEO_TYPES.get(file.name.rsplit(".", 1)[-1].lower())
    position = file.tell() if hasattr(file, "tell") else 0
    try:
        file.seek(0)
        head = file.read(16)
    finally:
        file.seek(position)
    if kind is None or head[kind[1] : kind[1] + len(kind[2])] != kind[2]:
        raise ValidationError(
            _("Attach a video file: MP4 (H.264 and AAC) or WebM."), code="not_video"
        )


class ServedFile:
    """A stored file as the admin's file field shows it: its name, linked to the
    view that serves it (``courses.views``), since private files have no public
    address."""

    def __init__(self, file, url: str):
        self.file, self.url = file, url

    def __str__(self):
        return self.file.name.rsplit("/", 1)[-1]


class ServedFileInput(forms.ClearableFileInput):
    """The file field of a video or caption: "Currently: <name>" links to where
    the application serves the file, not to a ``MEDIA_URL`` address that does not
    exist."""

    def format_value(self, value):
        value = super().format_value(value)
        instance = getattr(value, "instance", None)
        if value and instance is not None and instance.pk:
            return ServedFile(value, instance.served_url())
        return value


class VideoForm(WagtailAdminModelForm):
    """Keeps a video that a live lesson of the mandatory guide shows playable and
    captioned in every language: that was checked when the lesson was published
    (``LessonPageForm``), and its viewers rely on it."""

    def clean(self):
        cleaned_data = super().clean()
        if not self.instance.pk:
            return cleaned_data
        self._check_who_may_change_what_learners_see()
        self._take_an_empty_duration_from_a_new_file(cleaned_data)
        lessons = live_guide_lessons_showing(self.instance.pk)
        if not lessons:
            return cleaned_data
        titles = ", ".join(lesson.title for lesson in lessons)
        on_mux = bool(
            cleaned_data.get("mux_playback_id", self.instance.mux_playback_id)
        )
        if cleaned_data.get("file") is False and not on_mux:
            self.add_error(
                "file",
                _(
                    "Live lessons of the mandatory guide show this video "
                    "(%(lessons)s): attach another file instead of removing it."
                )
                % {"lessons": titles},
            )
        if not cleaned_data.get("duration"):
            self.add_error(
                "duration",
                _(
                    "Live lessons of the mandatory guide show this video "
                    "(%(lessons)s): watching is counted against its duration."
                )
                % {"lessons": titles},
            )
        formset = getattr(self, "formsets", {}).get("captions")
        if formset is None or not formset.is_valid():
            return cleaned_data
        kept = {
            form.cleaned_data.get("language")
            for form in formset.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        }
        missing = [code for code, _name in settings.LANGUAGES if code not in kept]
        if missing:
            raise ValidationError(
                _(
                    "Live lessons of the mandatory guide show this video "
                    "(%(lessons)s), so it keeps its captions in every language; "
                    "missing: %(languages)s."
                )
                % {"lessons": titles, "languages": language_names(missing)}
            )
        return cleaned_data

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Once the Mux uploader has been used, Mux's webhook sets the asset, the
        # playback ID and the duration, also while an edit page is open (a new
        # upload taking over): the page must not write back what it was opened
        # with. Disabled, they keep what the database holds when it is saved.
        video = self.instance
        if video.pk and (video.mux_upload_id or video.mux_new_upload_id):
            for name in ("mux_asset_id", "mux_playback_id", "duration"):
                if name in self.fields:
                    self.fields[name].disabled = True

    @staticmethod
    def _take_an_empty_duration_from_a_new_file(cleaned_data) -> None:
        """Before anything asks for a duration: a new file says it (and the
        model checks a typed one against it)."""
        file = cleaned_data.get("file")
        if file and not _stored(file) and not cleaned_data.get("duration"):
            if lasts := file_duration(file):
                cleaned_data["duration"] = round(lasts, 2)

    def _check_who_may_change_what_learners_see(self) -> None:
        changed = self.has_changed() or any(
            formset.has_changed() for formset in getattr(self, "formsets", {}).values()
        )
        if not changed or self.for_user is None:
            return
        if refused := lessons_refusing_change(self.instance, self.for_user):
            raise ValidationError(video_change_refusal(refused), code="needs_publisher")


class CaptionFormSet(BaseChildFormSet):
    def get_unique_error_message(self, unique_check):
        if "language" in unique_check:
            return _("A video has one caption track per language.")
        return super().get_unique_error_message(unique_check)


class CaptionsPanel(InlinePanel):
    """The video's caption tracks, refusing a second track in one language in
    words rather than by the constraint's field names."""

    def get_form_options(self):
        options = super().get_form_options()
        options["formsets"][self.relation_name]["formset"] = CaptionFormSet
        return options


def lessons_refusing_change(video: "Video", user) -> list["LessonPage"]:
    """The lessons showing ``video`` that are live or on their way there
    (approved to go live at a set time, or in moderation) and that ``user`` may
    not publish. A video has no draft: a change reaches those lessons' learners
    without the review the lessons went through, so only who may publish them
    all (the moderators) may make it."""
    from courses import access

    shown = {pk for pk, _private in access.lessons_by_video().get(video.pk, ())}
    shown.update(lessons_on_their_way_showing(video.pk))
    if not shown:
        return []
    lessons = LessonPage.objects.filter(pk__in=shown).order_by("path")
    return [
        lesson
        for lesson in lessons
        if not lesson.permissions_for_user(user).can_publish()
    ]


def lessons_on_their_way_showing(video_id: int) -> set[int]:
    """The lessons whose revision approved to go live later, or in moderation,
    shows this video."""
    from django.contrib.contenttypes.models import ContentType

    from wagtail.models import Revision, WorkflowState

    lesson_type = ContentType.objects.get_for_model(LessonPage)
    revisions = list(
        Revision.page_revisions.filter(
            content_type=lesson_type, approved_go_live_at__isnull=False
        )
    )
    states = WorkflowState.objects.filter(
        content_type=lesson_type, status=WorkflowState.STATUS_IN_PROGRESS
    ).select_related("current_task_state__revision")
    revisions += [
        state.current_task_state.revision
        for state in states
        if state.current_task_state and state.current_task_state.revision
    ]
    return {
        int(revision.object_id)
        for revision in revisions
        if video_id in revision.as_object().video_ids()
    }


def video_change_refusal(lessons: list["LessonPage"]) -> str:
    return _(
        "Lessons that are live, approved or in review show this video "
        "(%(lessons)s): a change to it reaches their learners without the review "
        "the lessons went through, so only those who may publish those lessons "
        "can make it. Ask a moderator, or add a new video and show it in a draft "
        "of the lesson."
    ) % {"lessons": ", ".join(f"«{lesson.title}»" for lesson in lessons)}


def live_guide_lessons_showing(video_id: int) -> list["LessonPage"]:
    """The live lessons of the mandatory guide that show this video."""
    return [
        lesson
        for course in CoursePage.objects.live().filter(kind=CourseKind.GUIDE)
        for lesson in course.lessons()
        if video_id in lesson.video_ids()
    ]


class Video(index.Indexed, ClusterableModel):
    """A video in the library: on Mux (asset and playback IDs) or a local file.

    An editor either attaches a local file (it is ready at once) or uploads the
    file straight to Mux from the edit page; Mux's webhook and the sync task then
    fill in the asset, playback ID, duration and status.
    """

    title = models.CharField(_("title"), max_length=255)
    duration = models.FloatField(_("duration, seconds"), null=True, blank=True)
    poster = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("poster"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=VideoStatus.choices,
        default=VideoStatus.WAITING,
    )
    file = models.FileField(
        _("local file"),
        upload_to="videos/",
        storage=private_storage,
        blank=True,
        validators=[validate_video_file],
        help_text=_("An MP4 file (H.264 and AAC) played when the video is not on Mux."),
    )
    mux_upload_id = models.CharField(_("Mux upload ID"), max_length=255, blank=True)
    mux_asset_id = models.CharField(
        _("Mux asset ID"), max_length=255, blank=True, db_index=True
    )
    mux_playback_id = models.CharField(_("Mux playback ID"), max_length=255, blank=True)
    mux_playback_policy = models.CharField(
        _("Mux playback policy"), max_length=16, blank=True
    )
    # A new upload of a video that plays: the video plays on as it is (playback
    # ID and duration) until the new asset is ready, which then takes over.
    mux_new_upload_id = models.CharField(
        _("new Mux upload ID"),
        max_length=255,
        blank=True,
        help_text=_(
            "A new upload that replaces the video once Mux has it ready; until "
            "then learners see the video as it was."
        ),
    )
    mux_new_asset_id = models.CharField(
        _("new Mux asset ID"), max_length=255, blank=True, db_index=True
    )
    error_message = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    panels = [
        FieldPanel("title"),
        MultiFieldPanel(
            [
                FieldPanel("file", widget=ServedFileInput),
                FieldPanel("duration"),
                FieldPanel("poster"),
            ],
            heading=_("Local file"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("status", read_only=True),
                FieldPanel("mux_asset_id"),
                FieldPanel("mux_playback_id"),
                FieldPanel("mux_playback_policy", read_only=True),
                FieldPanel("mux_upload_id", read_only=True),
                FieldPanel("mux_new_upload_id", read_only=True),
                FieldPanel("mux_new_asset_id", read_only=True),
                FieldPanel("error_message", read_only=True),
            ],
            heading=_("Mux"),
            help_text=_(
                "Upload the video file to Mux from this page once the video is "
                "saved; Mux tells us when it is ready."
            ),
        ),
        CaptionsPanel(
            "captions",
            label=_("Captions"),
            help_text=_("One WebVTT file per language: Kazakh, Russian and English."),
        ),
    ]
    search_fields = [index.SearchField("title"), index.AutocompleteField("title")]
    base_form_class = VideoForm

    class Meta:
        verbose_name = _("video")
        verbose_name_plural = _("videos")

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # A local file needs no processing: it can be played as soon as it is saved.
        if self.file and not self.mux_asset_id and self.status == VideoStatus.WAITING:
            self.status = VideoStatus.READY
        elif kwargs.get("update_fields") is None:
            self._let_a_local_file_replace_a_failed_upload()
        super().save(*args, **kwargs)

    def _let_a_local_file_replace_a_failed_upload(self) -> None:
        """An editor saving a video whose upload to Mux failed, with a local file
        that says how long it lasts: the file plays, and the failed asset (which
        plays nothing, and whose late events would mark the video failed again)
        is let go."""
        if not (
            self.file
            and self.status == VideoStatus.ERRORED
            and self.duration
            and 0 < self.duration <= MAX_DURATION
        ):
            return
        self.status = VideoStatus.READY
        self.mux_asset_id = ""
        self.mux_playback_id = ""
        self.mux_playback_policy = ""
        self.error_message = ""

    @property
    def replacement_pending(self) -> bool:
        """Whether Mux is preparing a new upload that will replace what plays."""
        return bool(self.mux_new_upload_id or self.mux_new_asset_id)

    def status_label(self) -> str:
        """The status as the admin lists it, with a new upload still being
        prepared."""
        status = self.get_status_display()
        if self.replacement_pending:
            return gettext("%(status)s; new upload being processed") % {
                "status": status
            }
        return status

    @property
    def plays_from_mux(self) -> bool:
        """Whether Mux's stream is what plays (not a failed asset's playback ID)."""
        return bool(self.mux_playback_id) and self.status != VideoStatus.ERRORED

    def clean(self):
        super().clean()
        if self.duration is not None and not 0 < self.duration <= MAX_DURATION:
            raise ValidationError(
                {
                    "duration": _(
                        "Enter how many seconds the video lasts: more than 0 and "
                        "at most 24 hours."
                    )
                }
            )
        if self.file and not self.plays_from_mux:
            self._take_the_duration_from_the_file()
        if self.file and not self.plays_from_mux and not self.duration:
            raise ValidationError(
                {
                    "duration": _(
                        "A local file needs its duration: watching is counted "
                        "against it."
                    )
                }
            )

    def _take_the_duration_from_the_file(self) -> None:
        """A local file says how long it plays: that fills in an empty duration,
        and a typed one must agree with it, since watching is counted against
        it. A file whose header cannot be read keeps the typed duration."""
        try:
            if _stored(self.file):
                with self.file.open("rb") as file:
                    lasts = file_duration(file)
            else:  # an upload, which the form saves next: left open
                lasts = file_duration(self.file.file)
        except (OSError, ValueError):
            return
        if lasts is None:
            return
        if not self.duration:
            self.duration = round(lasts, 2)
        elif abs(self.duration - lasts) > DURATION_TOLERANCE:
            raise ValidationError(
                {
                    "duration": _(
                        "The file lasts %(seconds)s seconds: enter that, or leave "
                        "the duration empty to take it from the file."
                    )
                    % {"seconds": f"{lasts:.2f}"}
                }
            )

    def served_url(self) -> str:
        """Where the local file is served, at an address that changes with the
        file (as captions' do), so that no browser keeps playing a replaced one
        from its cache."""
        return f"{reverse('video-file', args=[self.pk])}?v={self.file_version()}"

    def file_version(self) -> str:
        """Names the local file: a replaced file is stored under a new name."""
        return hashlib.sha256(self.file.name.encode()).hexdigest()[:12]

    @property
    def is_playable(self) -> bool:
        return self.status == VideoStatus.READY and bool(
            self.mux_playback_id or self.file
        )

    @property
    def is_ready(self) -> bool:
        """Playable, and its duration known: heartbeats are counted against it."""
        return self.is_playable and bool(self.duration and self.duration > 0)

    @property
    def on_mux(self) -> bool:
        return bool(self.mux_playback_id)


class VideoCaption(Orderable):
    """A WebVTT caption track of a video in one language."""

    video = ParentalKey(Video, on_delete=models.CASCADE, related_name="captions")
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    file = models.FileField(
        _("WebVTT file"),
        upload_to="captions/",
        storage=private_storage,
        validators=[validate_webvtt],
        help_text=_(
            "A WebVTT file (.vtt) in UTF-8, of at most 512 KB. Convert SubRip "
            "(.srt) captions to WebVTT first."
        ),
    )
    mux_track_id = models.CharField(_("Mux track ID"), max_length=255, blank=True)
    # The caption file the Mux track was made from, to notice a replaced file.
    mux_track_source = models.CharField(max_length=255, blank=True, editable=False)
    # The captions as text to read under the video, kept from the file on save.
    transcript = models.TextField(_("transcript"), blank=True, editable=False)

    panels = [FieldPanel("language"), FieldPanel("file", widget=ServedFileInput)]

    class Meta(Orderable.Meta):
        verbose_name = _("caption track")
        constraints = [
            models.UniqueConstraint(
                fields=["video", "language"], name="unique_caption_per_language"
            )
        ]

    def __str__(self):
        return f"{self.video} [{self.language}]"

    def served_url(self) -> str:
        from courses.services import captions_url

        return captions_url(self)

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "file" in update_fields:
            self.transcript = captions.transcript_of(self.file) if self.file else ""
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "transcript"}
        super().save(*args, **kwargs)


class MuxWebhookEvent(models.Model):
    """A Mux webhook event that was applied, kept so that each is applied once."""

    event_id = models.CharField(_("event ID"), max_length=255, unique=True)
    type = models.CharField(_("type"), max_length=100)
    object_id = models.CharField(_("object ID"), max_length=255, blank=True)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("Mux webhook event")
        verbose_name_plural = _("Mux webhook events")

    def __str__(self):
        return f"{self.type} {self.event_id}"


class ReplacedMuxAsset(models.Model):
    """A Mux asset no video plays any more (a new upload took over, or its video
    was deleted), deleted from Mux once ``delete_after`` has passed: pages
    loaded before the switch may still be streaming it meanwhile."""

    asset_id = models.CharField(_("Mux asset ID"), max_length=255, unique=True)
    replaced_at = models.DateTimeField(_("replaced at"), auto_now_add=True)
    delete_after = models.DateTimeField(_("delete after"), db_index=True)
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("replaced Mux asset")
        verbose_name_plural = _("replaced Mux assets")

    def __str__(self):
        return self.asset_id


class CourseReviewTask(AbstractGroupApprovalTask):
    """Approval by a group of moderators, who cannot approve a page that may not
    be published (``PublishingChecked``: a lesson whose videos are not ready, a
    lesson of the mandatory guide whose videos lack captions, a second live
    guide): they can only request changes."""

    def get_actions(self, obj, user):
        actions = super().get_actions(obj, user)
        page = getattr(obj, "specific", obj)
        if isinstance(page, PublishingChecked):
            draft = page.get_latest_revision_as_object()
            if draft.publish_problems():
                actions = [action for action in actions if action[0] != "approve"]
        return actions

    @classmethod
    def get_description(cls):
        return _(
            "Members of the chosen groups approve course pages; lessons whose "
            "videos are not ready, and guide lessons without captions, cannot be "
            "approved"
        )

    class Meta:
        verbose_name = _("course review task")
        verbose_name_plural = _("course review tasks")
