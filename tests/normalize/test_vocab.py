"""parse_employer_type and parse_job_type."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.normalize.vocab import EMPLOYER_TYPES, JOB_TYPES, parse_employer_type, parse_job_type

FIXTURE = Path(__file__).parent.parent / "fixtures" / "normalize_real_values.json"
REAL_EMPLOYER_TYPES: list[str] = json.loads(FIXTURE.read_text(encoding="utf-8"))["employer_type"]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("国企", "soe"),
        ("国有企业", "soe"),
        ("央企", "soe"),
        ("国有控股上市公司", "soe"),
        ("民营", "private"),
        ("私营", "private"),
        ("民营企业", "private"),
        ("外商独资", "foreign"),
        ("外资", "foreign"),
        ("合资", "foreign"),
        ("中外合资", "foreign"),
        ("外企代表处", "foreign"),
        ("代表处", "foreign"),
        ("港澳台公司", "foreign"),
        ("事业单位", "public_institution"),
        ("学校/下级学院", "public_institution"),
        ("政府机关", "government"),
        ("机关", "government"),
        ("国家机关", "government"),
        ("上市公司", "other"),
        ("股份制企业", "other"),
        ("社会团体", "other"),
        ("其它", "other"),
        (" 民營企業 ", "private"),
    ],
)
def test_parse_employer_type_maps_chinese_words(text: str, kind: str) -> None:
    assert parse_employer_type(text) == kind


@pytest.mark.parametrize("kind", EMPLOYER_TYPES)
def test_parse_employer_type_passes_enum_values_through(kind: str) -> None:
    assert parse_employer_type(kind) == kind


@pytest.mark.parametrize("text", [None, "", "100-499人", "互联网"])
def test_parse_employer_type_returns_none_for_unknown(text: str | None) -> None:
    assert parse_employer_type(text) is None


def test_every_real_employer_type_is_understood() -> None:
    assert len(REAL_EMPLOYER_TYPES) >= 12
    for text in REAL_EMPLOYER_TYPES:
        assert parse_employer_type(text) in EMPLOYER_TYPES, text


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("全职", "full_time"),
        ("兼职", "part_time"),
        ("实习", "internship"),
        ("实习生", "internship"),
        ("暑期实习", "internship"),
        ("全職", "full_time"),
        ("Full-time", "full_time"),
        ("full_time", "full_time"),
        ("part_time", "part_time"),
        ("internship", "internship"),
    ],
)
def test_parse_job_type_maps_words_and_enum_values(text: str, kind: str) -> None:
    assert parse_job_type(text) == kind


@pytest.mark.parametrize("text", [None, "", "全职/兼职", "校园招聘", "contract"])
def test_parse_job_type_returns_none_for_unknown_or_mixed(text: str | None) -> None:
    assert parse_job_type(text) is None


def test_job_types_constant_lists_the_contracts_enum_values() -> None:
    assert JOB_TYPES == ("full_time", "part_time", "internship", "other")
