"""JSON endpoints of the progress app (django-ninja)."""

from ninja import Router

router = Router()
