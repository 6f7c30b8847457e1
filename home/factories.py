"""Test data for the page tree's root, text and help pages, and support centres."""

import factory
import wagtail_factories

from home.models import FamilySupportCentre, HelpPage, HomePage, Region, StandardPage


class HomePageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = HomePage

    title = "Бақытты отбасы"


class StandardPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = StandardPage

    title = factory.Sequence(lambda n: f"Бет {n}")
    intro = "Қысқаша"
    body = "<p>Мәтін</p>"


class HelpPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = HelpPage

    title = "Көмек"
    slug = "komek"


class FamilySupportCentreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FamilySupportCentre

    name = factory.Sequence(lambda n: f"Отбасын қолдау орталығы {n}")
    region = Region.ASTANA
    city = "Астана"
    address = "Бейбітшілік көшесі, 10"
    phone = "+7 7172 00 01 50"
    services = "Тегін кеңес беру"
