"""JSON endpoints of the progress app (django-ninja), CONTRACTS.md §5.

Session-authenticated (``lms.api_auth.session_auth``, which also checks CSRF on
unsafe methods); the rules are in ``progress.services``. How a client uses them:
docs/api-clients.md.
"""

from typing import Annotated, Literal
from uuid import UUID

from django.http import JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _

from ninja import Field, Path, Router, Schema
from ninja.errors import HttpError
from pydantic import BeforeValidator, StrictInt, StrictStr, model_validator
from pydantic_core import PydanticCustomError

from courses.api import WRONG_METHOD, Detail, request_language
from courses.models import Video
from courses.services import player_source
from lms.api_auth import session_auth
from progress import services

router = Router(auth=session_auth)

ID = Field(..., ge=1, le=2**31 - 1)
PATH_ID = Path(..., ge=1, le=2**31 - 1)


class JSONObjectIn(Schema):
    """A request body, which must be a JSON object.

    Any other JSON (``[]``, ``null``, a string, or a bare ``NaN``, which
    Python's JSON reader takes) would reach django-ninja's attribute getter,
    meant for model instances, and come back as "Field required" for every
    field: it is a 400 that says so instead, like a body that is no JSON at all.
    A JSON object goes to pydantic as it is, without that getter, which keeps
    the heartbeat, sent every few seconds by every player, cheap.
    """

    @model_validator(mode="wrap")
    @classmethod
    def _run_root_validator(cls, values, handler, info):
        # The name of django-ninja's own validator, which this one replaces.
        if isinstance(values, dict):
            return handler(values)
        raise HttpError(400, _("The body must be a JSON object."))


class HeartbeatIn(JSONObjectIn):
    # JSON numbers only: ``"9"``, ``9.0`` or ``true`` is not lesson 9 (or 1).
    lesson: StrictInt = ID
    video: StrictInt = ID
    session: UUID
    position: float = Field(..., ge=0, le=86_400, allow_inf_nan=False, strict=True)
    rate: float = Field(
        ..., ge=0, le=services.MAX_CLIENT_RATE, allow_inf_nan=False, strict=True
    )
    state: Literal["playing", "paused", "seeked", "ended"]


class HeartbeatOut(Schema):
    watched_seconds: float
    coverage: float
    completed: bool
    resume_at: float


def _choice_id(value: object) -> object:
    """A choice id is a string or a whole number, as the schema says; ``true`` or
    ``1.0`` is refused (``lms.api.FIELD_ERRORS``), not taken for ``"1"``."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise PydanticCustomError(
            "choice_id_type", "must be a string or a whole number."
        )
    return value


ChoiceId = Annotated[StrictStr | StrictInt, BeforeValidator(_choice_id)]


class QuizIn(JSONObjectIn):
    answers: dict[str, ChoiceId]


class QuizOut(Schema):
    score: float
    passed: bool


class LessonStateOut(Schema):
    id: int
    completed: bool


class CertificateOut(Schema):
    number: str
    pdf_url: str
    credential_url: str
    verify_url: str


class CourseProgressOut(Schema):
    course: int
    lessons_total: int
    lessons_completed: int
    completed: bool
    lessons: list[LessonStateOut]
    certificate: CertificateOut | None


class PlaybackOut(Schema):
    kind: Literal["hls", "file"] = Field(
        ..., description="`hls`: an HLS playlist (Mux); `file`: the video file itself."
    )
    url: str = Field(
        ...,
        description="Absolute address to play. A signed HLS address carries a token "
        "valid for an hour; a file is served with the session cookie.",
    )


class CaptionOut(Schema):
    language: str
    label: str
    url: str = Field(..., description="Absolute address of a WebVTT file.")


class VideoProgressOut(Schema):
    video: int
    duration: float | None
    watched_seconds: float
    coverage: float
    resume_at: float
    completed: bool
    title: str
    playback: PlaybackOut | None = Field(
        ..., description="What the lesson page's player plays; null: not ready yet."
    )
    poster: str | None = Field(
        ..., description="Absolute address of a still; none with data saver on."
    )
    captions: list[CaptionOut]


class ChoiceOut(Schema):
    id: str
    text: str


class QuestionOut(Schema):
    id: str
    text: str
    choices: list[ChoiceOut]


class QuizStateOut(Schema):
    passed: bool
    heading: str
    pass_mark: float
    questions: list[QuestionOut]


class LessonProgressOut(Schema):
    lesson: int
    completed: bool
    videos: list[VideoProgressOut]
    quiz: QuizStateOut | None


# What django-ninja cannot say of the answers: the header of a 429 (the throttle's,
# ``_error``) and the 413 that Django answers for a body over
# DATA_UPLOAD_MAX_MEMORY_SIZE (lms.middleware.JsonApiErrorsMiddleware).
TOO_MANY = {
    429: {
        "description": "Too many requests: wait the seconds in Retry-After.",
        "headers": {
            "Retry-After": {
                "description": "Seconds to wait before sending again.",
                "schema": {"type": "integer", "minimum": 1},
            }
        },
    }
}
TOO_LARGE = {413: {"description": "The body is over DATA_UPLOAD_MAX_MEMORY_SIZE."}}


def _error(error: services.ProgressError) -> JsonResponse:
    response = JsonResponse({"detail": error.detail}, status=error.status)
    if isinstance(error, services.Throttled):
        response["Retry-After"] = str(error.retry_after)
    return response


def _with_playback(request, progress: dict, language: str) -> dict:
    """Adds to each video of a lesson's progress what the lesson page's player
    gets for this learner and device (``courses.services.player_source``: HLS
    from Mux, signed when the playback ID is, or the local file; the poster;
    the captions; data saver from the ``data_saver`` cookie or ``Save-Data``),
    with absolute addresses, which an app needs."""
    ids = [entry["video"] for entry in progress["videos"]]
    videos = Video.objects.prefetch_related("captions").in_bulk(ids)
    absolute = request.build_absolute_uri
    with translation.override(language):
        for entry in progress["videos"]:
            video = videos.get(entry["video"])
            if video is None:  # deleted since the lesson's structure was cached
                entry.update(title="", playback=None, poster=None, captions=[])
                continue
            source = player_source(video, request.user, request)
            entry.update(
                title=source["title"],
                playback=(
                    {"kind": source["kind"], "url": absolute(source["src"])}
                    if source["kind"]
                    else None
                ),
                poster=absolute(source["poster"]) if source["poster"] else None,
                captions=[
                    {
                        "language": caption["language"],
                        "label": str(caption["label"]),
                        "url": absolute(caption["url"]),
                    }
                    for caption in source["captions"]
                ],
            )
    return progress


@router.get("/ping", auth=None, response={200: dict}, include_in_schema=False)
def ping(request):
    """A trivial JSON answer with the same stack, for benchmarks."""
    return {"ok": True}


@router.post(
    "/heartbeat",
    response={
        200: HeartbeatOut,
        400: Detail,
        401: Detail,
        403: Detail,
        404: Detail,
        405: Detail,
        413: Detail,
        422: Detail,
        429: Detail,
    },
    openapi_extra={"responses": {**WRONG_METHOD, **TOO_LARGE, **TOO_MANY}},
)
def heartbeat(request, payload: HeartbeatIn):
    """Report where the player is; answers what the server has credited."""
    arrived = services.now()  # before the throttle and the cache can delay it
    try:
        services.throttle(request.user.pk, "heartbeat", services.heartbeat_limit())
        services.check_lesson_access(request, payload.lesson)
        result = services.record_heartbeat(
            request.user,
            lesson_id=payload.lesson,
            video_id=payload.video,
            session=payload.session,
            position=payload.position,
            rate=payload.rate,
            state=payload.state,
            language=request_language(request),
            at=arrived,
        )
    except services.ProgressError as error:
        return _error(error)
    return result


@router.get(
    "/courses/{int:course_id}",
    response={
        200: CourseProgressOut,
        401: Detail,
        404: Detail,
        405: Detail,
        422: Detail,
    },
    openapi_extra={"responses": WRONG_METHOD},
)
def course_progress(request, course_id: int = PATH_ID):
    """The learner's progress in a course, and the certificate once issued."""
    try:
        course = services.live_course(course_id)
        services.check_page_access(request, course, services.NO_SUCH_COURSE)
    except services.ProgressError as error:
        return _error(error)
    return services.course_progress(request.user, course)


@router.get(
    "/lessons/{int:lesson_id}",
    response={
        200: LessonProgressOut,
        401: Detail,
        404: Detail,
        405: Detail,
        422: Detail,
    },
    openapi_extra={"responses": WRONG_METHOD},
)
def lesson_progress(request, lesson_id: int = PATH_ID, lang: str | None = None):
    """The learner's progress in a lesson, what to play for each of its videos,
    and its quiz (without the answers)."""
    language = request_language(request)
    try:
        services.check_lesson_access(request, lesson_id)
        progress = services.lesson_progress(request.user, lesson_id, language)
    except services.ProgressError as error:
        return _error(error)
    return _with_playback(request, progress, language)


@router.post(
    "/lessons/{int:lesson_id}/open",
    response={
        200: LessonProgressOut,
        400: Detail,
        401: Detail,
        403: Detail,
        404: Detail,
        405: Detail,
        413: Detail,
        422: Detail,
    },
    openapi_extra={"responses": {**WRONG_METHOD, **TOO_LARGE}},
)
def open_lesson(request, lesson_id: int = PATH_ID, lang: str | None = None):
    """The learner opened the lesson (as the lesson page counts it): a lesson with
    only text to read, and no quiz, is then complete. An app calls it when it shows
    a lesson. Answers the lesson's progress, as ``GET /lessons/<id>`` does."""
    language = request_language(request)
    try:
        services.check_lesson_access(request, lesson_id)
        services.open_lesson(request.user, lesson_id, language)
        progress = services.lesson_progress(request.user, lesson_id, language)
    except services.ProgressError as error:
        return _error(error)
    return _with_playback(request, progress, language)


@router.post(
    "/lessons/{int:lesson_id}/quiz",
    response={
        200: QuizOut,
        400: Detail,
        401: Detail,
        403: Detail,
        404: Detail,
        405: Detail,
        413: Detail,
        422: Detail,
        429: Detail,
    },
    openapi_extra={"responses": {**WRONG_METHOD, **TOO_LARGE, **TOO_MANY}},
)
def submit_quiz(request, payload: QuizIn, lesson_id: int = PATH_ID):
    """Score the answers on the server; never says which were wrong."""
    try:
        services.throttle(request.user.pk, "quiz", services.quiz_limit())
        services.check_lesson_access(request, lesson_id)
        result = services.submit_quiz(
            request.user, lesson_id, payload.answers, request_language(request)
        )
    except services.ProgressError as error:
        return _error(error)
    return result
