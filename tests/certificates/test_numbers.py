import pytest

from certificates.numbers import (
    ALPHABET,
    check_character,
    format_number,
    generate_number,
    is_valid_number,
    normalize_number,
)

CROCKFORD = "[0-9A-HJKMNP-TV-Z]"
NUMBER_PATTERN = rf"^BKO-{CROCKFORD}{{4}}-{CROCKFORD}{{4}}-{CROCKFORD}{{4}}$"


def test_generated_numbers_have_the_format_and_a_correct_check_character():
    import re

    numbers = {generate_number() for _ in range(2000)}
    assert len(numbers) == 2000
    for number in numbers:
        assert re.match(NUMBER_PATTERN, number), number
        body = number[4:].replace("-", "")[:11]
        assert number[-1] == check_character(body)
        assert normalize_number(number) == number


def test_numbers_use_the_whole_random_space():
    # 55 random bits: every random position takes every character.
    numbers = [generate_number().replace("-", "")[3:14] for _ in range(3000)]
    for position in range(11):
        assert len({n[position] for n in numbers}) == 32


def test_known_check_character():
    # Luhn mod 32 by hand for body "00000000001": the rightmost value 1 is
    # doubled to 2, the total is 2, the check value (32 - 2) % 32 = 30 → "Y".
    assert check_character("00000000001") == "Y"
    assert check_character("00000000000") == "0"
    assert normalize_number("BKO-0000-0000-001Y") == "BKO-0000-0000-001Y"


def test_normalizing_accepts_case_spaces_and_crockford_substitutions():
    number = generate_number()
    canonical_body = number[4:]
    typed = " bko " + canonical_body.lower().replace("-", " ")
    assert normalize_number(typed) == number
    assert normalize_number(number.replace("-", "")) == number
    assert normalize_number("BK0-" + canonical_body) == number
    zero_one = "BKO-0000-0000-001Y"
    assert normalize_number("bko-oooo-OOOO-00Iy") == zero_one
    assert normalize_number("BKO-0000-0000-00lY") == zero_one
    assert normalize_number("BKO-0000-0000-00LY") == zero_one


def test_normalizing_accepts_dashes_and_cyrillic_look_alikes():
    """As typed on a Kazakh or Russian keyboard layout, or pasted from a word
    processor or a phone that turned the hyphens into dashes."""
    assert normalize_number("BKO–0000—0000‑001Y") == "BKO-0000-0000-001Y"
    assert normalize_number("ВКО-0000-0000-001Y") == "BKO-0000-0000-001Y"
    assert normalize_number("вко 0000 0000 001у") is None  # у is no Y
    body = "C4RACR1DFWM"
    number = format_number(body)
    check = check_character(body)
    assert number == f"BKO-C4RA-CR1D-FWM{check}"
    assert normalize_number(f"ВКО-С4RА-СR1D-FWМ{check}") == number
    assert normalize_number(f"bko-с4rа-сr1d-fwм{check.lower()}") == number


@pytest.mark.parametrize(
    "value",
    [
        "",
        "BKO",
        "BKO-0000-0000-001",  # no check character
        "BKO-0000-0000-001Z",  # wrong check character
        "BKO-0000-0000-001YY",
        "XYZ-0000-0000-001Y",
        "BKO-0000-0000-00UY",  # U is not a Crockford symbol
        "BKO-0000-0000-0#1Y",
        "BKO-ӘӘӘӘ-0000-001Y",
        "1" * 500,
        None,
        42,
    ],
)
def test_malformed_numbers_are_rejected(value):
    assert normalize_number(value) is None
    assert not is_valid_number(value)


def test_every_single_character_error_is_detected():
    number = generate_number()
    compact = number.replace("-", "")[3:]
    for position in range(12):
        for ch in ALPHABET:
            if ch == compact[position]:
                continue
            changed = compact[:position] + ch + compact[position + 1 :]
            assert normalize_number("BKO" + changed) is None


def test_most_swaps_of_neighbours_are_detected():
    detected = total = 0
    for _ in range(300):
        compact = generate_number().replace("-", "")[3:]
        for i in range(11):
            if compact[i] == compact[i + 1]:
                continue
            swapped = compact[:i] + compact[i + 1] + compact[i] + compact[i + 2 :]
            total += 1
            detected += normalize_number("BKO" + swapped) is None
    assert detected / total > 0.97
