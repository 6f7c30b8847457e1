"""Kazakhstan's regions: where family support centres are, and where learners live
(given at sign-up, optional, for statistics by region)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.TextChoices):
    """The 17 regions and 3 cities of republican significance of Kazakhstan."""

    ASTANA = "astana", _("Astana city")
    ALMATY_CITY = "almaty-city", _("Almaty city")
    SHYMKENT = "shymkent", _("Shymkent city")
    ABAI = "abai", _("Abai region")
    AKMOLA = "akmola", _("Akmola region")
    AKTOBE = "aktobe", _("Aktobe region")
    ALMATY = "almaty", _("Almaty region")
    ATYRAU = "atyrau", _("Atyrau region")
    EAST_KAZAKHSTAN = "east-kazakhstan", _("East Kazakhstan region")
    JAMBYL = "jambyl", _("Jambyl region")
    JETISU = "jetisu", _("Jetisu region")
    WEST_KAZAKHSTAN = "west-kazakhstan", _("West Kazakhstan region")
    KARAGANDA = "karaganda", _("Karaganda region")
    KOSTANAY = "kostanay", _("Kostanay region")
    KYZYLORDA = "kyzylorda", _("Kyzylorda region")
    MANGYSTAU = "mangystau", _("Mangystau region")
    PAVLODAR = "pavlodar", _("Pavlodar region")
    NORTH_KAZAKHSTAN = "north-kazakhstan", _("North Kazakhstan region")
    TURKISTAN = "turkistan", _("Turkistan region")
    ULYTAU = "ulytau", _("Ulytau region")
