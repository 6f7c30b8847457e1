"""The read-only admin listings (``lms.viewsets.ReadOnlyViewSet``): a row's page by
its integer id only, and an export only of a listing that names its columns."""

from django.http import Http404, StreamingHttpResponse
from django.test import RequestFactory

import pytest

from lms.factories import UserFactory
from lms.viewsets import ReadOnlyViewSet
from registry.models import RegistryCall, RegistryClient, WebhookDelivery
from registry.wagtail_hooks import RegistryCallViewSet, WebhookDeliveryViewSet

pytestmark = pytest.mark.django_db

READ_ONLY = {
    "registry_calls": RegistryCall,
    "registry_deliveries": WebhookDelivery,
}


@pytest.fixture
def superuser():
    return UserFactory(email="root@example.kz", is_staff=True, is_superuser=True)


@pytest.fixture
def staff_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def registry_rows():
    client = RegistryClient.objects.create(
        name="Registry", token_prefix="abcd", token_hash="0" * 64, webhook_secret="s"
    )
    RegistryCall.objects.create(
        client=client, kind="verify", http_status=200, result="valid"
    )
    WebhookDelivery.objects.create(
        client=client, event_type="certificate.revoked", payload={"a": 1}
    )


def test_every_read_only_model_has_an_integer_id():
    """``inspect/<int:pk>/`` finds every row of every model registered with it."""
    from django.db import models

    from progress.models import CourseCompletion, Enrollment, VideoProgress

    for model in (Enrollment, CourseCompletion, VideoProgress, *READ_ONLY.values()):
        assert isinstance(model._meta.pk, models.AutoField | models.BigAutoField)


@pytest.mark.parametrize("section", READ_ONLY)
def test_a_non_numeric_id_is_no_row(staff_client, registry_rows, section):
    row = READ_ONLY[section].objects.get()
    assert staff_client.get(f"/admin/{section}/inspect/{row.pk}/").status_code == 200
    for wrong in ("abc", "1x", "%20", "999999"):
        response = staff_client.get(f"/admin/{section}/inspect/{wrong}/")
        assert response.status_code == 404, wrong
        assert "wagtailadmin/404.html" in [t.name for t in response.templates], wrong


@pytest.mark.parametrize("export", ["csv", "xlsx", "pdf", ""])
def test_a_listing_without_export_columns_has_no_export(
    staff_client, registry_rows, export
):
    response = staff_client.get("/admin/registry_deliveries/", {"export": export})
    assert response.status_code == 404
    assert "Content-Disposition" not in response
    results = staff_client.get(
        "/admin/registry_deliveries/results/", {"export": export}
    )
    assert results.status_code == 404
    listing = staff_client.get("/admin/registry_deliveries/")
    assert listing.status_code == 200
    assert "export=csv" not in listing.content.decode()


def test_the_audit_log_exports_only_with_its_columns(staff_client, registry_rows):
    """Whether the audit log names export columns or not (it may), ``?export=``
    is either a real file or no page, never a file of blank lines."""
    response = staff_client.get("/admin/registry_calls/", {"export": "csv"})
    if RegistryCallViewSet().exports:
        assert response.status_code == 200
        lines = b"".join(response.streaming_content).decode().splitlines()
        assert len(lines) == 2 and all(line.strip(",") for line in lines)
    else:
        assert response.status_code == 404


class ExportingDeliveries(WebhookDeliveryViewSet):
    """The webhook outbox as it would be with export columns (same name, so that
    its addresses are those of the registered one)."""

    list_export = ["event_type", "certificate_number", "status", "attempts"]


class ExportingByItsView(WebhookDeliveryViewSet):
    index_view_class = type(
        "ExportingIndexView",
        (WebhookDeliveryViewSet.index_view_class,),
        {"list_export": ["event_type"]},
    )


def _index_view(viewset: ReadOnlyViewSet):
    return next(p for p in viewset.get_urlpatterns() if p.name == "index").callback


def test_whether_a_viewset_exports():
    assert not ReadOnlyViewSet.exports.fget(WebhookDeliveryViewSet())
    assert ExportingDeliveries().exports
    assert ExportingByItsView().exports


def test_a_listing_with_export_columns_still_exports(superuser, registry_rows):
    request = RequestFactory().get("/admin/registry_deliveries/", {"export": "csv"})
    request.user = superuser
    response = _index_view(ExportingDeliveries())(request)
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Disposition"].startswith("attachment")
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert len(lines) == 2
    assert "certificate.revoked" in lines[1]


def test_a_listing_without_them_refuses_to(superuser, registry_rows):
    request = RequestFactory().get("/admin/registry_deliveries/", {"export": "csv"})
    request.user = superuser
    with pytest.raises(Http404):
        _index_view(WebhookDeliveryViewSet())(request)
    request = RequestFactory().get("/admin/registry_deliveries/")
    request.user = superuser
    response = _index_view(WebhookDeliveryViewSet())(request)
    assert response.status_code == 200
