"""The search page's state, read from and written back to the query string.

The query string holds the search of ``GET /api/v1/jobs`` (``SearchQuery``: ``q`` and the same
filters, validated by the same model, so a page URL is shareable and bookmarkable), plus a few
page-only keys: ``posted_within`` (days, a relative "posted within"), ``province`` (the province
picker of the form; folded into ``region``), and ``cursor``/``trail``/``page`` (this page's and
earlier pages' cursors, so "上一页" works without JavaScript or server state).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlencode

from annotated_types import MaxLen
from pydantic import ValidationError
from starlette.datastructures import QueryParams

from app.normalize import ancestors, region_by_code
from app.schemas.search import SearchQuery

from .labels import POSTED_WITHIN

MAX_TRAIL = 20
MAX_CURSOR = 2000
CHINA = datetime.timezone(datetime.timedelta(hours=8))
_CURSOR_RE = re.compile(r"^[A-Za-z0-9_\-=]*$")
_FIELDS = SearchQuery.model_fields
# Search keys the form shows no control for (it carries them as hidden fields).
HIDDEN = ("posted_since", "status", "employer_id", "fair")
LISTS = tuple(name for name, info in _FIELDS.items() if isinstance(info.default, list))


class PageInvalid(Exception):
    """The query string cannot be understood; ``errors`` are (field, message) pairs."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{f}: {m}" for f, m in errors))
        self.errors = errors


@dataclass(frozen=True)
class PageQuery:
    """What the student asked for, validated; ``url()`` writes it back."""

    search: SearchQuery = field(default_factory=SearchQuery)
    posted_within: int | None = None
    cursor: str | None = None
    trail: tuple[str, ...] = ()
    page: int = 1

    def since(self, today: datetime.date | None = None) -> datetime.date | None:
        """The "posted since" date the search uses (``posted_within`` wins: it is relative)."""
        if self.posted_within:
            today = today or datetime.datetime.now(CHINA).date()
            return today - datetime.timedelta(days=self.posted_within)
        return self.search.posted_since

    def searched(self) -> SearchQuery:
        """The search to run: ``posted_within`` made a date."""
        since = self.since()
        return self.search if since == self.search.posted_since else self.search.model_copy(
            update={"posted_since": since})

    def has_filters(self) -> bool:
        """Anything chosen besides the words and the order."""
        chosen = self.search.model_dump(exclude_defaults=True, exclude={"q", "sort"})
        return bool(chosen) or bool(self.posted_within)

    def pairs(self) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        for name, info in _FIELDS.items():
            if name == "sort" and self.posted_within is not None:
                out.append(("posted_within", str(self.posted_within)))
            value = getattr(self.search, name)
            if value is None or value == info.default or value == "":
                continue
            out += [(name, str(v)) for v in value] if isinstance(value, list) else [(name, str(value))]
        if self.cursor:
            out += [("cursor", self.cursor), ("page", str(self.page))]
            if self.trail:
                out.append(("trail", ",".join(self.trail)))
        return out

    def hidden(self) -> list[tuple[str, str]]:
        """The search's keys the form has no control for, kept when it is sent again."""
        return [(k, v) for k, v in self.pairs() if k in HIDDEN]

    def url(self, path: str = "/", **changes: Any) -> str:
        """This query with ``changes`` (search fields or page keys), as a link; any change other
        than paging starts at page 1."""
        searched = {k: v for k, v in changes.items() if k in _FIELDS}
        q = replace(self, search=self.search.model_copy(update=searched) if searched else self.search,
                    **{k: v for k, v in changes.items() if k not in _FIELDS})
        if not {"cursor", "trail", "page"} & changes.keys():
            q = replace(q, cursor=None, trail=(), page=1)
        qs = urlencode(q.pairs())
        return f"{path}?{qs}" if qs else path

    def without(self, name: str, value: str | None = None) -> str:
        """A link to this search with one filter value (or the whole filter) removed."""
        if name not in _FIELDS:
            return self.url("/", **{name: None})
        current = getattr(self.search, name)
        if isinstance(current, list):
            return self.url("/", **{name: [v for v in current if v != value] if value is not None else []})
        return self.url("/", **{name: _FIELDS[name].default})

    def cleared_url(self) -> str:
        """This search's words and order without any filter."""
        return self.url("/", **{n: _FIELDS[n].default for n in _FIELDS if n not in ("q", "sort")},
                        posted_within=None)

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


def _regions(qp: QueryParams, errors: list[tuple[str, str]]) -> list[str]:
    """The region codes, with the form's province picker folded in: the province decides, a
    city inside it narrows (codes the search does not know are left for it to name)."""
    codes = _values(qp, "region")
    if "province" not in qp or any(region_by_code(c) is None for c in codes):
        return codes
    province = _one(qp, "province")
    if not province:
        return []
    if region_by_code(province) is None:
        errors.append(("province", "未知的省份代码"))
        return codes
    inside = [c for c in codes if province in ancestors(c)]
    return inside or [province]


def _most(name: str) -> int | None:
    return next((m.max_length for m in _FIELDS[name].metadata if isinstance(m, MaxLen)), None)


_MESSAGES = {
    "q": f"关键词最多 {_most('q')} 个字",
    "sort": "排序方式应为 relevance、newest 或 salary",
    "status": "招聘状态应为 open、closed 或 any",
    "posted_since": "日期格式应为 YYYY-MM-DD",
    "salary_min": "应为 0 到 10000000 之间的整数",
    "employer_id": "单位编号无效",
    "fair": "招聘会编号无效",
}


def _message(err: Any) -> tuple[str, str]:
    """A validation error of the search, said in the page's words."""
    name = str(err["loc"][0]) if err["loc"] else "query"
    value = (err.get("ctx") or {}).get("value")
    if name in LISTS:
        if err["type"] == "too_long":
            return name, f"最多选择 {_most(name)} 项"
        if name == "region":
            return name, f"未知的地区代码：{str(value)[:20]}"
        return name, f"不支持的取值：{str(value)[:30]}"
    return name, _MESSAGES.get(name, "取值无效")


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
    raw: dict[str, Any] = {}
    for name in _FIELDS:  # blank values are left out: the form without JavaScript sends them
        value: Any = _values(qp, name) if name in LISTS else _one(qp, name)
        if value:
            raw[name] = value
    if regions := _regions(qp, errors):
        raw["region"] = regions
    else:
        raw.pop("region", None)
    within = _int(_one(qp, "posted_within"), "posted_within", 1, 3650, errors)
    search = SearchQuery()
    try:
        search = SearchQuery.model_validate(raw)
    except ValidationError as exc:
        errors += [_message(e) for e in exc.errors()]
    if errors:
        raise PageInvalid(errors)
    return replace(base, search=search, posted_within=within)


def posted_within_choices(current: int | None) -> Iterable[tuple[int, str]]:
    """The "posted within" options, keeping an unusual value from a shared URL selectable."""
    choices = dict(POSTED_WITHIN)
    if current and current not in choices:
        choices[current] = f"{current} 天内"
    return sorted(choices.items())
