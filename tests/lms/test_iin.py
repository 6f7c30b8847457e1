from django.core.exceptions import ValidationError

import pytest

from lms import iin as iin_tools
from lms.factories import VALID_IINS, UserFactory
from lms.models import User


def weighted(digits, weights):
    return sum(d * w for d, w in zip(digits, weights, strict=True)) % 11


@pytest.mark.parametrize(
    "value",
    [
        "791028302728",
        "061211600012",
        "900101300811",  # the first weights give 10, the second ones the check
    ],
)
def test_valid_iins_from_the_issue(value):
    assert iin_tools.is_valid_iin(value)
    iin_tools.validate_iin(value)


def test_second_weights_are_used_when_the_first_sum_gives_ten():
    digits = [int(d) for d in "900101300811"[:11]]
    assert (
        sum(d * w for d, w in zip(digits, iin_tools.FIRST_WEIGHTS, strict=True)) % 11
        == 10
    )
    assert iin_tools.check_digit("900101300811") == 1


@pytest.mark.parametrize(
    "value",
    [
        "010101600586",  # wrong check digit (from the issue)
        "791028302729",  # last digit changed
        "79102830272",  # 11 digits
        "7910283027281",  # 13 digits
        "791328302728",  # month 13
        "790230302728",  # 30 February
        "791028002728",  # century digit 0
        "791028702728",  # century digit 7
        "300101529141",  # born 1 January 2030: in the future
        "991231639820",  # born 31 December 2099
        "79102830272a",
        "７９１０２８３０２７２８",  # full-width digits are not ASCII
        "",
        None,
        791028302728,
    ],
)
def test_invalid_iins(value):
    assert not iin_tools.is_valid_iin(value)


def test_a_number_whose_check_digit_is_ten_twice_is_invalid():
    # Search a birth date whose first eleven digits give 10 under both weightings.
    for serial in range(10000):
        head = f"9001013{serial:04d}"
        values = [int(d) for d in head]
        first = (
            sum(v * w for v, w in zip(values, iin_tools.FIRST_WEIGHTS, strict=True))
            % 11
        )
        second = (
            sum(v * w for v, w in zip(values, iin_tools.SECOND_WEIGHTS, strict=True))
            % 11
        )
        if first == 10 and second == 10:
            break
    else:
        pytest.fail("no eleven digits give 10 under both weightings")
    assert iin_tools.check_digit(head) is None
    assert not any(iin_tools.is_valid_iin(head + str(d)) for d in range(10))


def test_validator_accepts_spaces_and_dashes_and_refuses_bad_numbers():
    iin_tools.validate_iin("791 028 302 728")
    iin_tools.validate_iin("791028-302728")
    with pytest.raises(ValidationError) as error:
        iin_tools.validate_iin("010101600586")
    assert error.value.code == "invalid_iin"


@pytest.mark.parametrize(
    "typed",
    [
        "791028302728",
        " 791 028\t302\u00a0728\u2009",
        "791028-302728",
        "791028–302728",
        "791028—302728",
        "791028−302728",
        "７９１０２８３０２７２８",
        "٧٩١٠٢٨٣٠٢٧٢٨",
        "۷۹۱۰۲۸۳۰۲۷۲۸",
    ],
)
def test_any_space_dash_or_script_of_digits_makes_the_same_iin(typed):
    assert iin_tools.normalize_iin(typed) == "791028302728"
    assert iin_tools.iin_hash(typed) == iin_tools.iin_hash("791028302728")


def test_other_characters_stay_and_the_iin_stays_invalid():
    for typed in ("7910.2830.2728", "791028302728a", "79102830272８x"):
        assert not iin_tools.is_valid_iin(iin_tools.normalize_iin(typed))


def test_hash_is_keyed_and_stable(settings):
    first = iin_tools.iin_hash("791028302728")
    assert first == iin_tools.iin_hash("791 028 302 728")
    assert len(first) == 64 and "791028302728" not in first
    assert first != iin_tools.iin_hash("061211600012")
    settings.IIN_HASH_KEY = "another-key"
    assert iin_tools.iin_hash("791028302728") != first


def test_mask_shows_only_two_digits_at_each_end():
    assert iin_tools.mask_iin("791028302728") == "79********28"
    assert iin_tools.mask_iin("791 028 302 728") == "79********28"
    assert iin_tools.mask_iin("12") == "**"


def test_encryption_round_trip_and_tampering(settings):
    token = iin_tools.encrypt_iin("791028302728")
    assert "791028302728" not in token
    assert token != iin_tools.encrypt_iin("791028302728")  # fresh IV each time
    assert iin_tools.decrypt_iin(token) == "791028302728"
    assert iin_tools.decrypt_iin(token[:-4] + "AAAA") is None
    assert iin_tools.decrypt_iin("") is None
    settings.IIN_HASH_KEY = "another-key"
    assert iin_tools.decrypt_iin(token) is None


@pytest.mark.django_db
def test_user_keeps_the_iin_only_hashed_and_encrypted():
    user = UserFactory(iin=VALID_IINS[0])
    row = User.objects.filter(pk=user.pk).values().get()
    assert VALID_IINS[0] not in str(row)
    assert row["iin_hash"] == iin_tools.iin_hash(VALID_IINS[0])
    fresh = User.objects.get(pk=user.pk)
    assert fresh.iin == VALID_IINS[0]
    assert fresh.iin_masked == "79********28"
    assert User.objects.get_by_iin("791 028 302 728") == user
    with pytest.raises(User.DoesNotExist):
        User.objects.get_by_iin(VALID_IINS[1])


@pytest.mark.django_db
def test_a_user_without_iin_shows_nothing():
    user = UserFactory()
    assert user.iin is None
    assert user.iin_masked == ""


def test_a_birth_date_up_to_tomorrow_is_accepted():
    import datetime

    from django.utils import timezone

    for born in (timezone.localdate(), timezone.localdate() + datetime.timedelta(1)):
        for serial in range(10):
            head = f"{born:%y%m%d}5{serial:04d}"
            check = iin_tools.check_digit(head)
            if check is not None:
                assert iin_tools.is_valid_iin(head + str(check))
                break
    later = timezone.localdate() + datetime.timedelta(days=2)
    head = next(
        f"{later:%y%m%d}5{serial:04d}"
        for serial in range(10)
        if iin_tools.check_digit(f"{later:%y%m%d}5{serial:04d}") is not None
    )
    assert not iin_tools.is_valid_iin(head + str(iin_tools.check_digit(head)))
