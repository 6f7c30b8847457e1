"""An IIN typed into an address by mistake is never written back into the page:
not in its language links, its hidden ``next`` fields, its sign-in links or its
canonical address."""

import re
from html import unescape
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from lms.factories import VALID_IINS

pytestmark = pytest.mark.django_db

IIN = VALID_IINS[0]


def page_text(response) -> str:
    html = response.content.decode()
    return html + unescape(html) + unquote(unescape(html))


def assert_not_written_back(response):
    text = page_text(response)
    assert IIN not in text
    assert IIN[:6] not in text and IIN[6:] not in text


@pytest.mark.parametrize(
    "address",
    [
        f"/kk/?iin={IIN}",
        f"/kk/?q={IIN[:6]}+{IIN[6:]}",
        f"/ru/?number={IIN[:4]}.{IIN[4:8]}.{IIN[8:]}",
        f"/kk/{IIN}/",
        f"/en/no-such-page/{IIN}/?x=1",
    ],
)
def test_pages_and_their_404s(client, home_page, address):
    response = client.get(address)
    assert response.status_code in (200, 404)
    assert_not_written_back(response)


def test_the_address_without_the_iin_stays_where_it_can(client, home_page):
    html = unescape(client.get(f"/kk/?iin={IIN}&x=1").content.decode())
    # The page's own address, without the query that held the IIN.
    assert 'name="next" value="/kk/#data-saver"' in html
    assert 'href="/ru/"' in html


def test_a_course_pages_sign_in_link(client, guide_course):
    lesson = guide_course.lessons()[0]
    response = client.get(f"{lesson.url}?from={IIN}")
    assert response.status_code == 200
    assert_not_written_back(response)
    # Without an IIN, the link comes back to the page, query and all.
    html = unescape(client.get(f"{lesson.url}?from=e-mail&x=1").content.decode())
    next_urls = {
        parse_qs(urlsplit(link).query)["next"][0]
        for link in re.findall(r'href="(/accounts/login/\?next=[^"]+)"', html)
    }
    assert next_urls == {f"{lesson.url}?from=e-mail&x=1"}


@pytest.mark.parametrize("suffix", ["pdf", "credential.jwt"])
@pytest.mark.parametrize(
    "typed", [IIN, f"{IIN[:6]}-{IIN[6:]}", f"id{IIN}", f"{IIN[:6]}.{IIN[6:]}"]
)
def test_certificate_downloads(client, learner, suffix, typed):
    response = client.get(f"/certificates/{typed}/{suffix}", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert "That looks like an IIN" in unescape(
        response.content.decode()
    )  # says what went wrong
    assert_not_written_back(response)
    client.force_login(learner)
    response = client.get(f"/certificates/{typed}/{suffix}")
    assert response.status_code == 404
    assert_not_written_back(response)
