"""Editors manage centres, helplines and pages with kk, ru and en side by side."""

import pytest

from home.models import FamilySupportCentre, HelplineSettings

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client, django_user_model):
    user = django_user_model.objects.create_superuser(
        email="editor@example.kz", password="pass-word-123"
    )
    client.force_login(user)
    return user


def test_centre_form_has_every_language(client, editor, centres):
    centre = centres["astana"]
    response = client.get(f"/admin/snippets/home/familysupportcentre/edit/{centre.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    for field in ("name", "city", "address", "services"):
        for code in ("kk", "ru", "en"):
            assert f'name="{field}_{code}"' in html


def test_centre_list_filters_by_region(client, editor, centres):
    url = "/admin/snippets/home/familysupportcentre/"
    html = client.get(url, {"region": "karaganda"}).content.decode()
    assert centres["temirtau"].name in html
    assert centres["astana"].name not in html


def test_editor_adds_a_centre(client, editor):
    data = {
        "name_kk": "Павлодар облыстық Отбасын қолдау орталығы",
        "name_ru": "Павлодарский областной центр поддержки семьи",
        "name_en": "Pavlodar Regional Family Support Centre",
        "region": "pavlodar",
        "city_kk": "Павлодар",
        "city_ru": "Павлодар",
        "city_en": "Pavlodar",
        "address_kk": "Сәтбаев көшесі, 15",
        "address_ru": "улица Сатпаева, 15",
        "address_en": "15 Satpayev Street",
        "phone": "+7 7182 00 01 11",
        "email": "",
        "opening_hours_kk": "",
        "opening_hours_ru": "",
        "opening_hours_en": "",
        "services_kk": "Тегін кеңес беру",
        "services_ru": "Бесплатные консультации",
        "services_en": "Free counselling",
    }
    response = client.post("/admin/snippets/home/familysupportcentre/add/", data)
    assert response.status_code == 302
    centre = FamilySupportCentre.objects.get(region="pavlodar")
    assert centre.name_ru == "Павлодарский областной центр поддержки семьи"


def test_helpline_settings_form(client, editor):
    settings_id = HelplineSettings.load().pk
    response = client.get(f"/admin/settings/home/helplinesettings/{settings_id}/")
    assert response.status_code == 200
    html = response.content.decode()
    for code in ("kk", "ru", "en"):
        assert f'name="violence_description_{code}"' in html
        assert f'name="family_description_{code}"' in html
    assert 'name="quick_exit_url"' in html


def test_home_and_help_page_editors(client, editor, home_page, help_page):
    for page in (home_page, help_page):
        response = client.get(f"/admin/pages/{page.pk}/edit/")
        assert response.status_code == 200
        html = response.content.decode()
        assert 'name="title_ru"' in html and 'name="intro_en"' in html
