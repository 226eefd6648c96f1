"""Unified social credit code (GB 32100-2015) normalisation and check character."""

from __future__ import annotations

import pytest

from app.normalize.credit_code import (
    check_character,
    is_valid_credit_code,
    normalize_credit_code,
)

# Codes as published for real organisations; their check characters verify.
REAL_VALID = [
    "91350100M000100Y43",  # the example most often cited with the standard
    "91440300708461136T",
    "91330100716105852F",
    "91110108551385082Q",
    "9144030071526726XG",
    "911100001000044477",
]


@pytest.mark.parametrize("code", REAL_VALID)
def test_real_codes_are_valid(code: str) -> None:
    assert is_valid_credit_code(code)


ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def _independent_check(first17: str) -> str:
    """The standard's formula written out separately from the module under test."""
    weights = [pow(3, i, 31) for i in range(17)]  # 1, 3, 9, 27, 19, 26, ... = 3^i mod 31
    return ALPHABET[-sum(ALPHABET.index(c) * w for c, w in zip(first17, weights, strict=True)) % 31]


@pytest.mark.parametrize(
    "first17",
    ["91350100M000100Y4", "11100000000013127", "52110000500018820", "92440300MA5DXXXX0",
     "Y1440300000000000"],
)
def test_constructed_codes_with_computed_check_character_are_valid(first17: str) -> None:
    check = _independent_check(first17)
    assert check_character(first17) == check
    assert is_valid_credit_code(first17 + check)


def test_check_character_maps_remainder_zero_to_zero() -> None:
    # All zeros: sum 0 → 31 - 0 = 31 → "0".
    assert check_character("0" * 17) == "0"
    assert is_valid_credit_code("0" * 18)


@pytest.mark.parametrize(
    "code",
    [
        "91350100M000100Y44",  # wrong check character
        "91350100M000100Y4",  # too short
        "91350100M000100Y433",  # too long
        "91350100M000100I43",  # I is not in the alphabet
        "91350100O000100Y43",  # O is not in the alphabet
        "913501A0M000100Y43",  # division code must be digits
        "",
        "not a code at all!",
    ],
)
def test_invalid_codes_are_rejected(code: str) -> None:
    assert not is_valid_credit_code(code)


def test_single_character_substitutions_are_detected() -> None:
    code = REAL_VALID[0]
    for i in range(17):
        for c in "0123456789ABCDEFGHJKLMNPQRTUWXY":
            if c != code[i]:
                mutated = code[:i] + c + code[i + 1:]
                if mutated[2:8].isdigit():
                    assert not is_valid_credit_code(mutated), mutated


def test_normalize_credit_code_strips_halfwidths_and_upper_cases() -> None:
    assert normalize_credit_code(" ９１３５０１００ｍ０００１００ｙ４３\n") == "91350100M000100Y43"
    assert normalize_credit_code("9135 0100-M000 100Y 43") == "91350100M000100Y43"
    assert is_valid_credit_code(" 91350100m000100y43 ")


def test_is_valid_credit_code_is_false_for_non_strings() -> None:
    assert not is_valid_credit_code(None)
    assert not is_valid_credit_code(913501)  # type: ignore[arg-type]


def test_check_character_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="17"):
        check_character("123")
    with pytest.raises(ValueError, match="not allowed"):
        check_character("9135010OM000100Y4")
