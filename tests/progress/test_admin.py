"""Staff look up a learner's progress in the admin; nobody edits it there."""

import re

import pytest

from lms.factories import UserFactory
from progress.models import CourseCompletion, Enrollment, VideoProgress

SECTIONS = ["progress_enrollments", "progress_completions", "progress_videos"]


@pytest.fixture
def progress_rows(guide_course, long_video):
    from django.utils import timezone

    aigerim = UserFactory(email="aigerim@example.kz", first_name="Әйгерім")
    daniyar = UserFactory(email="daniyar@example.kz", first_name="Данияр")
    for user in (aigerim, daniyar):
        Enrollment.objects.create(user=user, course=guide_course, language="kk")
        VideoProgress.objects.create(
            user=user, video=long_video, credit_clock=timezone.now(), watched_seconds=42
        )
    CourseCompletion.objects.create(user=aigerim, course=guide_course, language="ru")
    return aigerim, daniyar


@pytest.mark.django_db
@pytest.mark.parametrize("section", SECTIONS)
def test_staff_find_a_learner_by_email(admin_client, progress_rows, section):
    listing = admin_client.get(f"/admin/{section}/")
    assert listing.status_code == 200
    assert "aigerim@example.kz" in listing.content.decode()

    found = admin_client.get(f"/admin/{section}/", {"q": "daniyar"}).content.decode()
    assert "aigerim@example.kz" not in found
    if section != "progress_completions":  # Daniyar has not completed the guide
        assert "daniyar@example.kz" in found


@pytest.mark.django_db
@pytest.mark.parametrize("section", ["progress_enrollments", "progress_completions"])
def test_the_language_is_named_and_chosen_from_a_list(
    admin_client, progress_rows, section
):
    listing = admin_client.get(f"/admin/{section}/").content.decode()
    assert re.search(r"<td[^>]*>\s*(Қазақша|Русский)\s*</td>", listing)
    assert not re.search(r"<td[^>]*>\s*(kk|ru)\s*</td>", listing)
    assert 'type="radio" name="language" value="ru"' in listing
    # The filter keeps the rows in that language: Aigerim enrolled in Kazakh and
    # completed in Russian.
    russian = admin_client.get(f"/admin/{section}/", {"language": "ru"})
    in_russian = "aigerim@example.kz" in russian.content.decode()
    assert in_russian == (section == "progress_completions")


@pytest.mark.django_db
@pytest.mark.parametrize("section", SECTIONS)
def test_progress_is_read_only_in_the_admin(admin_client, progress_rows, section):
    model = {
        "progress_enrollments": Enrollment,
        "progress_completions": CourseCompletion,
        "progress_videos": VideoProgress,
    }[section]
    row = model.objects.first()
    assert admin_client.get(f"/admin/{section}/inspect/{row.pk}/").status_code == 200
    for path in ["new/", f"edit/{row.pk}/", f"delete/{row.pk}/"]:
        response = admin_client.get(f"/admin/{section}/{path}", follow=True)
        assert response.status_code == 404
    listing = admin_client.get(f"/admin/{section}/").content.decode()
    assert f"/admin/{section}/new/" not in listing


@pytest.mark.django_db
def test_learners_cannot_see_it(client, progress_rows):
    client.force_login(progress_rows[0])
    for section in SECTIONS:
        assert client.get(f"/admin/{section}/").status_code in (302, 403)


def test_read_only_rows_are_not_tracked_for_references():
    """Saving a heartbeat's row must not queue Wagtail's reference-index job."""
    from wagtail.models import ReferenceIndex

    from registry.models import RegistryCall, WebhookDelivery

    for model in (
        Enrollment,
        CourseCompletion,
        VideoProgress,
        RegistryCall,
        WebhookDelivery,
    ):
        assert model not in ReferenceIndex.tracked_models, model
