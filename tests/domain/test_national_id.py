"""National ID checksum, normalisation and masking."""

from tpd_app.domain.national_id import (
    check_digit,
    is_valid_national_id,
    looks_like_national_id,
    mask_national_id,
)


def test_well_known_valid_ids_pass():
    assert is_valid_national_id("A123456789")
    assert is_valid_national_id("a123456789 ")
    assert is_valid_national_id("F131104093")


def test_wrong_checksum_fails():
    assert not is_valid_national_id("A123456788")


def test_malformed_ids_fail():
    for raw in ("", "A12345678", "A323456789", "1123456789", "AA23456789", "A1234567890"):
        assert not is_valid_national_id(raw), raw


def test_check_digit_makes_any_prefix_valid():
    for prefix in ("E12345678", "D20000001", "Z19999999", "I10000000", "O29999999"):
        assert is_valid_national_id(prefix + check_digit(prefix))


def test_shape_without_checksum_is_recognised_for_the_login_form():
    assert looks_like_national_id("A123456788")
    assert not looks_like_national_id("demo-school")


def test_mask_hides_the_middle():
    assert mask_national_id("A123456789") == "A12****789"
