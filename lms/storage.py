"""The private file storage (``STORAGES["private"]``): kept outside ``MEDIA_ROOT``,
which the web server serves to anyone. Its files are served only by views that
check who may have them."""

from django.core.files.storage import storages


def private_storage():
    """The storage for certificate PDFs and for local videos and their captions."""
    return storages["private"]
