"""Blocks of a lesson body: video, rich text, key points, document, helpline
call-out, and at most one quiz."""

from functools import cache

from django.core.exceptions import ValidationError
from django.utils.functional import cached_property
from django.utils.html import escape, format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from wagtail import blocks
from wagtail.blocks import StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.snippets.blocks import SnippetChooserBlock


class VideoChooserBlock(SnippetChooserBlock):
    """The video chooser of a lesson body, its buttons in the editor's language.

    Wagtail's snippet chooser puts the model's name into "Choose %(object)s" when
    it is built, and a block builds its chooser once for the life of the process:
    every editor then read it in the language of whichever editor's admin came
    first (and Wagtail has no Kazakh for it). These texts stay lazy.
    """

    @cached_property
    def widget(self):
        chooser = SnippetChooserBlock.widget.func(self)
        chooser.choose_one_text = _("Choose a video")
        chooser.choose_another_text = _("Choose another video")
        chooser.link_to_chosen_text = _("Edit this video")
        return chooser

    def deconstruct(self):
        # Stored in migrations as Wagtail's block: this one only changes the
        # editing form, not what the block stores.
        _path, args, kwargs = super().deconstruct()
        return "wagtail.snippets.blocks.SnippetChooserBlock", args, kwargs


# Wagtail's admin comparisons, imported once the admin asks for them (the blocks
# are loaded with the models, before the admin's modules can be).
@cache
def _list_comparison():
    from wagtail.admin.compare import (
        ListBlockComparison,
        get_comparison_class_for_block,
    )

    class ListComparison(ListBlockComparison):
        def htmlvalue(self, val):
            child = self.block.child_block
            comparison = get_comparison_class_for_block(child)
            items = [
                (comparison(child, True, True, item, item).htmlvalue(item),)
                for item in val or ()
            ]
            return format_html(
                "<ol>{}</ol>", format_html_join("", "<li>{}</li>", items)
            )

    return ListComparison


@cache
def _yes_no_comparison():
    from wagtail.admin.compare import BlockComparison, diff_text

    def text(value) -> str:
        return str(_("Yes") if value else _("No"))

    class YesNoComparison(BlockComparison):
        def htmlvalue(self, val):
            return escape(text(val))

        def htmldiff(self):
            return diff_text(text(self.val_a), text(self.val_b)).to_html()

    return YesNoComparison


class ListBlock(blocks.ListBlock):
    """Wagtail's list block, readable in the admin's comparison of two revisions.

    Wagtail shows a list that was added, removed or left as it was by rendering
    it as HTML, where a list of questions with their choices reads as Python's
    ``repr`` (``<ListValue: [StructValue(...)]>``); here each item is shown as its
    own comparison shows it, labels translated."""

    def get_comparison_class(self):
        return _list_comparison()

    def deconstruct(self):
        # Stored in migrations as Wagtail's block: only the comparison differs.
        _path, args, kwargs = super().deconstruct()
        return "wagtail.blocks.ListBlock", args, kwargs


class YesNoBlock(blocks.BooleanBlock):
    """A check box that a comparison of revisions shows as "Yes" or "No", not as
    Python's ``True`` and ``False``."""

    def get_comparison_class(self):
        return _yes_no_comparison()

    def deconstruct(self):
        _path, args, kwargs = super().deconstruct()
        return "wagtail.blocks.BooleanBlock", args, kwargs


class VideoBlock(blocks.StructBlock):
    """A video from the video library, played with captions in the page's language."""

    video = VideoChooserBlock("courses.Video", label=_("video"))

    class Meta:
        icon = "media"
        label = _("Video")
        template = "blocks/video_block.html"
        preview_value = {"video": None}
        description = _("A video from the library, with captions and progress.")

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        players = (parent_context or {}).get("players") or {}
        video = value.get("video")
        context["player"] = players.get(video.pk) if video else None
        if video and context["player"] is None:
            # Rendered outside a lesson page (e.g. the block preview).
            from courses.services import player_source

            context["player"] = player_source(video)
        return context


class KeyPointsBlock(blocks.StructBlock):
    """A short list of the lesson's main points."""

    heading = blocks.CharBlock(label=_("heading"), required=False, max_length=200)
    points = ListBlock(blocks.CharBlock(max_length=300), label=_("points"))

    class Meta:
        icon = "list-ul"
        label = _("Key points")
        template = "blocks/key_points_block.html"
        preview_value = {
            "heading": "Негізгі ойлар",
            "points": [
                "Отбасын қолдау орталықтары тегін кеңес береді.",
                "150 — тұрмыстық зорлық-зомбылық құрбандарына арналған жедел желі.",
            ],
        }


class DocumentBlock(blocks.StructBlock):
    """A document learners can download (a memo, a checklist)."""

    document = DocumentChooserBlock(label=_("document"))
    title = blocks.CharBlock(label=_("link text"), required=False, max_length=200)

    class Meta:
        icon = "doc-full"
        label = _("Document")
        template = "blocks/document_block.html"
        preview_value = {"document": None, "title": "Жадынама"}


class HelplineBlock(blocks.StructBlock):
    """A call-out pointing people in danger to helplines 150 and 111."""

    text = blocks.TextBlock(label=_("text"), required=False)

    class Meta:
        icon = "warning"
        label = _("Helpline call-out")
        template = "blocks/helpline_block.html"
        preview_value = {
            "text": "Қиын жағдайда 150 нөміріне тәулік бойы, тегін және жасырын "
            "қоңырау шалуға болады."
        }


class ChoiceBlock(blocks.StructBlock):
    """One answer to a question; mark the correct one."""

    text = blocks.CharBlock(label=_("answer"), max_length=300)
    correct = YesNoBlock(label=_("correct"), required=False)

    class Meta:
        icon = "radio-full"
        label = _("Choice")


PREVIEW_QUESTION = {
    "text": "Жедел желі 150 қандай көмек көрсетеді?",
    "choices": [
        {"text": "Тұрмыстық зорлық-зомбылық құрбандарына", "correct": True},
        {"text": "Анықтама қызметі", "correct": False},
    ],
}


class QuestionBlock(blocks.StructBlock):
    """One question with its choices; exactly one choice is correct."""

    text = blocks.CharBlock(label=_("question"), max_length=500)
    choices = ListBlock(ChoiceBlock(), min_num=2, label=_("choices"))

    class Meta:
        icon = "help"
        label = _("Question")
        preview_value = PREVIEW_QUESTION

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
    questions = ListBlock(QuestionBlock(), min_num=1, label=_("questions"))

    class Meta:
        icon = "tasks"
        label = _("Quiz")
        template = "blocks/quiz_block.html"
        preview_value = {
            "heading": "Өзіңізді тексеріңіз",
            "pass_mark": 70,
            "questions": [PREVIEW_QUESTION],
        }
        description = _("Check questions; a lesson may have at most one quiz.")

    def get_context(self, value, parent_context=None):
        from courses.models import questions_needed

        context = super().get_context(value, parent_context=parent_context)
        context["page"] = (parent_context or {}).get("page")
        context["pass_mark_percent"] = value.get("pass_mark")
        total = len(value.get("questions") or [])
        context["questions_total"] = total
        # A draft may lack its pass mark (required only to publish): its preview
        # then says nothing of what passes.
        pass_mark = value.get("pass_mark")
        context["questions_needed"] = (
            questions_needed(total, pass_mark) if pass_mark is not None else None
        )
        return context


class TextBlock(blocks.RichTextBlock):
    """Paragraphs of lesson text with headings, lists and links."""

    class Meta:
        icon = "pilcrow"
        label = _("Text")
        template = "blocks/text_block.html"
        preview_value = (
            "<p>Отбасын қолдау орталықтары некеге тұруға өтініш берген "
            "азаматтарға тегін кеңес беру мен оқытуды бастады.</p>"
        )


class LessonBodyBlock(blocks.StreamBlock):
    """The one stream block for a lesson body."""

    video = VideoBlock()
    text = TextBlock(features=["h2", "h3", "bold", "italic", "ol", "ul", "link"])
    key_points = KeyPointsBlock()
    document = DocumentBlock()
    helpline = HelplineBlock()
    quiz = QuizBlock()

    class Meta:
        block_counts = {"quiz": {"max_num": 1}}
