import pytest

from tests.lms.oidc import switch_on_egov


@pytest.fixture
def egov(settings, monkeypatch, tmp_path):
    """The e-Government identity provider switched on, as in production."""
    return switch_on_egov(settings, monkeypatch, tmp_path)
