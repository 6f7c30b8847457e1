"""The certificate number form, as a screen reader meets it: the field is
described by its help line, and by the error when there is one, which stands by
the field, before the button, not after it."""

from html.parser import HTMLParser

from django.core.cache import cache

import pytest

from lms.factories import VALID_IINS
from tests.lms.i18n import tr

pytestmark = pytest.mark.django_db

HELP = (
    "The number is printed on the certificate, under the date of issue. Letters "
    "may be typed in lower case."
)
NOT_A_NUMBER = (
    "This is not a valid certificate number. Check each character: the number "
    "looks like BKO-7K2M-9QXD-4HT8."
)
AN_IIN = (
    "That looks like an IIN. Type the certificate number instead: it starts with BKO-."
)


@pytest.fixture(autouse=True)
def fresh_throttle():
    cache.clear()
    yield
    cache.clear()


class NumberForm(HTMLParser):
    """The form's elements in page order, and the text of each element by id."""

    def __init__(self):
        super().__init__()
        self.inside = False
        self.order = []  # ("input", attrs) / ("button", attrs) / ("p", attrs)
        self.texts = {}
        self._open = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and "cert-form" in (attrs.get("class") or ""):
            self.inside = True
        if not self.inside:
            return
        if tag in ("input", "button", "p"):
            self.order.append((tag, attrs))
        if attrs.get("id"):
            self._open.append([attrs["id"], tag, ""])

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        if self._open and self._open[-1][1] == tag:
            element, _, text = self._open.pop()
            self.texts[element] = " ".join(text.split())

    def handle_data(self, data):
        for element in self._open:
            element[2] += data

    def field(self) -> dict:
        return next(a for tag, a in self.order if a.get("name") == "number")

    def described_by(self) -> list[str]:
        ids = (self.field().get("aria-describedby") or "").split()
        return [self.texts.get(element) for element in ids]

    def position(self, element: str) -> int:
        return next(i for i, (_, a) in enumerate(self.order) if a.get("id") == element)

    def button(self) -> int:
        return next(i for i, (tag, _) in enumerate(self.order) if tag == "button")


def number_form(response) -> NumberForm:
    assert response.status_code in (200, 404)
    form = NumberForm()
    form.feed(response.content.decode())
    return form


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_number_field_is_described_by_its_help_line(client, language):
    client.cookies["django_language"] = language
    form = number_form(client.get("/certificates/verify/"))
    assert form.described_by() == [tr(HELP, language)]
    assert "aria-invalid" not in form.field()


@pytest.mark.parametrize(
    "typed, error",
    [
        ("BKO-1234", NOT_A_NUMBER),
        ("not a number", NOT_A_NUMBER),
        (VALID_IINS[0], AN_IIN),
    ],
    ids=["short", "words", "iin"],
)
@pytest.mark.parametrize("method", ["post", "get"])
@pytest.mark.parametrize("language", ["kk", "ru"])
def test_a_wrong_number_is_described_by_the_error_next_to_the_field(
    client, language, method, typed, error
):
    client.cookies["django_language"] = language
    response = getattr(client, method)("/certificates/verify/", {"number": typed})
    form = number_form(response)
    field = form.field()
    assert field.get("aria-invalid") == "true"
    described = field["aria-describedby"].split()
    assert form.described_by() == [tr(error, language), tr(HELP, language)]
    # The error is read and seen by the field, before the button to send again.
    error_at = form.position(described[0])
    assert form.position(field["id"]) < error_at < form.button()


def test_an_unknown_number_page_describes_its_field_the_same_way(client):
    client.cookies["django_language"] = "ru"
    response = client.get("/certificates/verify/BKO-0000-0000-0000-0/")
    assert response.status_code == 404
    form = number_form(response)
    assert form.described_by()[-1] == tr(HELP, "ru")
