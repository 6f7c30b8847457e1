"""JSON endpoints of the registry app (django-ninja)."""

from ninja import Router

router = Router()
