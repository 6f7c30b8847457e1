"""Wagtail's admin speaks Kazakh, and its Russian stays Russian.

Wagtail ships no Kazakh catalogue; the project ships one in ``locale_wagtail``
(a LOCALE_PATHS entry). Every string of the Wagtail apps in INSTALLED_APPS must have
a Kazakh translation there, so that a Wagtail upgrade that brings new strings fails
here with the list of what to translate; and an editor whose admin language is
Kazakh sees Kazakh, not English, on the admin's pages and in its JavaScript.
"""

import json
import re
from html import unescape
from pathlib import Path

from django.apps import apps
from django.contrib.auth.models import Group
from django.utils import translation

from wagtail.users.models import UserProfile

import polib
import pytest

from lms.factories import UserFactory

# Strings that read the same in Kazakh (besides those made only of placeholders).
SAME_IN_KAZAKH = {"ID", "Wagtail API v2", "Wagtail API v3"}
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")


def wagtail_catalogue(app_name: str, domain: str = "django") -> Path:
    """The English source catalogue of an installed Wagtail app."""
    (config,) = [c for c in apps.get_app_configs() if c.name == app_name]
    return Path(config.path) / "locale" / "en" / "LC_MESSAGES" / f"{domain}.po"


def installed_wagtail_apps() -> list[str]:
    """The Wagtail apps in INSTALLED_APPS that come with strings to translate."""
    return [
        config.name
        for config in apps.get_app_configs()
        if (config.name == "wagtail" or config.name.startswith("wagtail."))
        and wagtail_catalogue(config.name).exists()
    ]


def reads_the_same(msgid: str) -> bool:
    return msgid in SAME_IN_KAZAKH or not re.search(
        "[A-Za-z]", PLACEHOLDER.sub("", msgid)
    )


def untranslated(entries, gettext, ngettext) -> list[str]:
    """The msgids of ``entries`` that come out empty or in English."""
    missing = []
    for entry in entries:
        if entry.obsolete or not entry.msgid or reads_the_same(entry.msgid):
            continue
        if entry.msgid_plural:
            english = [entry.msgid, entry.msgid_plural]
            shown = [ngettext(entry.msgid, entry.msgid_plural, n) for n in (1, 5)]
        elif entry.msgctxt:
            english = [entry.msgid]
            shown = [translation.pgettext(entry.msgctxt, entry.msgid)]
        else:
            english = [entry.msgid]
            shown = [gettext(entry.msgid)]
        pairs = zip(shown, english, strict=True)
        if any(not text.strip() or text == en for text, en in pairs):
            missing.append(entry.msgid)
    return missing


def catalogue_of(response) -> dict:
    """The messages of a JavaScriptCatalog response, as the browser gets them."""
    source = response.content.decode()
    return json.loads(re.search(r"const newcatalog = (\{.*?\});\n", source, re.S)[1])


def test_the_installed_wagtail_apps_have_catalogues():
    names = installed_wagtail_apps()
    for app in ("wagtail", "wagtail.admin", "wagtail.users", "wagtail.images"):
        assert app in names


@pytest.mark.parametrize("app_name", installed_wagtail_apps())
def test_every_wagtail_string_has_a_kazakh_translation(app_name):
    entries = polib.pofile(str(wagtail_catalogue(app_name)))
    with translation.override("kk"):
        missing = untranslated(entries, translation.gettext, translation.ngettext)
    assert missing == [], f"No Kazakh for {app_name}:\n" + "\n".join(missing)


def translated(entry) -> bool:
    return bool(
        entry
        and not entry.obsolete
        and "fuzzy" not in entry.flags
        and (entry.msgstr or all((entry.msgstr_plural or {0: ""}).values()))
    )


@pytest.mark.parametrize("app_name", installed_wagtail_apps())
def test_russian_admins_never_get_the_kazakh_text(app_name, settings):
    """Django falls back to the default language (Kazakh) for a string missing
    from a catalogue, so every string that Wagtail leaves without Russian has it
    in one of the project's Russian catalogues."""
    english = wagtail_catalogue(app_name)
    wagtail_russian = english.parents[2] / "ru" / "LC_MESSAGES" / "django.po"
    theirs = {
        (e.msgctxt, e.msgid): e
        for e in (
            polib.pofile(str(wagtail_russian)) if wagtail_russian.exists() else []
        )
    }
    ours = {}
    for path in settings.LOCALE_PATHS:
        catalogue = Path(path) / "ru" / "LC_MESSAGES" / "django.po"
        if catalogue.exists():
            ours.update({(e.msgctxt, e.msgid): e for e in polib.pofile(str(catalogue))})
    missing = [
        entry.msgid
        for entry in polib.pofile(str(english))
        if entry.msgid
        and not reads_the_same(entry.msgid)
        and not translated(theirs.get((entry.msgctxt, entry.msgid)))
        and not translated(ours.get((entry.msgctxt, entry.msgid)))
    ]
    assert missing == [], f"No Russian for {app_name}:\n" + "\n".join(missing)


@pytest.fixture
def kazakh_admin(db):
    """A superuser whose Wagtail admin is in Kazakh, signed in."""
    user = UserFactory(is_staff=True, is_superuser=True, email="admin@example.kz")
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "kk"
    profile.save()
    return user


@pytest.fixture
def admin_page(client, kazakh_admin):
    """The HTML of an admin page as the Kazakh admin gets it."""
    client.force_login(kazakh_admin)

    def get(url: str) -> str:
        response = client.get(url)
        assert response.status_code == 200, url
        return unescape(response.content.decode())

    return get


def assert_kazakh(page: str, kazakh: list[str], english: list[str]) -> None:
    assert [text for text in kazakh if text not in page] == []
    assert [text for text in english if text in page] == []


def test_the_dashboard_is_in_kazakh(admin_page, home_page):
    assert_kazakh(
        admin_page("/admin/"),
        ["Басқару тақтасы", "Сайт бойынша қысқаша мәлімет", "Барлық беттерден іздеу…"],
        ["Dashboard", "Site summary", "Search all pages…"],
    )


def test_the_page_explorer_is_in_kazakh(admin_page, guide_course):
    assert_kazakh(
        admin_page(f"/admin/pages/{guide_course.pk}/"),
        ["Іздеу…", "Сүзгілерді көрсету", "1-бет, барлығы 1"],
        ["Search…", "Show filters", "Page 1 of 1"],
    )


def test_the_page_editor_is_in_kazakh(admin_page, guide_course):
    assert_kazakh(
        admin_page(f"/admin/pages/{guide_course.pk}/edit/"),
        ["Басқа әрекеттер", "Жобаны сақтау", "Жаңа қойындыда алдын ала қарау"],
        ["More actions", "Save draft", ">Publish<", "Preview in new tab"],
    )


def test_the_images_listing_is_in_kazakh(admin_page):
    assert_kazakh(
        admin_page("/admin/images/"),
        ["Іздеу…", "Сурет қосу", "Сіз әлі ешбір сурет жүктемедіңіз."],
        ["Search…", "Add an image", "You haven't uploaded any images."],
    )


def test_the_users_listing_is_in_kazakh(admin_page):
    assert_kazakh(
        admin_page("/admin/users/"),
        ["Іздеу…", "Пайдаланушы қосу", "Соңғы кіруі", "Рұқсат деңгейі"],
        ["Search…", "Add a user", "Last login", "Access level"],
    )


def test_a_group_is_edited_in_kazakh(admin_page):
    group = Group.objects.create(name="Курс редакторлары")
    assert_kazakh(
        admin_page(f"/admin/groups/edit/{group.pk}/"),
        ["Нысандарға рұқсаттар", "Арнайы рұқсаттар", "Беттерге рұқсаттар"],
        ["Object permissions", "Custom permissions", "Page permissions"],
    )


def test_the_admin_javascript_speaks_kazakh(client, kazakh_admin):
    client.force_login(kazakh_admin)
    catalogue = catalogue_of(client.get("/admin/jsi18n/"))

    assert catalogue["More actions"] == "Басқа әрекеттер"
    assert catalogue["Save"] == "Сақтау"
    entries = polib.pofile(str(wagtail_catalogue("wagtail.admin", "djangojs")))
    missing = untranslated(
        entries,
        lambda msgid: catalogue.get(msgid, msgid),
        lambda msgid, plural, n: catalogue.get(msgid, [msgid, plural])[n != 1],
    )
    assert missing == [], "No Kazakh in the JavaScript for:\n" + "\n".join(missing)


@pytest.mark.parametrize(
    ("seconds", "kazakh"),
    [
        (19, "19\u00a0секунд бұрын"),
        (60, "бір минут бұрын"),
        (3 * 3600, "3\u00a0сағат бұрын"),
        (3 * 86400, "3\u00a0күн бұрын"),
    ],
)
def test_how_long_ago_is_said_in_kazakh(seconds, kazakh):
    """The admin says when a page was last changed with Django's humanize, which
    has no Kazakh for it."""
    import datetime

    from django.contrib.humanize.templatetags.humanize import naturaltime
    from django.utils import timezone, translation

    with translation.override("kk"):
        moment = timezone.now() - datetime.timedelta(seconds=seconds)
        assert naturaltime(moment) == kazakh


def test_slug_errors_are_in_the_editors_language(client, kazakh_admin, guide_course):
    """wagtail-modeltranslation translates each slug's error while that slug's
    language is active, and its copy form before filling in the parent page."""
    from wagtail.models import Page

    client.force_login(kazakh_admin)
    guide_course.slug_kk, guide_course.slug_ru, guide_course.slug_en = "a", "b", "c"
    guide_course.save()
    parent = guide_course.get_parent()
    copied = client.post(
        f"/admin/pages/{guide_course.pk}/copy/",
        {
            "new_title_kk": "Көшірме",
            "new_slug_kk": "a",
            "new_slug_ru": "b",
            "new_slug_en": "c",
            "new_parent_page": parent.pk,
        },
    )
    page = unescape(copied.content.decode())
    title = Page.objects.get(pk=parent.pk).specific.get_admin_display_title()
    assert f"Бұл URL бөлігі (slug) «{title}» жоғарғы бетінің ішінде бос емес" in page
    assert "already in use" not in page

    sibling = guide_course.copy(
        update_attrs={"slug_kk": "basqa", "slug_ru": "drugoi", "slug_en": "other"}
    )
    edit = client.get(f"/admin/pages/{sibling.pk}/edit/")
    data = {
        field.html_name: field.value()
        for field in edit.context["form"]
        if field.value() is not None and not isinstance(field.value(), list)
    }
    data.update(slug_en="c")
    edited = unescape(
        client.post(f"/admin/pages/{sibling.pk}/edit/", data).content.decode()
    )
    assert "Бұл URL бөлігі (slug) бос емес" in edited
    assert "already in use" not in edited


def test_a_listing_counts_its_rows_without_a_plural_after_the_number(
    admin_page, kazakh_admin
):
    """Kazakh keeps a noun singular after a number: no "3 бейнелер"."""
    from courses.factories import VideoFactory

    VideoFactory.create_batch(3)
    page = re.sub(r"\s+", " ", admin_page("/admin/snippets/courses/video/"))
    assert "Бейнелер: 3" in page
    assert "3 бейнелер" not in page
    # English keeps its own order.
    profile = UserProfile.get_for_user(kazakh_admin)
    profile.preferred_language = "en"
    profile.save()
    english = re.sub(r"\s+", " ", admin_page("/admin/snippets/courses/video/"))
    assert "3 Videos" in english or "3 videos" in english
