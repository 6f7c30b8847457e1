"""Rules of the home app: finding family support centres."""

from django.conf import settings

from home.models import FamilySupportCentre


def search_centres(region: str = "", query: str = "") -> list[FamilySupportCentre]:
    """Centres in a region (any when empty) whose name or city contains the query.

    The query matches any language's name or city, ignoring case. It is compared in
    Python because SQLite folds the case of ASCII letters only, and Kazakh and Russian
    names are Cyrillic; there are at most a few hundred centres.
    """
    centres = FamilySupportCentre.objects.all()
    if region:
        centres = centres.filter(region=region)
    needle = query.strip().casefold()
    if not needle:
        return list(centres)
    fields = [
        f"{name}_{code}"
        for name in ("name", "city")
        for code in settings.MODELTRANSLATION_LANGUAGES
    ]
    return [
        centre
        for centre in centres
        if any(needle in (getattr(centre, f) or "").casefold() for f in fields)
    ]
