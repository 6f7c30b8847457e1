"""Rules of the home app: finding family support centres."""

from django.conf import settings

from home.models import FamilySupportCentre
from lms.regions import Region


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
    fields = [
        f"{name}_{code}"
        for name in ("name", "city")
        for code in settings.MODELTRANSLATION_LANGUAGES
    ]
    found = [
        centre
        for centre in centres
        if not needle
        or any(needle in (getattr(centre, f) or "").casefold() for f in fields)
    ]
    # In the order of the region list (the three cities first, then the regions
    # as they are listed), not of the regions' codes; then by city and name in
    # the page's language.
    place = {value: number for number, value in enumerate(Region.values)}
    return sorted(
        found,
        key=lambda c: (
            place.get(c.region, len(place)),
            alphabetical(c.city),
            alphabetical(c.name),
        ),
    )


# The Kazakh Cyrillic alphabet, whose order holds the Russian one.
KAZAKH_ALPHABET = "аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя"
_LETTER_PLACE = {letter: number for number, letter in enumerate(KAZAKH_ALPHABET)}


def alphabetical(text: str) -> tuple[int, ...]:
    """A key that sorts Kazakh and Russian words as their alphabets do (Қ after
    К, not after Я as their code points would); other characters after them, by
    code point."""
    first_other = len(KAZAKH_ALPHABET)
    return tuple(
        _LETTER_PLACE.get(char, first_other + ord(char)) for char in text.casefold()
    )
