"""JSON endpoints of the courses app (django-ninja)."""

from ninja import Router

router = Router()
