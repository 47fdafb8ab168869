import pytest
from hypothesis import given
from hypothesis import strategies as st

from govloop.errors import InputError
from govloop.ids import (
    USCC_ALPHABET,
    new_produce_id,
    produce_id_time_ms,
    produce_tag,
    uscc_check_char,
    validate_provider_code,
    validate_uscc,
)

REAL_USCC = ["91440300708461136T", "91440300MA5G49LC9K", "91110102MACQD9K640"]
REAL_CODES = [
    "001191440300708461136T1XGW3",
    "001191440300MA5G49LC9K1YO01",
    "001191110102MACQD9K64018705",
]


@pytest.mark.parametrize("code", REAL_USCC)
def test_real_uscc_codes_pass(code: str) -> None:
    assert validate_uscc(code) == code


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_provider_codes_pass(code: str) -> None:
    assert validate_provider_code(code) == code


def test_wrong_check_character_is_named() -> None:
    with pytest.raises(InputError, match="check character is 'X', expected 'T'"):
        validate_uscc("91440300708461136X")


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("001191440300708461136T1XGW", "27 characters"),
        ("011191440300708461136T1XGW3", "format code"),
        ("002191440300708461136T1XGW3", "positions 3-4"),
        ("001191440300708461136X1XGW3", "check character"),
        ("001191440300708461136T3XGW3", "service extension"),
        ("001191440300708461136t1XGW3", "uppercase"),
    ],
)
def test_bad_provider_codes_name_the_rule(code: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        validate_provider_code(code)


@given(st.text(alphabet=USCC_ALPHABET, min_size=17, max_size=17))
def test_computed_check_character_always_validates(first17: str) -> None:
    assert validate_uscc(first17 + uscc_check_char(first17))


@given(st.text(alphabet=USCC_ALPHABET, min_size=17, max_size=17), st.sampled_from(USCC_ALPHABET))
def test_any_other_check_character_fails(first17: str, ch: str) -> None:
    if ch == uscc_check_char(first17):
        return
    with pytest.raises(InputError):
        validate_uscc(first17 + ch)


def test_produce_ids_are_unique_sortable_and_ascii() -> None:
    ids = [new_produce_id(now_ms=1_700_000_000_000 + i) for i in range(200)]
    assert len(set(ids)) == 200
    assert ids == sorted(ids)
    assert all(len(i) == 26 and i.isascii() and i.isalnum() for i in ids)
    assert produce_id_time_ms(ids[5]) == 1_700_000_000_005


def test_produce_tag_width() -> None:
    pid = new_produce_id()
    assert 0 <= produce_tag(pid, 16) < 2**16
    assert produce_tag(pid, 16) == produce_tag(pid, 32) >> 16
    with pytest.raises(InputError):
        produce_tag(pid, 0)
