"""Path converters of the site's URLs."""

from django.urls import register_converter


class RowIdConverter:
    """``<id:pk>``: a row's id, at most 18 digits, so that every id an address can
    hold fits a 64-bit integer column. A longer one is no address (404), not a
    database error."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


def register() -> None:
    register_converter(RowIdConverter, "id")
