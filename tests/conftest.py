"""Shared fixtures: the Wagtail site tree and learners."""

import pytest


@pytest.fixture
def iin_valid():
    return "791028302728"
