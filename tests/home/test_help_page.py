"""The help page lists family support centres, filtered by region and text."""

import re

import pytest

from home.models import Region

pytestmark = pytest.mark.django_db


def centre_names(response) -> list[str]:
    html = response.content.decode()
    return re.findall(r'<h3 class="centre__name">([^<]+)</h3>', html)


def test_lists_every_centre_without_filter(client, help_page, centres):
    response = client.get("/kk/komek/")
    assert response.status_code == 200
    assert sorted(centre_names(response)) == sorted(c.name for c in centres.values())


def test_centres_come_in_the_order_of_the_region_list(client, help_page, centres):
    from home.factories import FamilySupportCentreFactory

    abai = FamilySupportCentreFactory(
        name="Абай облыстық орталығы", region=Region.ABAI, city="Семей"
    )
    # The cities first, as the region list gives them, though "abai" and
    # "karaganda" sort before "astana" by their codes; then by city.
    assert centre_names(client.get("/kk/komek/")) == [
        centres["astana"].name,
        abai.name,
        centres["karaganda"].name,
        centres["temirtau"].name,
    ]


def test_region_filter(client, help_page, centres):
    response = client.get("/kk/komek/", {"region": Region.KARAGANDA})
    assert sorted(centre_names(response)) == sorted(
        [centres["karaganda"].name, centres["temirtau"].name]
    )
    html = response.content.decode()
    assert f'<option value="{Region.KARAGANDA}" selected>' in html


def test_region_select_offers_17_regions_and_3_cities(client, help_page):
    html = client.get("/ru/pomoshch/").content.decode()
    select = html[html.index('<select id="id_region"') : html.index("</select>")]
    # One "all regions" option plus 20 places.
    assert select.count("<option") == 21
    assert len(Region.choices) == 20


def test_text_query_matches_city_in_any_language_ignoring_case(
    client, help_page, centres
):
    response = client.get("/ru/pomoshch/", {"q": "ТЕМИРТАУ"})
    assert centre_names(response) == ["Центр поддержки семьи города Темиртау"]
    response = client.get("/kk/komek/", {"q": "теміртау"})
    assert centre_names(response) == [centres["temirtau"].name]


def test_region_and_query_combine(client, help_page, centres):
    response = client.get("/en/help/", {"region": Region.ASTANA, "q": "Теміртау"})
    assert centre_names(response) == []
    assert "No centre matches your search" in response.content.decode()


def test_unknown_region_is_ignored_not_an_error(client, help_page, centres):
    response = client.get("/kk/komek/", {"region": "<script>"})
    assert response.status_code == 200
    assert len(centre_names(response)) == 3
    assert "<script>" not in response.content.decode()


def test_centres_are_shown_in_the_page_language(client, help_page, centres):
    response = client.get("/ru/pomoshch/", {"region": Region.ASTANA})
    assert centre_names(response) == ["Центр поддержки семьи города Астаны"]
    assert 'href="tel:+77172000150"' in response.content.decode()


@pytest.mark.parametrize(
    ("count", "text"),
    [
        (1, "Найден 1 центр"),
        (3, "Найдено 3 центра"),
        (5, "Найдено 5 центров"),
        (21, "Найден 21 центр"),
    ],
)
def test_the_count_takes_every_russian_plural_form(client, help_page, count, text):
    from home.factories import FamilySupportCentreFactory

    FamilySupportCentreFactory.create_batch(count, region=Region.ASTANA)
    response = client.get("/ru/pomoshch/")
    assert text in response.content.decode()
