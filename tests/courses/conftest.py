from wagtail.users.models import UserProfile

import pytest

from lms.factories import UserFactory


@pytest.fixture
def editor(db):
    """A superuser whose admin is in English, so messages can be compared."""
    user = UserFactory(is_staff=True, is_superuser=True, email="editor@example.kz")
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    return user
