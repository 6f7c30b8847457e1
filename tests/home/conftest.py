"""A small site: home, help page (with translated slugs), a standard page, centres."""

from django.utils import translation

import pytest

from home.factories import (
    FamilySupportCentreFactory,
    HelpPageFactory,
    StandardPageFactory,
)
from home.models import Region


@pytest.fixture(autouse=True)
def kazakh():
    """Build test data in the default language, whatever a request left active."""
    with translation.override("kk"):
        yield


@pytest.fixture
def help_page(home_page):
    return HelpPageFactory(
        parent=home_page,
        title="Көмек",
        title_ru="Помощь",
        title_en="Help",
        slug="komek",
        slug_ru="pomoshch",
        slug_en="help",
    )


@pytest.fixture
def standard_page(home_page):
    return StandardPageFactory(
        parent=home_page,
        title="Бағдарлама туралы",
        title_ru="О программе",
        slug="bagdarlama-turaly",
        slug_ru="o-programme",
        body="<p>Бағдарлама мәтіні</p>",
        body_ru="<p>Текст о программе</p>",
    )


@pytest.fixture
def centres(db):
    return {
        "astana": FamilySupportCentreFactory(
            name="Астана қаласының Отбасын қолдау орталығы",
            name_ru="Центр поддержки семьи города Астаны",
            region=Region.ASTANA,
            city="Астана",
            city_ru="Астана",
        ),
        "karaganda": FamilySupportCentreFactory(
            name="Қарағанды облыстық Отбасын қолдау орталығы",
            name_ru="Карагандинский областной центр поддержки семьи",
            region=Region.KARAGANDA,
            city="Қарағанды",
            city_ru="Караганда",
        ),
        "temirtau": FamilySupportCentreFactory(
            name="Теміртау қаласының Отбасын қолдау орталығы",
            name_ru="Центр поддержки семьи города Темиртау",
            region=Region.KARAGANDA,
            city="Теміртау",
            city_ru="Темиртау",
        ),
    }
