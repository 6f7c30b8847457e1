"""Courses as Wagtail pages (CourseIndexPage → CoursePage → LessonPage) and the
video library (Video with per-language captions).

Structure that progress relies on — which videos a lesson has and what its quiz
asks — is read from the lesson body in the default language (kk); the other
languages' bodies carry the same videos and quiz in translation.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel

from courses.blocks import LessonBodyBlock


class CourseKind(models.TextChoices):
    GUIDE = "guide", _("Mandatory guide «Бақытты қазақстандық отбасы»")
    COUPLES = "couples", _("Couples' academy")
    PARENTS = "parents", _("Parents' academy")


class CourseIndexPage(Page):
    """Lists the courses."""

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]

    parent_page_types = ["home.HomePage"]
    subpage_types = ["courses.CoursePage"]
    max_count = 1

    class Meta:
        verbose_name = _("course index page")


class CoursePage(Page):
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
            [FieldPanel("kind"), FieldPanel("audience"), FieldPanel("estimated_minutes")],
            heading=_("Course"),
        ),
        FieldPanel("summary"),
        FieldPanel("cover_image"),
    ]
    search_fields = Page.search_fields + [index.SearchField("summary")]

    parent_page_types = ["courses.CourseIndexPage"]
    subpage_types = ["courses.LessonPage"]

    class Meta:
        verbose_name = _("course")

    def lessons(self) -> list["LessonPage"]:
        """Live lessons in tree order."""
        return list(LessonPage.objects.child_of(self).live().order_by("path"))


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
    """A lesson's quiz in one language; ids are positions, the same in every language."""

    heading: str
    pass_mark: float  # 0..1
    questions: list[QuizQuestion]


class LessonPage(Page):
    """A lesson: videos, text and at most one quiz."""

    summary = models.TextField(_("summary"), blank=True)
    body = StreamField(LessonBodyBlock(), verbose_name=_("body"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("summary"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("summary")]

    parent_page_types = ["courses.CoursePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("lesson")

    def course(self) -> CoursePage:
        return CoursePage.objects.get(pk=self.get_parent().pk)

    def _body_in(self, language: str | None):
        language = (language or settings.MODELTRANSLATION_DEFAULT_LANGUAGE).split("-")[0]
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
        """The quiz in ``language`` (default: the active one), correct answers from kk."""
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
        return Quiz(
            heading=text["heading"],
            pass_mark=structure["pass_mark"] / 100,
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


class Video(index.Indexed, ClusterableModel):
    """A video in the library: on Mux (asset and playback IDs) or a local file."""

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
        _("status"), max_length=16, choices=VideoStatus.choices, default=VideoStatus.WAITING
    )
    file = models.FileField(_("local file"), upload_to="videos/", blank=True)
    mux_upload_id = models.CharField(_("Mux upload ID"), max_length=255, blank=True)
    mux_asset_id = models.CharField(
        _("Mux asset ID"), max_length=255, blank=True, db_index=True
    )
    mux_playback_id = models.CharField(_("Mux playback ID"), max_length=255, blank=True)
    mux_playback_policy = models.CharField(
        _("Mux playback policy"), max_length=16, blank=True
    )
    error_message = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    panels = [
        FieldPanel("title"),
        MultiFieldPanel(
            [FieldPanel("file"), FieldPanel("duration"), FieldPanel("poster")],
            heading=_("Local file"),
        ),
        InlinePanel("captions", label=_("Captions")),
    ]
    search_fields = [index.SearchField("title"), index.AutocompleteField("title")]

    class Meta:
        verbose_name = _("video")
        verbose_name_plural = _("videos")

    def __str__(self):
        return self.title

    @property
    def is_ready(self) -> bool:
        return self.status == VideoStatus.READY and bool(
            self.mux_playback_id or self.file
        )


class VideoCaption(Orderable):
    """A WebVTT caption track of a video in one language."""

    video = ParentalKey(Video, on_delete=models.CASCADE, related_name="captions")
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES
    )
    file = models.FileField(_("WebVTT file"), upload_to="captions/")
    mux_track_id = models.CharField(_("Mux track ID"), max_length=255, blank=True)

    panels = [FieldPanel("language"), FieldPanel("file")]

    class Meta(Orderable.Meta):
        verbose_name = _("caption track")
        constraints = [
            models.UniqueConstraint(
                fields=["video", "language"], name="unique_caption_per_language"
            )
        ]

    def __str__(self):
        return f"{self.video} [{self.language}]"
