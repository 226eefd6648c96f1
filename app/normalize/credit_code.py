"""Unified social credit code (统一社会信用代码, GB 32100-2015).

18 characters: registration authority (1), organisation kind (1), division
code (6 digits), organisation code (9) and a check character (1), over the
alphabet ``0-9A-Z`` without I, O, S, V, Z.
"""

from __future__ import annotations

import re

from app.normalize.text import to_halfwidth

__all__ = ["check_character", "is_valid_credit_code", "normalize_credit_code"]

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
_SHAPE = re.compile(r"[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}")
_SPACES = re.compile(r"[\s\-]+")


def normalize_credit_code(s: str) -> str:
    """Half-width, upper-case, without spaces or hyphens (not validated)."""
    return _SPACES.sub("", to_halfwidth(s)).upper()


def check_character(first17: str) -> str:
    """The 18th character for the first 17 (``ValueError`` on bad characters)."""
    if len(first17) != 17:
        raise ValueError("need exactly 17 characters")
    try:
        total = sum(_VALUE[c] * w for c, w in zip(first17, WEIGHTS, strict=True))
    except KeyError as exc:
        raise ValueError(f"character {exc.args[0]!r} is not allowed in a credit code") from None
    return ALPHABET[(31 - total % 31) % 31]


def is_valid_credit_code(s: str | None) -> bool:
    """True if ``s`` (after ``normalize_credit_code``) has the right shape and check."""
    if not isinstance(s, str):
        return False
    code = normalize_credit_code(s)
    return _SHAPE.fullmatch(code) is not None and check_character(code[:17]) == code[17]
