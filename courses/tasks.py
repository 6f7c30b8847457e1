"""Background work of the courses app: keeping videos in step with Mux."""

from django_tasks import task

from courses import services


@task()
def sync_video_from_mux(video_id: int) -> str:
    """Fetches the video's asset from Mux and fills in asset and playback IDs,
    duration, status and text tracks. Idempotent."""
    video = services.sync_video(video_id)
    return video.status if video else "missing"


@task()
def attach_captions_to_mux(video_id: int) -> list[str]:
    """Adds the video's caption files to its Mux asset as text tracks, replacing
    tracks whose file changed. Idempotent."""
    return services.attach_captions(video_id)


@task()
def delete_replaced_mux_asset(asset_id: str) -> str:
    """Deletes an asset no video plays any more from Mux, once it is due.
    Idempotent."""
    return services.delete_replaced_asset(asset_id)
