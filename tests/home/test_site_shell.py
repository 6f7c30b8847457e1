"""What every page carries: helplines, quick exit, language switcher."""

import datetime

from django.utils import formats, translation

import pytest

from home.models import HelplineSettings

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages(home_page, help_page, standard_page):
    return {
        "home": ("/kk/", 200),
        "help": ("/kk/komek/", 200),
        "standard": ("/kk/bagdarlama-turaly/", 200),
        "login": ("/accounts/login/", 200),
        "signup": ("/accounts/signup/", 200),
        "not found": ("/kk/no-such-page/", 404),
    }


@pytest.mark.parametrize(
    "which", ["home", "help", "standard", "login", "signup", "not found"]
)
def test_every_page_shows_helplines_and_quick_exit(client, pages, which):
    url, status = pages[which]
    response = client.get(url)
    assert response.status_code == status
    html = response.content.decode()
    assert 'href="tel:150"' in html
    assert 'href="tel:111"' in html
    assert 'class="quick-exit" id="quick-exit" href="https://www.google.com/"' in html
    assert '<main id="main"' in html and 'class="skip-link" href="#main"' in html
    assert 'class="language-switcher"' in html


def test_helplines_and_quick_exit_come_from_site_settings(client, home_page):
    helplines = HelplineSettings.load()
    helplines.quick_exit_url = "https://weather.example.kz/"
    helplines.family_description_ru = "Контакт-центр по защите прав семьи"
    helplines.save()
    html = client.get("/ru/").content.decode()
    assert 'href="https://weather.example.kz/"' in html
    assert "Контакт-центр по защите прав семьи" in html


def test_root_redirects_to_kazakh(client, home_page):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/kk/"


def test_switcher_links_to_the_same_page_with_its_translated_slug(client, help_page):
    html = client.get("/kk/komek/", {"region": "astana"}).content.decode()
    assert 'href="/ru/pomoshch/?region=astana" lang="ru"' in html
    assert 'href="/en/help/?region=astana" lang="en"' in html
    assert (
        'href="/kk/komek/?region=astana" lang="kk" hreflang="kk" aria-current="true"'
        in html
    )


def test_switcher_on_a_missing_page_leads_to_each_home(client, home_page):
    html = client.get("/ru/no-such-page/").content.decode()
    assert 'href="/kk/" lang="kk"' in html
    assert 'href="/en/" lang="en"' in html


def test_switcher_on_an_unprefixed_page_posts_to_set_language(client, home_page):
    html = client.get("/accounts/login/").content.decode()
    assert 'action="/i18n/setlang/"' in html
    assert 'name="language" value="ru"' in html
    response = client.post(
        "/i18n/setlang/", {"language": "ru", "next": "/accounts/login/"}
    )
    assert response.status_code == 302
    html = client.get("/accounts/login/").content.decode()
    assert '<html lang="ru"' in html


def test_pages_are_served_in_the_prefix_language(client, help_page, standard_page):
    html = client.get("/ru/o-programme/").content.decode()
    assert '<html lang="ru"' in html
    assert "Текст о программе" in html
    assert "<title>О программе" in html


def test_nav_shows_dashboard_only_when_signed_in(client, home_page, learner):
    assert "/kk/dashboard/" not in client.get("/kk/").content.decode()
    client.force_login(learner)
    html = client.get("/kk/").content.decode()
    assert 'href="/kk/dashboard/"' in html
    assert 'action="/accounts/logout/"' in html


def test_kazakh_dates_and_numbers():
    day = datetime.date(2026, 11, 23)
    with translation.override("kk"):
        assert formats.date_format(day) == "2026 ж. 23 қараша"
        assert formats.date_format(day, "SHORT_DATE_FORMAT") == "23.11.2026"
        assert formats.number_format(1234567.5, 1, force_grouping=True) == (
            "1\xa0234\xa0567,5"
        )
    with translation.override("ru"):
        assert formats.date_format(day) == "23 ноября 2026 г."


def test_footer_lists_text_pages_shown_in_menus(client, home_page, standard_page):
    assert 'href="/kk/bagdarlama-turaly/"' not in client.get("/kk/").content.decode()
    standard_page.show_in_menus = True
    standard_page.save_revision().publish()
    html = client.get("/ru/").content.decode()
    footer = html[html.index('<footer class="site-footer">') :]
    assert '<a href="/ru/o-programme/">О программе</a>' in footer


def test_server_error_page_keeps_helplines_and_quick_exit():
    from django.template.loader import render_to_string

    with translation.override("ru"):
        html = render_to_string("500.html")
    assert 'href="tel:150"' in html and 'href="tel:111"' in html
    assert 'id="quick-exit"' in html
    assert '<html lang="ru">' in html


def test_the_home_page_title_names_the_site_once(client, home_page, standard_page):
    import re

    home = client.get("/kk/").content.decode()
    (title,) = re.findall(r"<title>(.*?)</title>", home, re.S)
    assert title.strip() == home_page.title
    (title,) = re.findall(
        r"<title>(.*?)</title>", client.get("/ru/o-programme/").content.decode(), re.S
    )
    assert title.startswith("О программе — ")


@pytest.mark.django_db
def test_the_kazakh_site_name_on_russian_pages_is_marked_kazakh(client, home_page):
    russian = client.get("/ru/").content.decode()
    assert russian.count('<span lang="kk">Бақытты отбасы</span>') == 2  # header, ©
    kazakh = client.get("/kk/").content.decode()
    assert '<span lang="kk">' not in kazakh and "<span>Бақытты отбасы</span>" in kazakh
