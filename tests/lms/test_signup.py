import logging
import re
import threading
import unicodedata
from html import unescape

from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.test import Client, RequestFactory
from django.utils import timezone

import pytest
from allauth.account.models import EmailAddress
from allauth.core import context

from lms import iin as iin_tools
from lms.factories import VALID_IINS, UserFactory
from lms.forms import CONSENT_REQUIRED, IIN_TAKEN, SignupForm
from lms.models import User
from tests.lms.i18n import tr

SIGNUP_URL = "/accounts/signup/"
INVALID_IIN = "Enter a valid IIN: 12 digits with a correct check digit."
PASSWORD = "Ainalayin-2026!"


def signup_data(**overrides):
    data = {
        "iin": VALID_IINS[0],
        "first_name": "Айгерім",
        "last_name": "Бекова",
        "email": "aigerim@example.kz",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "consent": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def field_errors(response, field):
    """The error texts shown under a field, as the page renders them."""
    html = response.content.decode()
    match = re.search(
        rf'<ul class="errorlist" id="id_{field}_error">(.*?)</ul>', html, re.S
    )
    if not match:
        return []
    return [unescape(e) for e in re.findall(r"<li>(.*?)</li>", match.group(1), re.S)]


def assert_nothing_created():
    assert User.objects.count() == 0
    assert EmailAddress.objects.count() == 0


@pytest.mark.django_db
def test_signup_page_has_the_contract_fields_in_order(client):
    response = client.get(SIGNUP_URL)
    assert response.status_code == 200
    html = response.content.decode()
    names = re.findall(r'<input[^>]* name="([a-z0-9_]+)"', html)
    form_names = [n for n in names if n not in ("csrfmiddlewaretoken", "next")]
    assert form_names == [
        "iin",
        "first_name",
        "last_name",
        "email",
        "password1",
        "password2",
        "consent",
    ]
    for name in form_names:
        assert f'<label for="id_{name}"' in html
    assert 'lang="kk"' in html
    assert "css/accounts.css" in html
    assert 'id="consent-text"' in html


@pytest.mark.django_db
def test_signup_creates_a_learner_with_hashed_iin_and_recorded_consent(client):
    before = timezone.now()
    response = client.post(SIGNUP_URL, signup_data(iin="791 028 302 728"))
    assert response.status_code == 302
    user = User.objects.get()
    assert user.email == "aigerim@example.kz"
    assert (user.first_name, user.last_name) == ("Айгерім", "Бекова")
    assert user.iin_hash == iin_tools.iin_hash(VALID_IINS[0])
    assert user.iin == VALID_IINS[0]
    assert VALID_IINS[0] not in user.iin_encrypted
    assert before <= user.consent_at <= timezone.now()
    assert user.preferred_language == "kk"
    assert user.check_password(PASSWORD)
    assert EmailAddress.objects.filter(user=user, primary=True).exists()
    # Signed in straight away.
    assert int(client.session["_auth_user_id"]) == user.pk


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_invalid_iin_is_refused_in_the_users_language(client, language):
    response = client.post(
        SIGNUP_URL,
        signup_data(iin="010101600586"),
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 200
    assert field_errors(response, "iin") == [tr(INVALID_IIN, language)]
    assert f'lang="{language}"' in response.content.decode()
    assert 'aria-describedby="id_iin_helptext id_iin_error"' in (
        response.content.decode()
    )
    assert 'aria-invalid="true"' in response.content.decode()
    assert_nothing_created()


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["kk", "ru"])
def test_duplicate_iin_is_refused_in_the_users_language(client, language):
    existing = UserFactory(iin=VALID_IINS[0], email="first@example.kz")
    response = client.post(
        SIGNUP_URL,
        signup_data(email="second@example.kz"),
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 200
    assert field_errors(response, "iin") == [tr(IIN_TAKEN, language)]
    assert list(User.objects.all()) == [existing]
    assert not EmailAddress.objects.filter(email="second@example.kz").exists()


NAME_RULE = (
    "Write the name in letters; spaces, hyphens and apostrophes may join its parts."
)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["kk", "ru"])
@pytest.mark.parametrize(
    "name", ["<img src=x onerror=alert(1)>", "Айгерім2", "---", "=HYPERLINK()"]
)
def test_a_name_that_is_no_name_is_refused(client, language, name):
    """Names are printed on certificates, as in an identity document."""
    response = client.post(
        SIGNUP_URL, signup_data(first_name=name), HTTP_ACCEPT_LANGUAGE=language
    )
    assert field_errors(response, "first_name") == [tr(NAME_RULE, language)]
    assert_nothing_created()


@pytest.mark.django_db
def test_names_of_any_alphabet_and_their_joiners_are_kept(client):
    response = client.post(
        SIGNUP_URL,
        signup_data(
            # An accent typed as a letter and a combining mark, as some
            # keyboards and copied text give it.
            first_name="  Әлия-Гүл  Ӓ\u0301",
            last_name="O’Neil  de la Cruz Jr. O‘g‘il",
        ),
    )
    assert response.status_code == 302
    user = User.objects.get()
    assert user.first_name == "Әлия-Гүл " + unicodedata.normalize("NFC", "Ӓ\u0301")
    assert user.last_name == "O’Neil de la Cruz Jr. O‘g‘il"


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["kk", "ru"])
def test_missing_consent_is_refused_in_the_users_language(client, language):
    response = client.post(
        SIGNUP_URL, signup_data(consent=None), HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 200
    assert field_errors(response, "consent") == [tr(CONSENT_REQUIRED, language)]
    assert_nothing_created()


@pytest.mark.django_db
def test_language_chosen_with_the_cookie_wins(client):
    client.cookies["django_language"] = "ru"
    response = client.post(SIGNUP_URL, signup_data(consent=None))
    assert field_errors(response, "consent") == [tr(CONSENT_REQUIRED, "ru")]


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["kk", "ru"])
def test_password_errors_are_in_the_users_language(client, language):
    response = client.post(
        SIGNUP_URL,
        signup_data(password1="12345678", password2="87654321"),
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert field_errors(response, "password2") == [
        tr("The two passwords do not match.", language)
    ]
    assert len(field_errors(response, "password1")) >= 1
    assert not any(
        "password" in error.lower() for error in field_errors(response, "password1")
    )
    assert_nothing_created()


@pytest.mark.django_db
def test_duplicate_email_is_refused(client):
    UserFactory(email="aigerim@example.kz")
    response = client.post(SIGNUP_URL, signup_data(), HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 200
    assert field_errors(response, "email")
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_an_address_another_account_only_added_is_free_to_sign_up_with(client):
    """Someone added the address to their own account and never confirmed it: a
    mistype, or a stranger's. Its owner still signs up with it, and the other
    account's unconfirmed addition is forgotten."""
    other = UserFactory(email="other@example.kz")
    EmailAddress.objects.create(
        user=other, email="Aigerim@example.kz", verified=False, primary=False
    )

    response = client.post(SIGNUP_URL, signup_data(), HTTP_ACCEPT_LANGUAGE="kk")

    assert response.status_code == 302, field_errors(response, "email")
    learner = User.objects.get(email="aigerim@example.kz")
    assert list(EmailAddress.objects.filter(email__iexact="aigerim@example.kz")) == [
        EmailAddress.objects.get(user=learner)
    ]
    assert (
        other.emailaddress_set.filter(email__iexact="aigerim@example.kz").count() == 0
    )


@pytest.mark.django_db
def test_an_address_another_account_confirmed_is_refused(client):
    other = UserFactory(email="other@example.kz")
    EmailAddress.objects.create(
        user=other, email="aigerim@example.kz", verified=True, primary=False
    )

    response = client.post(SIGNUP_URL, signup_data(), HTTP_ACCEPT_LANGUAGE="ru")

    assert field_errors(response, "email") == [
        tr("A user is already registered with this e-mail.", "ru")
    ]
    assert User.objects.count() == 1
    assert EmailAddress.objects.filter(email="aigerim@example.kz").count() == 1


@pytest.mark.django_db
def test_every_field_is_required(client):
    response = client.post(SIGNUP_URL, {}, HTTP_ACCEPT_LANGUAGE="kk")
    assert response.status_code == 200
    for name in ("iin", "first_name", "last_name", "email", "password1", "consent"):
        assert field_errors(response, name), name
    assert_nothing_created()


@pytest.mark.django_db
def test_a_sign_up_that_loses_the_race_for_an_iin_creates_nothing():
    """Another sign-up with the same IIN commits between validation and saving."""
    request = _request()
    form = SignupForm(data=signup_data(email="late@example.kz"))
    assert form.is_valid(), form.errors
    UserFactory(iin=VALID_IINS[0], email="early@example.kz")

    with context.request_context(request):
        user, response = form.try_save(request)

    assert user is None
    assert response.status_code == 200
    assert "iin" in form.errors
    assert list(User.objects.values_list("email", flat=True)) == ["early@example.kz"]
    assert not EmailAddress.objects.filter(email="late@example.kz").exists()


@pytest.mark.django_db
def test_a_sign_up_that_loses_the_race_for_an_email_creates_nothing():
    request = _request()
    form = SignupForm(data=signup_data(email="same@example.kz"))
    assert form.is_valid(), form.errors
    UserFactory(email="same@example.kz")

    with context.request_context(request):
        user, response = form.try_save(request)

    assert user is None and response.status_code == 200
    assert "email" in form.errors
    assert User.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_sign_ups_with_one_iin_make_one_account(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL")
    threads_count = 4
    barrier = threading.Barrier(threads_count, timeout=20)
    original_clean_iin = SignupForm.clean_iin

    def clean_iin_then_wait(form):
        value = original_clean_iin(form)
        barrier.wait()  # every request has passed the duplicate check
        return value

    monkeypatch.setattr(SignupForm, "clean_iin", clean_iin_then_wait)
    statuses = []

    def sign_up(n):
        try:
            response = Client().post(
                SIGNUP_URL, signup_data(email=f"racer{n}@example.kz")
            )
            statuses.append((response.status_code, field_errors(response, "iin")))
        finally:
            connection.close()

    threads = [threading.Thread(target=sign_up, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(code for code, _ in statuses) == [200, 200, 200, 302]
    assert all(errors for code, errors in statuses if code == 200)
    assert User.objects.count() == 1
    assert EmailAddress.objects.count() == 1


@pytest.mark.django_db
def test_the_iin_never_reaches_the_logs(client, caplog):
    caplog.set_level(logging.DEBUG)
    client.post(SIGNUP_URL, signup_data(iin="010101600586"))
    client.post(SIGNUP_URL, signup_data())
    client.post("/accounts/logout/")
    client.post("/accounts/login/", {"login": VALID_IINS[0], "password": "wrong"})
    client.post("/accounts/login/", {"login": VALID_IINS[0], "password": PASSWORD})
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "010101600586" not in logged
    assert VALID_IINS[0] not in logged
    assert iin_tools.encrypt_iin(VALID_IINS[0])[:20] not in logged


def _request():
    request = RequestFactory().post(SIGNUP_URL)
    request.session = SessionStore()
    request.user = AnonymousUser()
    request._messages = FallbackStorage(request)
    return request


def test_error_reports_hide_the_posted_iin(rf):
    from django.views.debug import ExceptionReporter

    request = rf.post(
        SIGNUP_URL, {"iin": VALID_IINS[0], "login": VALID_IINS[0], "email": "a@b.kz"}
    )
    try:
        raise RuntimeError("boom")
    except RuntimeError as error:
        report = ExceptionReporter(request, type(error), error, error.__traceback__)
        text = report.get_traceback_text()
    assert VALID_IINS[0] not in text
    assert "a@b.kz" in text  # other fields stay readable for debugging


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_an_account_page_under_a_language_prefix_opens_in_that_language(
    client, language
):
    """The account pages live at /accounts/…; a prefix typed by hand names the
    language instead of leading nowhere."""
    response = client.get(f"/{language}/accounts/signup/?next=/kk/dashboard/")
    assert response.status_code == 302
    assert response["Location"] == (
        f"/accounts/signup/?next=%2Fkk%2Fdashboard%2F&lang={language}"
    )
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert page["Content-Language"] == language
    assert client.post(f"/{language}/accounts/login/").status_code == 405
    # An IIN typed into the address is not written back into another one.
    response = client.get(f"/{language}/accounts/{VALID_IINS[0]}/")
    assert response.status_code == 404
    assert "Location" not in response
    response = client.get(
        f"/{language}/accounts/login/?login={VALID_IINS[0]}&next=/kk/dashboard/"
    )
    assert response["Location"] == (
        f"/accounts/login/?next=%2Fkk%2Fdashboard%2F&lang={language}"
    )
    # What the path says stays in the path, escaped as it came.
    response = client.get(f"/{language}/accounts/%3Fnext=//evil.example/")
    assert response["Location"].startswith("/accounts/%3Fnext%3D//evil.example/?")
