"""Assets no video plays any more are deleted from Mux after a week: the old asset
once a new upload has taken over, and a deleted video's. Only Mux's HTTP API is
mocked."""

import datetime

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

import pytest
import responses
from freezegun import freeze_time

from courses import services
from courses.models import ReplacedMuxAsset, Video
from tests.courses import test_mux
from tests.courses.test_mux import API, asset_ready, new_asset_event, post_event

# The Mux tests' fixtures.
mux_credentials = test_mux.mux_credentials
webhook_secret = test_mux.webhook_secret
playing_video = test_mux.playing_video

pytestmark = pytest.mark.django_db

LATER = datetime.timedelta(days=7, minutes=1)


def take_over(video):
    """A new upload of ``video`` became ready and took over."""
    Video.objects.filter(pk=video.pk).update(
        mux_new_upload_id="upload-new", mux_new_asset_id="asset-new"
    )
    video.refresh_from_db()
    asset = new_asset_event(
        "ready",
        "e-ready",
        duration=20.0,
        playback_ids=[{"id": "play-new", "policy": "public"}],
    )["data"]
    services.apply_new_asset(video, asset)
    video.refresh_from_db()
    assert video.mux_asset_id == "asset-new"


def deletions(asset_id="asset-old", status=204):
    return responses.delete(f"{API}/video/v1/assets/{asset_id}", status=status)


@responses.activate
def test_the_old_asset_is_kept_a_week_after_a_new_upload_took_over_then_deleted(
    mux_credentials, playing_video, django_capture_on_commit_callbacks
):
    video, _lesson = playing_video
    delete = deletions()
    with django_capture_on_commit_callbacks(execute=True):
        take_over(video)

    (retired,) = ReplacedMuxAsset.objects.all()
    assert retired.asset_id == "asset-old"
    kept = retired.delete_after - timezone.now()
    assert datetime.timedelta(days=6, hours=23) < kept <= datetime.timedelta(days=7)
    assert services.delete_replaced_asset("asset-old") == "not due"
    assert delete.call_count == 0

    with freeze_time(timezone.now() + LATER):
        assert services.delete_replaced_asset("asset-old") == "deleted"
        # Once only, however often the task or the sweep comes again.
        assert services.delete_replaced_asset("asset-old") == "unknown"
        assert services.delete_due_replaced_assets() == (0, [])
    assert delete.call_count == 1
    retired.refresh_from_db()
    assert retired.deleted_at is not None
    assert Video.objects.get(pk=video.pk).mux_asset_id == "asset-new"


def test_the_deletion_waits_in_the_queue_until_it_is_due(
    mux_credentials, playing_video, django_capture_on_commit_callbacks
):
    if "RQBackend" not in settings.TASKS["default"]["BACKEND"]:
        pytest.skip("in-process tasks cannot wait: the sweep deletes it")
    import django_rq
    from rq.registry import ScheduledJobRegistry

    queue = django_rq.get_queue("default")
    registry = ScheduledJobRegistry(queue=queue)
    before = set(registry.get_job_ids())
    video, _lesson = playing_video
    with django_capture_on_commit_callbacks(execute=True):
        take_over(video)

    (job_id,) = set(registry.get_job_ids()) - before
    due = registry.get_scheduled_time(job_id)
    retired = ReplacedMuxAsset.objects.get()
    assert abs(due - retired.delete_after) < datetime.timedelta(seconds=1)
    registry.remove(job_id, delete_job=True)


@responses.activate
def test_an_asset_played_again_is_not_deleted(mux_credentials, playing_video):
    video, _lesson = playing_video
    delete = deletions()
    take_over(video)
    # An editor typed the old asset's ID back into the video.
    Video.objects.filter(pk=video.pk).update(mux_asset_id="asset-old")

    with freeze_time(timezone.now() + LATER):
        assert services.delete_replaced_asset("asset-old") == "in use"
    assert delete.call_count == 0
    assert not ReplacedMuxAsset.objects.exists()


@responses.activate
def test_a_deleted_videos_assets_are_retired(mux_credentials, playing_video):
    video, _lesson = playing_video
    Video.objects.filter(pk=video.pk).update(mux_new_asset_id="asset-coming")
    Video.objects.get(pk=video.pk).delete()

    assert set(ReplacedMuxAsset.objects.values_list("asset_id", flat=True)) == {
        "asset-old",
        "asset-coming",
    }


@responses.activate
def test_the_sweep_deletes_what_is_due_and_says_what_mux_refused(
    mux_credentials, capsys
):
    past = timezone.now() - datetime.timedelta(minutes=1)
    for asset_id in ("gone-a", "gone-b", "refused"):
        ReplacedMuxAsset.objects.create(asset_id=asset_id, delete_after=past)
    ReplacedMuxAsset.objects.create(
        asset_id="not-yet", delete_after=timezone.now() + datetime.timedelta(days=1)
    )
    deletions("gone-a")
    deletions("gone-b", status=404)  # deleted in Mux's dashboard already
    deletions("refused", status=500)

    with pytest.raises(CommandError, match="refused"):
        call_command("delete_replaced_mux_assets")

    assert "Deleted 2 Mux asset(s)" in capsys.readouterr().out
    left = ReplacedMuxAsset.objects.filter(deleted_at=None)
    assert set(left.values_list("asset_id", flat=True)) == {"refused", "not-yet"}


def test_the_sweep_without_mux_does_nothing(settings, capsys):
    settings.MUX_TOKEN_ID = settings.MUX_TOKEN_SECRET = ""
    ReplacedMuxAsset.objects.create(asset_id="a", delete_after=timezone.now())
    call_command("delete_replaced_mux_assets")
    assert "not configured" in capsys.readouterr().out
    assert ReplacedMuxAsset.objects.filter(deleted_at=None).count() == 1


@responses.activate
def test_mux_deleting_the_old_asset_leaves_the_video_playing_the_new_one(
    client, webhook_secret, mux_credentials, playing_video
):
    video, _lesson = playing_video
    take_over(video)
    deleted = asset_ready(asset_id="asset-old", upload_id="upload-old", event_id="d1")
    deleted["type"] = "video.asset.deleted"
    assert post_event(client, deleted).status_code == 200
    # Nor when an editor had typed a new asset's ID in, keeping the old upload's.
    Video.objects.filter(pk=video.pk).update(mux_upload_id="upload-old")
    deleted["id"] = "d2"
    assert post_event(client, deleted).status_code == 200

    video.refresh_from_db()
    assert (video.mux_asset_id, video.status) == ("asset-new", "ready")
