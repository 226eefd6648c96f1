"""parse_salary on real and synthetic salary fields."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from app.normalize.salary import Salary, parse_salary

FIXTURE = Path(__file__).parent.parent / "fixtures" / "normalize_real_values.json"
REAL_SALARIES: list[str] = json.loads(FIXTURE.read_text(encoding="utf-8"))["salary"]


@pytest.mark.parametrize(
    ("text", "lo", "hi", "period"),
    [
        ("6001-8000", 6001, 8000, "month"),
        ("8001-10000", 8001, 10000, "month"),
        ("6千-8千", 6000, 8000, "month"),
        ("8千-1.3万", 8000, 13000, "month"),
        ("3.2千-5.8千", 3200, 5800, "month"),
        ("8k-12k/月", 8000, 12000, "month"),
        ("8K-12K", 8000, 12000, "month"),
        ("8-12k", 8000, 12000, "month"),
        ("8k-12", 8000, 12000, "month"),
        ("0.8-1.2万", 8000, 12000, "month"),
        ("5千-1万", 5000, 10000, "month"),
        ("1.5万/月", 15000, 15000, "month"),
        ("1-1.5万", 10000, 15000, "month"),
        ("8000-1.2万", 8000, 12000, "month"),
        ("10-15万/年", 100000, 150000, "year"),
        ("年薪20万", 200000, 200000, "year"),
        ("150元/天", 150, 150, "day"),
        ("200/天", 200, 200, "day"),
        ("日薪200元", 200, 200, "day"),
        ("30元/小时", 30, 30, "hour"),
        ("10000以上", 10000, None, "month"),
        ("5000以下", None, 5000, "month"),
        ("1千以下", None, 1000, "month"),
        ("最高2万", None, 20000, "month"),
        ("8000", 8000, 8000, "month"),
        ("8000元/月", 8000, 8000, "month"),
        ("8,000元/月", 8000, 8000, "month"),
        ("1.2万-2万·13薪", 12000, 20000, "month"),
        ("20-30K·14薪", 20000, 30000, "month"),
        ("８０００－１００００", 8000, 10000, "month"),
        ("８千～１．２万／月", 8000, 12000, "month"),
        ("15000-8000", 8000, 15000, "month"),
        ("税前 8000 ~ 10000 元", 8000, 10000, "month"),
    ],
)
def test_parse_salary_reads_amounts_units_and_period(
    text: str, lo: int | None, hi: int | None, period: str
) -> None:
    assert parse_salary(text) == Salary(lo, hi, period, False, text)


@pytest.mark.parametrize("text", ["面议", "薪资面议", " 面议 ", "Negotiable"])
def test_parse_salary_marks_negotiable_without_amounts(text: str) -> None:
    assert parse_salary(text) == Salary(None, None, None, negotiable=True, text=text.strip())


def test_parse_salary_keeps_amounts_when_also_negotiable() -> None:
    assert parse_salary("8000-10000 可面议") == Salary(8000, 10000, "month", True, "8000-10000 可面议")


@pytest.mark.parametrize("text", ["五险一金", "待遇优厚", "8-12", "2k-3k/周", "50元/件", "abc"])
def test_parse_salary_returns_text_only_for_unreadable_or_unsupported_text(text: str) -> None:
    assert parse_salary(text) == Salary(None, None, None, text=text)


@pytest.mark.parametrize("value", [None, "", "   "])
def test_parse_salary_returns_none_for_missing_value(value: str | None) -> None:
    assert parse_salary(value) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"min": 8000, "max": 12000, "period": "month"}, Salary(8000, 12000, "month")),
        ({"min": "8000", "max": "12,000"}, Salary(8000, 12000, "month")),
        ({"min": "１５０", "period": "day"}, Salary(150, None, "day")),
        ({"max": 200000.0, "period": "YEAR"}, Salary(None, 200000, "year")),
        ({"min": 30, "max": 30, "period": "hourly", "currency": "CNY"}, Salary(30, 30, "hour")),
        ({"negotiable": True}, Salary(None, None, None, negotiable=True)),
        ({"min": 8000, "text": "8千起"}, Salary(8000, None, "month", text="8千起")),
        ({}, None),
        ({"min": None, "max": ""}, None),
    ],
)
def test_parse_salary_accepts_structured_dicts(value: dict[str, Any], expected: Salary | None) -> None:
    assert parse_salary(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"min": -1}, "negative"),
        ({"min": 9000, "max": 8000}, "greater than max"),
        ({"min": "abc"}, "must be a number"),
        ({"min": [8000]}, "must be a number"),
        ({"min": True}, "boolean"),
        ({"min": float("nan")}, "finite"),
        ({"min": 8000, "period": "week"}, "unknown salary period"),
        ({"min": 8000, "period": 1}, "unknown salary period"),
        ({"min": 8000, "currency": "USD"}, "CNY"),
        ({"minimum": 8000}, "unknown keys"),
        ({"negotiable": "yes"}, "negotiable"),
    ],
)
def test_parse_salary_rejects_bad_dicts_with_clear_message(value: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_salary(value)


def test_parse_salary_treats_plain_numbers_as_monthly_and_rejects_negative() -> None:
    assert parse_salary(8000) == Salary(8000, 8000, "month")
    with pytest.raises(ValueError, match="negative"):
        parse_salary(-5)


def test_every_real_salary_value_is_understood() -> None:
    assert len(REAL_SALARIES) > 300
    for text in REAL_SALARIES:
        s = parse_salary(text)
        assert s is not None and s.text == text, text
        assert s.negotiable or s.min is not None or s.max is not None, text
        if not s.negotiable:
            assert s.period == "month", text
            assert s.min is None or s.max is None or s.min <= s.max, text


def test_real_numeric_ranges_parse_to_exactly_their_numbers() -> None:
    numeric = [t for t in REAL_SALARIES if re.fullmatch(r"\d+-\d+", t)]
    assert len(numeric) > 200
    for text in numeric:
        lo, hi = (int(x) for x in text.split("-"))
        assert parse_salary(text) == Salary(lo, hi, "month", False, text)
