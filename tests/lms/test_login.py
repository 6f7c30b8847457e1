import random
import re
import uuid
from html import unescape

from django.contrib.auth.models import Permission

import pytest

from lms.adapters import AccountAdapter
from lms.factories import VALID_IINS, UserFactory
from tests.conftest import forget_cache_keys
from tests.lms.i18n import tr

LOGIN_URL = "/accounts/login/"
LOGOUT_URL = "/accounts/logout/"
PASSWORD = "pass-word-123"  # lms.factories.UserFactory
MISMATCH = AccountAdapter.error_messages["email_password_mismatch"]
TOO_MANY = AccountAdapter.error_messages["too_many_login_attempts"]


def fresh_ip():
    """A client address of its own: rate-limit counters live in the cache, which
    outlives a test (and, on Redis, a test run)."""
    n = random.getrandbits(24)
    return f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"


def fresh_email(name):
    return f"{name}-{uuid.uuid4().hex[:12]}@example.kz"


def login(client, login_value, password=PASSWORD, ip=None, language="kk"):
    return client.post(
        LOGIN_URL,
        {"login": login_value, "password": password},
        REMOTE_ADDR=ip or fresh_ip(),
        HTTP_ACCEPT_LANGUAGE=language,
    )


def signed_in_user_id(client):
    value = client.session.get("_auth_user_id")
    return int(value) if value else None


def page_errors(response):
    html = response.content.decode()
    found = re.findall(r'<ul class="errorlist[^"]*"[^>]*>\s*<li>(.*?)</li>', html, re.S)
    return [unescape(error) for error in found]


@pytest.fixture
def account(db):
    return UserFactory(iin=VALID_IINS[0], email=fresh_email("aigerim"))


@pytest.fixture
def login_limits(settings):
    """allauth's limits switched on for this test (the test settings turn them off),
    with no failure counted yet: an IIN's count outlives a test on Redis, and the
    tests share their IINs."""
    forget_cache_keys("*allauth:rl:allauth.account:login_failed:*")
    settings.ACCOUNT_RATE_LIMITS = {
        "login": "100/m/ip",
        "login_failed": "20/m/ip,3/5m/key",
    }
    yield settings.ACCOUNT_RATE_LIMITS
    forget_cache_keys("*allauth:rl:allauth.account:login_failed:*")


def test_login_page_has_the_contract_fields(client, db):
    response = client.get(LOGIN_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<label for="id_login">{tr("IIN or e-mail", "kk")}</label>' in html
    assert f'<label for="id_password">{tr("Password", "kk")}</label>' in html
    assert 'name="login"' in html and 'name="password"' in html
    assert 'autocomplete="current-password"' in html
    assert "/accounts/signup/" in html and "/accounts/password/reset/" in html


@pytest.mark.parametrize(
    "login_value",
    [
        VALID_IINS[0],
        "791 028 302 728",
        "791028–302728",  # an en dash, as a phone's keyboard makes of "--"
        "７９１０２８３０２７２８",  # full-width digits
        "٧٩١٠٢٨٣٠٢٧٢٨",  # Arabic-Indic digits
        "email",
        "EMAIL",
    ],
)
def test_learner_signs_in_with_iin_or_email(client, account, login_value):
    if login_value == "email":
        login_value = account.email
    elif login_value == "EMAIL":
        login_value = account.email.upper()
    response = login(client, login_value)
    assert response.status_code == 302
    assert signed_in_user_id(client) == account.pk


def test_learner_signs_out_and_in_again(client, account):
    login(client, VALID_IINS[0])
    response = client.post(LOGOUT_URL)
    assert response.status_code == 302
    assert signed_in_user_id(client) is None
    login(client, account.email)
    assert signed_in_user_id(client) == account.pk


def test_logout_page_asks_before_signing_out(client, account):
    login(client, VALID_IINS[0])
    response = client.get(LOGOUT_URL, HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 200
    assert 'action="/accounts/logout/"' in response.content.decode()
    assert signed_in_user_id(client) == account.pk


@pytest.mark.parametrize("language", ["kk", "ru"])
@pytest.mark.parametrize("login_value", [VALID_IINS[0], "email", VALID_IINS[2]])
def test_wrong_password_or_unknown_iin_gives_one_message(
    client, account, language, login_value
):
    if login_value == "email":
        login_value = account.email
    response = login(client, login_value, password="wrong-password", language=language)
    assert response.status_code == 200
    assert page_errors(response) == [tr(MISMATCH, language)]
    assert signed_in_user_id(client) is None


@pytest.mark.parametrize(
    "login_value,expected",
    [
        ("010101600586", "Enter a valid IIN: 12 digits with a correct check digit."),
        ("Айгерім", "Enter your IIN (12 digits) or your e-mail address."),
        ("a b@c", "Enter your IIN (12 digits) or your e-mail address."),
    ],
)
def test_malformed_login_is_explained(client, account, login_value, expected):
    response = login(client, login_value, language="ru")
    assert response.status_code == 200
    assert page_errors(response) == [tr(expected, "ru")]
    assert signed_in_user_id(client) is None


def test_failed_logins_lock_the_name_typed_after_the_limit(
    client, account, login_limits
):
    ip = fresh_ip()
    for attempt in range(3):
        response = login(client, VALID_IINS[0], password=f"guess-{attempt}", ip=ip)
        assert page_errors(response) == [tr(MISMATCH, "kk")]

    # The right password no longer helps through the IIN, however it is written.
    for value in (VALID_IINS[0], "791 028 302 728"):
        response = login(client, value, ip=fresh_ip(), language="ru")
        assert response.status_code == 200
        assert page_errors(response) == [tr(TOO_MANY, "ru")]
        assert signed_in_user_id(client) is None


def test_guesses_through_the_iin_say_nothing_of_the_email(
    client, account, login_limits
):
    """Counted for the account, guesses through the IIN would lock its e-mail
    address too, and anyone knowing both could tell they are one person's."""
    for attempt in range(4):
        login(client, VALID_IINS[0], password=f"guess-{attempt}", ip=fresh_ip())

    response = login(client, account.email, password="guess-4", ip=fresh_ip())
    assert page_errors(response) == [tr(MISMATCH, "kk")]
    response = login(client, account.email, ip=fresh_ip())
    assert response.status_code == 302
    assert signed_in_user_id(client) == account.pk


def test_guesses_through_the_email_count_for_the_email(client, account, login_limits):
    for attempt in range(3):
        login(client, account.email.upper(), password=f"guess-{attempt}", ip=fresh_ip())
    response = login(client, account.email, ip=fresh_ip())
    assert page_errors(response) == [tr(TOO_MANY, "kk")]
    assert login(client, VALID_IINS[0], ip=fresh_ip()).status_code == 302


def test_a_password_reset_clears_the_count_of_every_name(
    client, account, login_limits, mailoutbox
):
    for attempt in range(3):
        login(client, VALID_IINS[0], password=f"guess-{attempt}", ip=fresh_ip())
        login(client, account.email, password=f"guess-{attempt}", ip=fresh_ip())
    assert page_errors(login(client, VALID_IINS[0])) == [tr(TOO_MANY, "kk")]

    client.post("/accounts/password/reset/", {"email": account.email})
    link = re.search(
        r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", mailoutbox[0].body
    )
    action = client.get(link.group(1), follow=True).request["PATH_INFO"]
    new = "Jana-Qupiya-2026!"
    assert client.post(action, {"password1": new, "password2": new}).status_code == 302

    for value in (VALID_IINS[0], account.email):
        client.post(LOGOUT_URL)
        assert login(client, value, password=new).status_code == 302


def test_the_lock_is_per_account(client, account, login_limits):
    other = UserFactory(iin=VALID_IINS[1], email=fresh_email("nurlan"))
    ip = fresh_ip()
    for attempt in range(4):
        login(client, VALID_IINS[0], password=f"guess-{attempt}", ip=ip)
    response = login(client, VALID_IINS[1], ip=ip)
    assert response.status_code == 302
    assert signed_in_user_id(client) == other.pk


def test_the_lock_is_per_address(client, account, login_limits, settings):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "3/5m/ip"}
    ip = fresh_ip()
    for n in range(3):
        login(client, fresh_email(f"nobody{n}"), password="guess", ip=ip)
    response = login(client, VALID_IINS[0], ip=ip)
    assert page_errors(response) == [tr(TOO_MANY, "kk")]
    assert signed_in_user_id(client) is None

    response = login(client, VALID_IINS[0], ip=fresh_ip())
    assert response.status_code == 302
    assert signed_in_user_id(client) == account.pk


def test_a_successful_login_does_not_count_as_a_failure(client, account, login_limits):
    for _ in range(5):
        assert login(client, VALID_IINS[0]).status_code == 302
        client.post(LOGOUT_URL)


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_too_many_logins_from_one_address_get_a_translated_429_page(
    client, account, settings, language
):
    settings.ACCOUNT_RATE_LIMITS = {"login": "2/m/ip"}
    ip = fresh_ip()
    for _ in range(2):
        assert login(client, VALID_IINS[0], ip=ip, language=language).status_code == 302
        client.post(LOGOUT_URL)
    response = login(client, VALID_IINS[0], ip=ip, language=language)
    assert response.status_code == 429
    html = response.content.decode()
    assert tr("Too many requests", language) in html
    assert "150" in html and "111" in html  # the site shell, helplines included
    assert signed_in_user_id(client) is None


@pytest.mark.parametrize(
    ("path", "next_url"),
    [
        ("/admin/login/", "/admin/pages/"),
        ("/django-admin/login/", "/django-admin/"),
        ("/kk/_util/login/", "/kk/courses/"),
    ],
)
def test_other_sign_in_forms_lead_to_the_limited_one(client, db, path, next_url):
    for response in (
        client.get(path, {"next": next_url}),
        client.post(f"{path}?next={next_url}", {"username": "x", "password": "y"}),
    ):
        assert response.status_code == 302
        assert (
            response["Location"] == f"{LOGIN_URL}?next={next_url.replace('/', '%2F')}"
        )
    response = client.get(path, {"next": "https://evil.example/"})
    assert response["Location"] == LOGIN_URL


def test_the_admin_and_private_pages_ask_to_sign_in_on_the_limited_form(client, db):
    response = client.get("/admin/", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == f"{LOGIN_URL}?next=%2Fadmin%2F"


def test_an_editor_guessing_through_the_admin_is_locked_out_too(
    client, db, login_limits
):
    editor = UserFactory(
        email=fresh_email("editor"), is_staff=True, is_superuser=True, iin=None
    )
    ip = fresh_ip()
    for attempt in range(3):
        login(client, editor.email, password=f"guess-{attempt}", ip=ip)
    response = login(client, editor.email, ip=fresh_ip())
    assert page_errors(response) == [tr(TOO_MANY, "kk")]
    assert client.get("/admin/").status_code == 302


def test_sign_in_limits_count_the_address_the_proxies_saw(settings):
    # allauth's own limits and the project's (lms.ratelimit) count one address.
    assert settings.ALLAUTH_TRUSTED_PROXY_COUNT == settings.TRUSTED_PROXIES


@pytest.mark.parametrize("admin_language", ["ru", "en"])
def test_signing_in_to_the_admin_greets_in_the_admins_language(
    client, db, admin_language
):
    """The sign-in page is in the browser's language (Kazakh here); the admin it
    leads to is in the staff member's own, and so is the greeting shown there."""
    from wagtail.users.models import UserProfile

    editor = UserFactory(email=fresh_email("editor"), is_staff=True)
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    profile = UserProfile.get_for_user(editor)
    profile.preferred_language = admin_language
    profile.save()

    response = client.post(
        LOGIN_URL,
        {"login": editor.email, "password": PASSWORD, "next": "/admin/"},
        REMOTE_ADDR=fresh_ip(),
        HTTP_ACCEPT_LANGUAGE="kk",
        follow=True,
    )

    assert response.redirect_chain[-1][0] == "/admin/"
    page = unescape(response.content.decode())
    greeting = "You are signed in."
    if admin_language != "en":
        greeting = tr(greeting, admin_language)
    assert greeting in page
    assert tr("You are signed in.", "kk") not in page


def test_a_learner_is_greeted_in_the_sites_language(client, account):
    response = client.post(
        LOGIN_URL,
        {"login": account.email, "password": PASSWORD, "next": "/kk/dashboard/"},
        REMOTE_ADDR=fresh_ip(),
        HTTP_ACCEPT_LANGUAGE="kk",
        follow=True,
    )

    assert response.redirect_chain[-1][0] == "/kk/dashboard/"
    assert tr("You are signed in.", "kk") in unescape(response.content.decode())


@pytest.mark.parametrize("language", ["ru", "en", "kk"])
def test_the_greeting_is_in_the_language_of_the_page_signing_in_goes_back_to(
    client, account, language
):
    """Signed in from a page in one language, going back to a page in another:
    the greeting is read there, so it is written in that page's language."""
    other = "en" if language != "en" else "ru"
    client.cookies["django_language"] = other
    response = client.post(
        LOGIN_URL,
        {"login": account.email, "password": PASSWORD, "next": f"/{language}/couple/"},
        REMOTE_ADDR=fresh_ip(),
        HTTP_ACCEPT_LANGUAGE=other,
        follow=True,
    )

    assert response.redirect_chain[-1][0] == f"/{language}/couple/"
    page = unescape(response.content.decode())
    assert tr("You are signed in.", language) in page
    assert tr("You are signed in.", other) not in page


def test_the_admins_password_reset_leads_to_the_limited_one(
    client, account, mailoutbox
):
    for response in (
        client.get("/admin/password_reset/"),
        client.post("/admin/password_reset/", {"email": account.email}),
    ):
        assert response.status_code == 302
        assert response["Location"] == "/accounts/password/reset/"
    assert mailoutbox == []  # Wagtail's own form, which sent any number, is gone
    assert client.get("/admin/password_reset/done/", follow=True).status_code == 404


def test_only_staff_sign_in_by_sign_in_name(client, db):
    learner = UserFactory(email=fresh_email("learner"), sign_in_name="aigerim")
    for name in ("aigerim", "nobody"):  # a learner's name, a name nobody has
        response = login(client, name, language="ru")
        assert response.status_code == 200
        # The same answer as a wrong password: which names exist is not told.
        assert page_errors(response) == [tr(MISMATCH, "ru")]
    learner.is_staff = True
    learner.save(update_fields=["is_staff"])
    assert login(client, "aigerim").status_code == 302
    assert signed_in_user_id(client) == learner.pk


def test_signing_in_leads_to_my_learning_in_the_learners_language(client, db):
    learner = UserFactory(email=fresh_email("learner"), preferred_language="ru")
    response = client.post(
        LOGIN_URL,
        {"login": learner.email, "password": PASSWORD},
        REMOTE_ADDR=fresh_ip(),
        HTTP_ACCEPT_LANGUAGE="en",
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/ru/dashboard/"
    assert tr("You are signed in.", "ru") in unescape(response.content.decode())


def test_signing_up_leads_to_my_learning(client, db):
    response = client.post(
        "/accounts/signup/",
        {
            "iin": VALID_IINS[2],
            "first_name": "Әлия",
            "last_name": "Серікова",
            "email": fresh_email("aliya"),
            "password1": "Zhana-kupiya-soz-7",
            "password2": "Zhana-kupiya-soz-7",
            "consent": "on",
        },
        REMOTE_ADDR=fresh_ip(),
        HTTP_ACCEPT_LANGUAGE="kk",
    )
    assert response.status_code == 302
    assert response["Location"] == "/kk/dashboard/"


def test_switching_language_becomes_the_accounts_language(client, db):
    learner = UserFactory(email=fresh_email("learner"), preferred_language="kk")
    client.force_login(learner)
    response = client.post("/i18n/setlang/", {"language": "ru", "next": "/ru/"})
    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.preferred_language == "ru"
    client.post("/i18n/setlang/", {"language": "xx", "next": "/"})  # ignored
    learner.refresh_from_db()
    assert learner.preferred_language == "ru"
    client.logout()
    response = client.post(
        LOGIN_URL,
        {"login": learner.email, "password": PASSWORD},
        REMOTE_ADDR=fresh_ip(),
        HTTP_ACCEPT_LANGUAGE="kk",
    )
    assert response["Location"] == "/ru/dashboard/"


def test_switching_with_the_pages_links_becomes_the_accounts_language(client, db):
    """The switcher on pages under a language prefix is a plain link."""
    learner = UserFactory(email=fresh_email("learner"), preferred_language="ru")
    client.force_login(learner)
    here = "http://testserver/ru/dashboard/"

    def language_after(**headers):
        client.get("/kk/dashboard/", **headers)
        learner.refresh_from_db()
        return learner.preferred_language

    # Not chosen on this site: a shared link, a bookmark, a page of another site
    # naming this one, a page of this site in the same language.
    assert language_after(HTTP_SEC_FETCH_SITE="cross-site") == "ru"
    assert language_after(HTTP_SEC_FETCH_SITE="none") == "ru"
    assert language_after(HTTP_REFERER="https://elsewhere.example/ru/") == "ru"
    assert language_after(HTTP_REFERER="http://testserver/kk/") == "ru"
    assert language_after(HTTP_REFERER="http://testserver/accounts/login/") == "ru"
    client.get("/en/no-such-page/", HTTP_REFERER=here)  # not a page
    learner.refresh_from_db()
    assert learner.preferred_language == "ru"

    assert language_after(HTTP_REFERER=here, HTTP_SEC_FETCH_SITE="same-origin") == "kk"
    client.logout()
    response = client.post(
        LOGIN_URL,
        {"login": learner.email, "password": PASSWORD},
        REMOTE_ADDR=fresh_ip(),
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    assert response["Location"] == "/kk/dashboard/"


def test_a_shared_link_opened_by_signing_in_keeps_the_accounts_language(client, db):
    learner = UserFactory(email=fresh_email("learner"), preferred_language="kk")
    shared = "/ru/dashboard/"
    response = client.get(shared, HTTP_SEC_FETCH_SITE="cross-site")
    assert response.status_code == 302  # to sign in, and back
    response = client.post(
        LOGIN_URL + "?next=" + shared,
        {"login": learner.email, "password": PASSWORD, "next": shared},
        REMOTE_ADDR=fresh_ip(),
    )
    assert response["Location"] == shared
    client.get(
        shared,
        HTTP_SEC_FETCH_SITE="same-origin",
        HTTP_REFERER="http://testserver" + LOGIN_URL + "?next=" + shared,
    )
    learner.refresh_from_db()
    assert learner.preferred_language == "kk"


NEW = "Zhana-kupiya-soz-7"


def test_account_messages_are_in_the_pages_language(client, db):
    learner = UserFactory(email=fresh_email("learner"), preferred_language="kk")
    client.force_login(learner)
    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": NEW, "password2": NEW},
        HTTP_ACCEPT_LANGUAGE="ru",
        follow=True,
    )
    assert tr("Your password has been changed.", "ru") in unescape(
        response.content.decode()
    )


def test_staff_given_a_group_in_the_admin_sign_in_by_sign_in_name(client, db):
    """Wagtail's admin makes users without Django's ``is_staff`` flag: a staff
    group is what makes them staff."""
    from django.contrib.auth.models import Group

    editor = UserFactory(email=fresh_email("editor"), sign_in_name="neweditor")
    assert login(client, "neweditor").status_code == 200
    group = Group.objects.create(name="Editors of this test")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    editor.groups.add(group)
    assert login(client, "neweditor").status_code == 302
    assert signed_in_user_id(client) == editor.pk


def test_a_learner_who_opens_the_admin_is_told_there_is_no_access(client, db):
    """Sent to sign in by the admin, a signed-in learner was sent back to the
    admin by the sign-in page, and round (too many redirects)."""
    learner = UserFactory(email=fresh_email("learner"))
    client.force_login(learner)
    response = client.get("/admin/", follow=True)
    assert [url for url, _status in response.redirect_chain] == [
        "/admin/login/?next=/admin/"
    ]
    assert response.status_code == 403
    html = unescape(response.content.decode())
    assert (
        tr(
            "You are signed in, but this account may not open that page. To use "
            "another account, sign out and sign in with it.",
            "kk",
        )
        in html
    )
    assert 'action="/accounts/logout/"' in html


@pytest.mark.django_db
def test_a_learner_outside_a_pages_group_is_told_there_is_no_access(client, home_page):
    """A page for a group's members: the sign-in page would send a signed-in
    learner back to it, and round."""
    from django.contrib.auth.models import Group

    from wagtail.models import PageViewRestriction

    from home.factories import StandardPageFactory

    page = StandardPageFactory(parent=home_page, slug="members")
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(Group.objects.create(name="Members"))
    client.force_login(UserFactory(email=fresh_email("learner")))

    response = client.get(page.get_url(), follow=True)

    assert response.status_code == 403
    assert len(response.redirect_chain) == 1
    assert response.redirect_chain[0][0].startswith("/kk/_util/login/?next=")


def test_switching_language_on_the_sign_in_page_keeps_it_after_signing_in(
    client, db, guide_course
):
    from urllib.parse import parse_qs, urlsplit

    from django.utils import translation

    lesson = guide_course.lessons()[0]
    lesson.slug_ru = "urok-1"
    lesson.save()
    with translation.override("en"):
        back_to = lesson.get_url()
    with translation.override("ru"):
        expected = lesson.get_url()
    assert back_to.startswith("/en/") and expected.endswith("/urok-1/")

    for switched_from, then in (
        (back_to, expected),
        ("/en/dashboard/", "/ru/dashboard/"),
        ("/en/no-such-page/", "/ru/"),
    ):
        response = client.post(
            "/i18n/setlang/",
            {"language": "ru", "next": f"/accounts/login/?next={switched_from}"},
        )
        location = urlsplit(response["Location"])
        assert location.path == "/accounts/login/"
        assert parse_qs(location.query)["next"] == [then]
    # Nothing to go back to: left alone.
    plain = client.post(
        "/i18n/setlang/", {"language": "kk", "next": "/accounts/login/"}
    )
    assert plain["Location"] == "/accounts/login/"


@pytest.mark.parametrize("page", ["/accounts/signup/", "/accounts/login/"])
def test_switching_on_a_page_opened_in_a_language_by_its_link_switches(
    client, db, page
):
    """The header's sign-in and sign-up links name the page's language
    (``?lang=ru``); the switcher on the page they open then picks another."""
    opened = client.get(f"{page}?next=%2Fru%2Fdashboard%2F&lang=ru")
    assert '<html lang="ru"' in opened.content.decode()
    next_url = f"{page}?next=%2Fru%2Fdashboard%2F&lang=ru"
    assert f'value="{next_url.replace("&", "&amp;")}"' in opened.content.decode()

    switched = client.post("/i18n/setlang/", {"language": "kk", "next": next_url})
    assert switched["Location"] == f"{page}?next=%2Fkk%2Fdashboard%2F"
    page_now = client.get(switched["Location"], HTTP_ACCEPT_LANGUAGE="ru")
    assert '<html lang="kk"' in page_now.content.decode()


def _sign_in_with_nothing_to_go_back_to(client, account):
    return client.post(
        LOGIN_URL,
        {"login": account.email, "password": PASSWORD},
        REMOTE_ADDR=fresh_ip(),
        follow=True,
    )


@pytest.mark.parametrize("switch", ["link", "form"])
def test_a_language_chosen_just_before_signing_in_wins_and_becomes_the_accounts(
    client, account, home_page, switch
):
    """On a new device, a visitor switches the page to Russian, then signs in to
    an account kept in Kazakh: they land in Russian, which the account keeps."""
    account.keep_language("kk")
    client.get("/kk/")
    if switch == "link":  # the switcher on a page: the same page in Russian
        client.get("/ru/", HTTP_REFERER="http://testserver/kk/")
    else:  # the switcher on the sign-in page
        client.post("/i18n/setlang/", {"language": "ru", "next": LOGIN_URL})

    response = _sign_in_with_nothing_to_go_back_to(client, account)

    assert response.redirect_chain[-1][0] == "/ru/dashboard/"
    assert tr("You are signed in.", "ru") in unescape(response.content.decode())
    account.refresh_from_db()
    assert account.preferred_language == "ru"


def test_a_page_only_visited_before_signing_in_leaves_the_accounts_language(
    client, account, home_page
):
    """Opening the home page (in Kazakh, the default) chooses nothing."""
    account.keep_language("ru")
    client.get("/kk/")
    client.get("/kk/", HTTP_REFERER="http://testserver/kk/")

    response = _sign_in_with_nothing_to_go_back_to(client, account)

    assert response.redirect_chain[-1][0] == "/ru/dashboard/"
    account.refresh_from_db()
    assert account.preferred_language == "ru"
