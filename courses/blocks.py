"""Blocks of a lesson body: video, rich text, key points, document, helpline
call-out, and at most one quiz."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from wagtail import blocks
from wagtail.blocks import StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.snippets.blocks import SnippetChooserBlock


class VideoBlock(blocks.StructBlock):
    """A video from the video library, played with captions in the page's language."""

    video = SnippetChooserBlock("courses.Video", label=_("video"))

    class Meta:
        icon = "media"
        label = _("Video")
        template = "blocks/video_block.html"


class KeyPointsBlock(blocks.StructBlock):
    """A short list of the lesson's main points."""

    heading = blocks.CharBlock(label=_("heading"), required=False, max_length=200)
    points = blocks.ListBlock(blocks.CharBlock(max_length=300), label=_("points"))

    class Meta:
        icon = "list-ul"
        label = _("Key points")
        template = "blocks/key_points_block.html"


class DocumentBlock(blocks.StructBlock):
    """A document learners can download (a memo, a checklist)."""

    document = DocumentChooserBlock(label=_("document"))
    title = blocks.CharBlock(label=_("link text"), required=False, max_length=200)

    class Meta:
        icon = "doc-full"
        label = _("Document")
        template = "blocks/document_block.html"


class HelplineBlock(blocks.StructBlock):
    """A call-out pointing people in danger to helplines 150 and 111."""

    text = blocks.TextBlock(label=_("text"), required=False)

    class Meta:
        icon = "warning"
        label = _("Helpline call-out")
        template = "blocks/helpline_block.html"


class ChoiceBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("answer"), max_length=300)
    correct = blocks.BooleanBlock(label=_("correct"), required=False)

    class Meta:
        icon = "radio-full"
        label = _("Choice")


class QuestionBlock(blocks.StructBlock):
    """One question with its choices; exactly one choice is correct."""

    text = blocks.CharBlock(label=_("question"), max_length=500)
    choices = blocks.ListBlock(ChoiceBlock(), min_num=2, label=_("choices"))

    class Meta:
        icon = "help"
        label = _("Question")

    def clean(self, value):
        value = super().clean(value)
        correct = sum(1 for choice in value["choices"] if choice["correct"])
        if correct != 1:
            raise StructBlockValidationError(
                block_errors={
                    "choices": ValidationError(_("Mark exactly one choice as correct."))
                }
            )
        return value


class QuizBlock(blocks.StructBlock):
    """Check questions scored on the server, with a pass mark in per cent."""

    heading = blocks.CharBlock(label=_("heading"), required=False, max_length=200)
    pass_mark = blocks.IntegerBlock(
        label=_("pass mark, %"), min_value=1, max_value=100, default=70
    )
    questions = blocks.ListBlock(QuestionBlock(), min_num=1, label=_("questions"))

    class Meta:
        icon = "tasks"
        label = _("Quiz")
        template = "blocks/quiz_block.html"


class LessonBodyBlock(blocks.StreamBlock):
    """The one stream block for a lesson body."""

    video = VideoBlock()
    text = blocks.RichTextBlock(
        label=_("Text"),
        features=["h2", "h3", "bold", "italic", "ol", "ul", "link"],
        template="blocks/text_block.html",
    )
    key_points = KeyPointsBlock()
    document = DocumentBlock()
    helpline = HelplineBlock()
    quiz = QuizBlock()

    class Meta:
        block_counts = {"quiz": {"max_num": 1}}
