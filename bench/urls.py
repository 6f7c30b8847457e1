"""The project's URLs plus two floor endpoints, served only by the benchmarks.

A floor answers a constant after doing only what every call of its API must do
before any work of its own, so that the benchmarks can show what the
authentication and parsing that CONTRACTS.md prescribes cost on this server:

- ``POST /api/v1/bench/session-floor`` — a heartbeat's body validated by the same
  schema, behind the same session authentication and CSRF check as the heartbeat
  (``lms.api_auth.session_auth``: the session read from the cache, the user from
  the database);
- ``POST /api/v1/bench/bearer-floor`` — a ``verify`` body parsed by the registry's
  own parser, behind the same bearer authentication;
- ``…/bearer-floor/redis``, ``…/bearer-floor/postgres`` and ``…/bearer-floor/both``
  — the bearer floor plus one round trip to Redis (a rate-limit count, as the
  registry's own limit makes it), to PostgreSQL (``SELECT 1``), or to each. A
  registry call that is rate-limited across processes and audited in the database
  cannot be faster than ``both``.

``/media/`` (images) is served here as the reverse proxy serves it in
production, for ``bench/page_weight.py``.
"""

from django.conf import settings
from django.db import connection
from django.urls import path, re_path
from django.views.static import serve

from ninja import NinjaAPI

from lms import ratelimit
from lms.api_auth import session_auth
from lms.urls import urlpatterns as project_urlpatterns
from progress.api import HeartbeatIn, HeartbeatOut
from registry.api import VerifyIn, _parse
from registry.auth import RegistryBearer

floors = NinjaAPI(urls_namespace="bench-floors", docs_url=None, openapi_url=None)


@floors.post("/session-floor", auth=session_auth, response=HeartbeatOut)
def session_floor(request, payload: HeartbeatIn):
    return {
        "watched_seconds": 0.0,
        "coverage": 0.0,
        "completed": False,
        "resume_at": payload.position,
    }


NOT_FOUND = {
    "status": "not_found",
    "certificate_number": None,
    "course_kind": None,
    "issued_at": None,
}


def _bearer_floor(request, redis: bool = False, postgres: bool = False):
    if redis:
        ratelimit.hit("bench-floor", request.auth.key)
    body, error = _parse(request, VerifyIn)
    if error:
        return floors.create_response(request, {"detail": error}, status=422)
    if postgres:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    return NOT_FOUND


@floors.post("/bearer-floor", auth=RegistryBearer())
def bearer_floor(request):
    return _bearer_floor(request)


@floors.post("/bearer-floor/redis", auth=RegistryBearer())
def bearer_floor_redis(request):
    return _bearer_floor(request, redis=True)


@floors.post("/bearer-floor/postgres", auth=RegistryBearer())
def bearer_floor_postgres(request):
    return _bearer_floor(request, postgres=True)


@floors.post("/bearer-floor/both", auth=RegistryBearer())
def bearer_floor_both(request):
    return _bearer_floor(request, redis=True, postgres=True)


urlpatterns = [
    path("api/v1/bench/", floors.urls),
    re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    *project_urlpatterns,
]
