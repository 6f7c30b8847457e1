"""Each factory of the home app builds a saved object."""

from home.factories import (
    FamilySupportCentreFactory,
    HelpPageFactory,
    HomePageFactory,
    StandardPageFactory,
)
from home.models import FamilySupportCentre, HelpPage, HomePage, StandardPage


def test_page_factories_build_live_pages(home_page):
    assert isinstance(home_page, HomePage)
    help_page = HelpPageFactory(parent=home_page)
    standard = StandardPageFactory(parent=home_page)
    assert HelpPage.objects.live().filter(pk=help_page.pk).exists()
    assert StandardPage.objects.live().filter(pk=standard.pk).exists()
    assert HomePageFactory._meta.model is HomePage


def test_centre_factory(db):
    centre = FamilySupportCentreFactory()
    assert FamilySupportCentre.objects.get(pk=centre.pk).name_kk == centre.name
