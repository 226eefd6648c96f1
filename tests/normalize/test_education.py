"""parse_education."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.normalize.education import EDUCATION_LEVELS, parse_education

FIXTURE = Path(__file__).parent.parent / "fixtures" / "normalize_real_values.json"
REAL_EDUCATION: list[str] = json.loads(FIXTURE.read_text(encoding="utf-8"))["education"]


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("本科", "bachelor"),
        ("本科及以上", "bachelor"),
        ("统招本科", "bachelor"),
        ("全日制本科以上学历，专业不限", "bachelor"),
        ("大专", "associate"),
        ("专科", "associate"),
        ("高职", "associate"),
        ("大专及以上学历", "associate"),
        ("大专/本科", "associate"),
        ("中专", "secondary"),
        ("中技", "secondary"),
        ("高中", "secondary"),
        ("中专/中技", "secondary"),
        ("硕士", "master"),
        ("研究生", "master"),
        ("硕士研究生及以上", "master"),
        ("博士", "doctorate"),
        ("博士研究生", "doctorate"),
        ("不限", "any"),
        ("学历不限", "any"),
        ("初中及以上", "any"),
        ("  本 科 ", "bachelor"),
        ("ＭＢＡ", "master"),
        ("學歷不限", "any"),
    ],
)
def test_parse_education_maps_chinese_requirements(text: str, level: str | None) -> None:
    assert parse_education(text) == level


@pytest.mark.parametrize("level", EDUCATION_LEVELS)
def test_parse_education_passes_enum_values_through(level: str) -> None:
    assert parse_education(level) == level
    assert parse_education(level.upper()) == level


@pytest.mark.parametrize("text", [None, "", "   ", "若干", "见详情", "xyz"])
def test_parse_education_returns_none_for_missing_or_unknown(text: str | None) -> None:
    assert parse_education(text) is None


def test_every_real_education_value_is_understood() -> None:
    assert len(REAL_EDUCATION) >= 9
    for text in REAL_EDUCATION:
        assert parse_education(text) in EDUCATION_LEVELS, text
