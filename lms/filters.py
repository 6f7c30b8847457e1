"""Filters shared by the admin's listings and reports."""

from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet

import django_filters
from django_filters.fields import DateRangeField

# Days outside these years are typing mistakes, and the day after 31.12.9999 cannot
# be computed at all.
FIRST_YEAR, LAST_YEAR = 2000, 2100


class PeriodField(DateRangeField):
    """Days from one to another, in the site's time zone; either end may be left
    open."""

    def clean(self, value):
        period = super().clean(value)
        if not period:
            return period
        days = [moment for moment in (period.start, period.stop) if moment]
        if any(not FIRST_YEAR <= moment.year <= LAST_YEAR for moment in days):
            raise ValidationError(
                _("Choose days from %(first)s to %(last)s."),
                code="out_of_range",
                params={"first": FIRST_YEAR, "last": LAST_YEAR},
            )
        period = self.close(period)
        if period.start and period.stop and period.start > period.stop:
            raise ValidationError(
                _("The period ends before it begins."), code="reversed"
            )
        return period

    def close(self, period: slice) -> slice:
        return period


class PeriodFilter(django_filters.DateFromToRangeFilter):
    """The rows whose moment falls on the days chosen: from the start of the
    first to the end of the last, which the column's index serves."""

    field_class = PeriodField


def period_filter(label=None, filter_class=PeriodFilter, **kwargs):
    return filter_class(
        label=label or _("Period"), widget=DateRangePickerWidget, **kwargs
    )


def listing_filters(model, fields: list[str], days: list[str]) -> type:
    """A listing's filters: ``fields`` as Wagtail makes them, and for each of
    ``days`` (date-and-time fields) a period of days. Wagtail's own filter of such
    a field matches one instant only, which a chosen day never is."""
    attrs = {
        name: period_filter(
            capfirst(model._meta.get_field(name).verbose_name), field_name=name
        )
        for name in days
    }
    attrs["Meta"] = type("Meta", (), {"model": model, "fields": fields})
    return type(f"{model.__name__}ListingFilterSet", (WagtailFilterSet,), attrs)
