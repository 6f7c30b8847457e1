"""JSON endpoints of the certificates app (django-ninja)."""

from ninja import Router

router = Router()
