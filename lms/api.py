"""The one JSON API at /api/v1/ (CONTRACTS.md §5, §6), built with django-ninja."""

from ninja import NinjaAPI

api = NinjaAPI(
    title="Бақытты отбасы API",
    version="1",
    urls_namespace="api-v1",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
api.add_router("/courses/", "courses.api.router", tags=["courses"])
api.add_router("/progress/", "progress.api.router", tags=["progress"])
api.add_router("/registry/", "registry.api.router", tags=["registry"])
