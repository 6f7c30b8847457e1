"""Admin for family support centres: a snippet with region filter and search."""

from django.utils.translation import gettext_lazy as _

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from home.models import FamilySupportCentre


class FamilySupportCentreViewSet(SnippetViewSet):
    """Editors list, search and filter centres by region, and edit them per language."""

    model = FamilySupportCentre
    icon = "group"
    menu_label = _("Support centres")
    menu_order = 300
    add_to_admin_menu = True
    list_display = ["name", "region", "city", "phone"]
    list_filter = ["region"]
    search_fields = ["name", "city", "address"]
    ordering = ["region", "city", "name"]


register_snippet(FamilySupportCentreViewSet)
