"""The search page's state, read from and written back to the query string.

The query string holds ``q`` and the same filters as ``GET /api/v1/jobs`` (so a
page URL is shareable and bookmarkable), plus a few page-only keys:
``posted_within`` (days, a relative "posted within"), ``province`` (the
province picker of the form; folded into ``region``), and ``trail``/``page``
(earlier pages' cursors, so "上一页" works without JavaScript or server state).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlencode

from starlette.datastructures import QueryParams

from app.normalize import ancestors, region_by_code

from .labels import CHOICES, POSTED_WITHIN, SORT

LIST_FILTERS = ("region", "industry", "education", "job_type", "employer_type")
MAX_Q = 200
MAX_VALUES = 20
MAX_TRAIL = 20
MAX_CURSOR = 2000
CHINA = datetime.timezone(datetime.timedelta(hours=8))
_CURSOR_RE = re.compile(r"^[A-Za-z0-9_\-=]*$")


class PageInvalid(Exception):
    """The query string cannot be understood; ``errors`` are (field, message) pairs."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{f}: {m}" for f, m in errors))
        self.errors = errors


@dataclass(frozen=True)
class PageQuery:
    """What the student asked for, validated; ``url()`` writes it back."""

    q: str | None = None
    region: tuple[str, ...] = ()
    industry: tuple[str, ...] = ()
    education: tuple[str, ...] = ()
    job_type: tuple[str, ...] = ()
    employer_type: tuple[str, ...] = ()
    salary_min: int | None = None
    posted_since: datetime.date | None = None
    posted_within: int | None = None
    sort: str = "relevance"
    cursor: str | None = None
    trail: tuple[str, ...] = field(default=())
    page: int = 1

    def since(self, today: datetime.date | None = None) -> datetime.date | None:
        """The "posted since" date the search uses (``posted_within`` wins: it is relative)."""
        if self.posted_within:
            today = today or datetime.datetime.now(CHINA).date()
            return today - datetime.timedelta(days=self.posted_within)
        return self.posted_since

    def has_filters(self) -> bool:
        return any(getattr(self, n) for n in (*LIST_FILTERS, "salary_min", "posted_since", "posted_within"))

    def pairs(self) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = [("q", self.q)] if self.q else []
        for name in LIST_FILTERS:
            out += [(name, v) for v in getattr(self, name)]
        for name in ("salary_min", "posted_since", "posted_within"):
            if getattr(self, name) is not None:
                out.append((name, str(getattr(self, name))))
        if self.sort != "relevance":
            out.append(("sort", self.sort))
        if self.cursor:
            out += [("cursor", self.cursor), ("page", str(self.page))]
            if self.trail:
                out.append(("trail", ",".join(self.trail)))
        return out

    def url(self, path: str = "/", **changes: Any) -> str:
        """This query with ``changes``, as a link; any change other than paging starts at page 1."""
        q = replace(self, **changes)
        if not {"cursor", "trail", "page"} & changes.keys():
            q = replace(q, cursor=None, trail=(), page=1)
        qs = urlencode(q.pairs())
        return f"{path}?{qs}" if qs else path

    def without(self, name: str, value: str | None = None) -> str:
        """A link to this search with one filter value (or the whole filter) removed."""
        current = getattr(self, name)
        change: dict[str, Any] = {name: () if isinstance(current, tuple) else None}
        if isinstance(current, tuple) and value is not None:
            change[name] = tuple(v for v in current if v != value)
        return self.url("/", **change)

    def next_url(self, next_cursor: str, path: str = "/") -> str:
        trail = (*self.trail, self.cursor) if self.cursor else ()
        return self.url(path, cursor=next_cursor, trail=trail[-MAX_TRAIL:], page=self.page + 1)

    def prev_url(self, path: str = "/") -> str | None:
        if not self.cursor:
            return None
        if not self.trail or self.page <= 2:
            return self.url(path, cursor=None, trail=(), page=1)
        return self.url(path, cursor=self.trail[-1], trail=self.trail[:-1], page=self.page - 1)


def _values(qp: QueryParams, name: str) -> list[str]:
    """A repeatable key's values; a comma list is accepted too, blanks dropped."""
    out = [part.strip() for raw in qp.getlist(name) for part in raw.split(",")]
    return [v for v in out if v]


def _one(qp: QueryParams, name: str) -> str | None:
    values = [v.strip() for v in qp.getlist(name) if v.strip()]
    return values[-1] if values else None


def _int(raw: str | None, name: str, lo: int, hi: int, errors: list[tuple[str, str]]) -> int | None:
    if raw is None:
        return None
    if not raw.isascii() or not raw.isdigit() or not lo <= int(raw) <= hi:
        errors.append((name, f"应为 {lo} 到 {hi} 之间的整数"))
        return None
    return int(raw)


def _regions(qp: QueryParams, errors: list[tuple[str, str]]) -> tuple[str, ...]:
    codes = _values(qp, "region")
    for code in codes:
        if region_by_code(code) is None:
            errors.append(("region", f"未知的地区代码：{code[:20]}"))
            return ()
    if "province" in qp:  # the form's picker: the province decides, a city inside it narrows
        province = _one(qp, "province")
        if not province:
            return ()
        if region_by_code(province) is None:
            errors.append(("province", "未知的省份代码"))
            return ()
        inside = [c for c in codes if province in ancestors(c)]
        codes = inside or [province]
    return tuple(dict.fromkeys(codes))


def _choice_lists(qp: QueryParams, errors: list[tuple[str, str]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, labels in CHOICES.items():
        values = [v.upper() if name == "industry" else v for v in _values(qp, name)]
        bad = [v for v in values if v not in labels]
        if bad:
            errors.append((name, f"不支持的取值：{bad[0][:30]}"))
        out[name] = tuple(dict.fromkeys(v for v in values if v in labels))
    return out


def parse_query(qp: QueryParams, *, paging_only: bool = False) -> PageQuery:
    """Validate the query string; raises ``PageInvalid`` naming each bad key."""
    errors: list[tuple[str, str]] = []
    cursor, trail = _one(qp, "cursor"), tuple(_values(qp, "trail"))
    if cursor and (len(cursor) > MAX_CURSOR or not _CURSOR_RE.match(cursor)):
        errors.append(("cursor", "翻页参数无效"))
    if len(trail) > MAX_TRAIL or any(len(t) > MAX_CURSOR or not _CURSOR_RE.match(t) for t in trail):
        errors.append(("trail", "翻页参数无效"))
    page = _int(_one(qp, "page"), "page", 1, 100_000, errors) or 1
    base = PageQuery(cursor=cursor, trail=trail, page=page if cursor else 1)
    if paging_only:
        if errors:
            raise PageInvalid(errors)
        return base
    q = _one(qp, "q")
    if q and len(q) > MAX_Q:
        errors.append(("q", f"关键词最多 {MAX_Q} 个字"))
    sort = _one(qp, "sort") or "relevance"
    if sort not in SORT:
        errors.append(("sort", "排序方式应为 relevance、newest 或 salary"))
    posted_since = None
    if raw := _one(qp, "posted_since"):
        try:
            posted_since = datetime.date.fromisoformat(raw)
        except ValueError:
            errors.append(("posted_since", "日期格式应为 YYYY-MM-DD"))
    within = _int(_one(qp, "posted_within"), "posted_within", 1, 3650, errors)
    salary_min = _int(_one(qp, "salary_min"), "salary_min", 0, 10_000_000, errors)
    regions = _regions(qp, errors)
    choices = _choice_lists(qp, errors)
    for name in LIST_FILTERS:
        if len(_values(qp, name)) > MAX_VALUES:
            errors.append((name, f"最多选择 {MAX_VALUES} 项"))
    if errors:
        raise PageInvalid(errors)
    return replace(base, q=q, region=regions, salary_min=salary_min, posted_since=posted_since,
                   posted_within=within, sort=sort if sort in SORT else "relevance", **choices)


def posted_within_choices(current: int | None) -> Iterable[tuple[int, str]]:
    """The "posted within" options, keeping an unusual value from a shared URL selectable."""
    choices = dict(POSTED_WITHIN)
    if current and current not in choices:
        choices[current] = f"{current} 天内"
    return sorted(choices.items())
