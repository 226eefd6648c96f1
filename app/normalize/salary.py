"""Salary parsing: "6001-8000", "8千-1.3万", "10-15万/年", "面议", dicts, ...

Amounts are whole CNY per ``period``.  Text never raises: what cannot be read
becomes ``Salary(None, None, None, text=original)``.  Bonus-month suffixes such
as "·13薪" are ignored (the monthly figure is kept).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from app.normalize.text import to_halfwidth

__all__ = ["MONTHLY_FACTOR", "PERIODS", "Salary", "monthly", "parse_salary"]

PERIODS = ("month", "year", "day", "hour")
# Months to a year, working days (21.75) and hours (8 a day) to a month: a salary's monthly figure.
MONTHLY_FACTOR = {"month": 1.0, "year": 1 / 12, "day": 21.75, "hour": 21.75 * 8}


@dataclass(frozen=True, slots=True)
class Salary:
    """A pay range; ``min``/``max`` in CNY per ``period``; None means open/unknown."""

    min: int | None
    max: int | None
    period: str | None
    negotiable: bool = False
    text: str | None = None


def monthly(amount: int | None, period: str | None) -> int | None:
    """``amount`` CNY per ``period`` as CNY a month (what search and dedup compare)."""
    if amount is None or period is None:
        return None
    return round(amount * MONTHLY_FACTOR[period])


_PERIOD_ALIASES = {
    "month": "month", "monthly": "month", "月": "month", "m": "month",
    "year": "year", "yearly": "year", "annual": "year", "年": "year", "y": "year",
    "day": "day", "daily": "day", "天": "day", "日": "day", "d": "day",
    "hour": "hour", "hourly": "hour", "小时": "hour", "时": "hour", "h": "hour",
}
# Period markers in text; the leftmost one wins.
_PERIOD_RE = re.compile(
    r"(?P<hour>/小时|/时|每小时|时薪|/h(?:our|r)?\b|per ?hour)"
    r"|(?P<day>/天|/日|每天|日薪|/d(?:ay)?\b|per ?day)"
    r"|(?P<year>/年|每年|年薪|/y(?:ear|r)?\b|per ?(?:year|annum))"
    r"|(?P<month>/月|每月|月薪|/m(?:onth|o)?\b|per ?month)"
)
# Pay per week, per piece or per task has no place in our periods: unreadable.
_UNSUPPORTED_RE = re.compile(r"/周|每周|周薪|/week|per ?week|/次|每次|/件|每件|/单|每单|计件|提成制")
_UNITS = {"": 1, "元": 1, "千": 1000, "k": 1000, "万": 10000, "w": 10000}
_AMOUNT = r"(\d+(?:\.\d+)?)(千|k|万|w|元)?"
_RANGE_RE = re.compile(_AMOUNT + r"(?:(?:-|~|〜|–|—|―|至|到)+" + _AMOUNT + r")?")
_BONUS_RE = re.compile(r"[·・.,，x×*+]?\d{1,2}(?:薪|个月工资)")
_THOUSANDS_RE = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_NOISE_RE = re.compile(r"人民币|rmb|cny|¥|￥|\s|左右|税前|税后|底薪|基本工资|综合工资|薪资|工资|月薪|年薪|日薪|时薪")
_MORE = ("以上", "起", "+", "及以上", "上")
_LESS = ("以下", "以内", "及以下", "内")
_AT_MOST = ("最高", "不超过", "不高于", "<=", "≤", "<")
_AT_LEAST = ("最低", "不低于", "不少于", ">=", "≥", ">")
_NEGOTIABLE = ("面议", "面谈", "negotiable", "商议", "待定")


def parse_salary(value: str | dict[str, Any] | float | None) -> Salary | None:
    """Parse a partner's salary field; None/blank gives None.

    Raises ``ValueError`` only for structured input (dicts, numbers) that is
    wrong: bad types, negative amounts, ``min > max`` or an unknown period.
    Wrong types are ValueError too (not TypeError, hence the noqa marks): they
    come from partner payloads and callers handle one exception for bad input.
    """
    if value is None:
        return None
    if isinstance(value, dict):
        return _from_dict(value)
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ValueError(f"salary must be a string, a number or a dict, not {type(value).__name__}")  # noqa: TRY004
    if not isinstance(value, str):
        amount = _number(value, "salary")
        return None if amount is None else Salary(amount, amount, "month")
    original = value.strip()
    if not original:
        return None
    return _from_text(original)


def _from_text(original: str) -> Salary:
    s = to_halfwidth(original).lower()
    negotiable = any(word in s for word in _NEGOTIABLE)
    if _UNSUPPORTED_RE.search(s):
        return Salary(None, None, None, negotiable, original)
    s = _BONUS_RE.sub("", _THOUSANDS_RE.sub("", s))
    period = "month"
    pm = _PERIOD_RE.search(s)
    if pm is not None:
        period = pm.lastgroup or "month"
        s = s[: pm.start()] + " " + s[pm.end():]
    s = _NOISE_RE.sub("", s)
    m = _RANGE_RE.search(s)
    if m is None:
        if negotiable:
            return Salary(None, None, None, negotiable=True, text=original)
        return Salary(None, None, None, text=original)
    lo_num, lo_unit, hi_num, hi_unit = m.groups()
    head, tail = s[: m.start()], s[m.end():]
    if period == "month" and not (lo_unit or hi_unit) and float(hi_num or lo_num) < 100:
        # "8-12" per month cannot be yuan; thousands is only a guess: unreadable.
        return Salary(None, None, None, negotiable, original)
    hi_factor = _UNITS[hi_unit or ""]
    lo_factor = _UNITS[lo_unit or ""]
    if hi_num is not None:
        # A unit written once applies to both ends when that keeps lo <= hi:
        # "1-1.5万", "10-15万/年", "8-12k", "8k-12"; but "8000-1.2万" stays.
        if lo_unit is None and float(lo_num) <= float(hi_num):
            lo_factor = hi_factor
        elif hi_unit is None and float(lo_num) <= float(hi_num):
            hi_factor = lo_factor
        lo, hi = _scale(lo_num, lo_factor), _scale(hi_num, hi_factor)
        if lo > hi:
            lo, hi = hi, lo
        return Salary(lo, hi, period, negotiable, original)
    amount = _scale(lo_num, lo_factor)
    if tail.startswith(_MORE) or head.endswith(_AT_LEAST):
        return Salary(amount, None, period, negotiable, original)
    if tail.startswith(_LESS) or head.endswith(_AT_MOST):
        return Salary(None, amount, period, negotiable, original)
    return Salary(amount, amount, period, negotiable, original)


def _scale(num: str, factor: int) -> int:
    return round(float(num) * factor)


def _from_dict(d: dict[str, Any]) -> Salary | None:
    unknown = set(d) - {"min", "max", "period", "negotiable", "text", "currency"}
    if unknown:
        raise ValueError(f"salary dict has unknown keys: {sorted(map(str, unknown))}")
    currency = d.get("currency")
    if currency is not None and (not isinstance(currency, str)
                                 or currency.strip().upper() not in ("CNY", "RMB", "人民币")):
        raise ValueError(f"salary currency must be CNY, got {currency!r}")
    lo = _number(d.get("min"), "salary min")
    hi = _number(d.get("max"), "salary max")
    if lo is not None and hi is not None and lo > hi:
        raise ValueError(f"salary min ({lo}) is greater than max ({hi})")
    negotiable = d.get("negotiable", False)
    if not isinstance(negotiable, bool):
        raise ValueError("salary negotiable must be true or false")  # noqa: TRY004
    text = d.get("text")
    if text is not None and not isinstance(text, str):
        raise ValueError("salary text must be a string")
    period_raw = d.get("period")
    period: str | None
    if period_raw is None or period_raw == "":
        period = "month" if lo is not None or hi is not None else None
    elif not isinstance(period_raw, str) or period_raw.strip().lower() not in _PERIOD_ALIASES:
        raise ValueError(f"unknown salary period {period_raw!r}; use one of {', '.join(PERIODS)}")
    else:
        period = _PERIOD_ALIASES[period_raw.strip().lower()]
    if lo is None and hi is None and not negotiable:
        return None
    return Salary(lo, hi, period, negotiable, text)


def _number(v: Any, what: str) -> int | None:
    """A non-negative whole amount from an int, float or numeric string."""
    if v is None:
        return None
    if isinstance(v, bool):
        raise ValueError(f"{what} must be a number, not a boolean")  # noqa: TRY004
    if isinstance(v, str):
        t = to_halfwidth(v).strip().replace(",", "")
        if not t:
            return None
        try:
            v = float(t)
        except ValueError:
            raise ValueError(f"{what} must be a number, got {v!r}") from None
    if not isinstance(v, (int, float)):
        raise ValueError(f"{what} must be a number, not {type(v).__name__}")  # noqa: TRY004
    if isinstance(v, float) and not math.isfinite(v):
        raise ValueError(f"{what} must be finite, got {v!r}")
    if v < 0:
        raise ValueError(f"{what} must not be negative, got {v!r}")
    return round(v)
