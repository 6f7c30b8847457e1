"""Home page, standard and help pages, site settings (helplines), family support
centres."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from lms.pages import TranslatedPage
from lms.regions import Region


class HomePage(TranslatedPage):
    """The site's root page: presents the mandatory guide and the two academies."""

    hero_heading = models.CharField(_("hero heading"), max_length=255, blank=True)
    hero_text = models.TextField(_("hero text"), blank=True)
    intro = RichTextField(_("introduction"), blank=True)
    courses_heading = models.CharField(
        _("courses section heading"), max_length=255, blank=True
    )
    courses_intro = RichTextField(_("courses section introduction"), blank=True)
    help_heading = models.CharField(
        _("help section heading"), max_length=255, blank=True
    )
    help_text = models.TextField(_("help section text"), blank=True)

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [FieldPanel("hero_heading"), FieldPanel("hero_text")],
            heading=_("Hero"),
        ),
        FieldPanel("intro"),
        MultiFieldPanel(
            [FieldPanel("courses_heading"), FieldPanel("courses_intro")],
            heading=_("The guide and the academies"),
        ),
        MultiFieldPanel(
            [FieldPanel("help_heading"), FieldPanel("help_text")],
            heading=_("Help"),
        ),
    ]
    search_fields = Page.search_fields + [index.SearchField("hero_text")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["courses.CourseIndexPage", "home.HelpPage", "home.StandardPage"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    def featured_courses(self) -> list[Page]:
        """The first live course of each kind below this page, in kind order."""
        from courses.models import CourseKind, CoursePage

        courses = CoursePage.objects.live().descendant_of(self).order_by("path")
        first_of_kind: dict[str, CoursePage] = {}
        for course in courses:
            first_of_kind.setdefault(course.kind, course)
        return [
            first_of_kind[kind] for kind in CourseKind.values if kind in first_of_kind
        ]

    def help_page(self) -> "HelpPage | None":
        return HelpPage.objects.live().descendant_of(self).first()

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["featured_courses"] = self.featured_courses()
        context["help_page"] = self.help_page()
        context["guide_state"] = self.guide_state(request.user)
        return context

    @staticmethod
    def guide_state(user) -> str:
        """Where a signed-in learner stands with the mandatory guide: ``"new"``,
        ``"started"`` or ``"completed"`` (visitors: ``"new"``)."""
        if not user.is_authenticated:
            return "new"
        from progress.models import Enrollment
        from progress.services import GuideStanding, guide_course, guide_standing

        if guide_standing(user) != GuideStanding.NOT_YET:
            return "completed"
        guide = guide_course()
        started = (
            guide is not None
            and Enrollment.objects.filter(user=user, course=guide).exists()
        )
        return "started" if started else "new"


class StandardPage(TranslatedPage):
    """A page of text: about the programme, privacy, how certificates are checked."""

    intro = models.TextField(_("introduction"), blank=True)
    body = RichTextField(_("body"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [
        index.SearchField("intro"),
        index.SearchField("body"),
    ]

    parent_page_types = ["home.HomePage", "home.StandardPage"]
    subpage_types = ["home.StandardPage"]

    class Meta:
        verbose_name = _("standard page")


class FamilySupportCentre(index.Indexed, models.Model):
    """A family support centre (Отбасын қолдау орталығы) listed on the help page."""

    name = models.CharField(_("name"), max_length=255)
    region = models.CharField(_("region"), max_length=32, choices=Region.choices)
    city = models.CharField(_("city or district"), max_length=255)
    address = models.CharField(_("address"), max_length=255)
    phone = models.CharField(_("phone"), max_length=64, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=255, blank=True)
    services = models.TextField(
        _("services"),
        blank=True,
        help_text=_("One service per line, e.g. free pre-marriage counselling."),
    )

    panels = [
        FieldPanel("name"),
        MultiFieldPanel(
            [FieldPanel("region"), FieldPanel("city"), FieldPanel("address")],
            heading=_("Where"),
        ),
        MultiFieldPanel(
            [FieldPanel("phone"), FieldPanel("email"), FieldPanel("opening_hours")],
            heading=_("Contacts"),
        ),
        FieldPanel("services"),
    ]
    search_fields = [
        index.SearchField("name"),
        index.SearchField("city"),
        index.SearchField("address"),
        index.FilterField("region"),
    ]

    class Meta:
        verbose_name = _("family support centre")
        verbose_name_plural = _("family support centres")
        ordering = ["region", "city", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.city})"

    def service_list(self) -> list[str]:
        return [line.strip() for line in self.services.splitlines() if line.strip()]

    def phone_href(self) -> str:
        """The phone as a tel: URI target (digits and a leading +)."""
        digits = "".join(ch for ch in self.phone if ch.isdigit() or ch == "+")
        return digits


class HelpPage(TranslatedPage):
    """Where to get help: helplines and family support centres, searchable by region."""

    intro = RichTextField(_("introduction"), blank=True)
    centres_heading = models.CharField(_("centres heading"), max_length=255, blank=True)
    centres_intro = models.TextField(_("centres introduction"), blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        MultiFieldPanel(
            [FieldPanel("centres_heading"), FieldPanel("centres_intro")],
            heading=_("Family support centres"),
        ),
    ]

    parent_page_types = ["home.HomePage"]
    subpage_types = []
    max_count = 1

    class Meta:
        verbose_name = _("help page")

    def get_context(self, request, *args, **kwargs):
        from home.services import search_centres

        context = super().get_context(request, *args, **kwargs)
        region = request.GET.get("region", "")
        if region not in Region.values:
            region = ""
        query = request.GET.get("q", "")[:100]
        context.update(
            regions=Region.choices,
            selected_region=region,
            query=query.strip(),
            centres=search_centres(region, query),
            filtered=bool(region or query.strip()),
        )
        return context


@register_setting(icon="help")
class HelplineSettings(BaseGenericSetting):
    """Helplines shown on every page and where the quick-exit control leads."""

    violence_number = models.CharField(
        _("domestic violence helpline"), max_length=32, default="150"
    )
    violence_description = models.CharField(
        _("domestic violence helpline description"),
        max_length=255,
        blank=True,
        help_text=_("E.g. domestic violence: 24/7, free, anonymous."),
    )
    family_number = models.CharField(
        _("family rights helpline"), max_length=32, default="111"
    )
    family_description = models.CharField(
        _("family rights helpline description"),
        max_length=255,
        blank=True,
        help_text=_("E.g. protection of family, women's and children's rights."),
    )
    quick_exit_url = models.URLField(
        _("quick exit URL"),
        default="https://www.google.com/",
        help_text=_("A neutral site that replaces the page when quick exit is used."),
    )

    panels = [
        MultiFieldPanel(
            [FieldPanel("violence_number"), FieldPanel("violence_description")],
            heading=_("Domestic violence"),
        ),
        MultiFieldPanel(
            [FieldPanel("family_number"), FieldPanel("family_description")],
            heading=_("Family, women's and children's rights"),
        ),
        FieldPanel("quick_exit_url"),
    ]

    class Meta:
        verbose_name = _("helplines")
