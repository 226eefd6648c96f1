"""Totals and facet counts: capped, and cached until the next committed change.

Counting every match of a word found in a third of a million jobs costs far more
than finding the first page, so ``total`` stops at ``COUNT_CAP`` (``total_capped``
says so) and facets are counted over at most ``FACET_CAP`` matches, which is all of
them whenever the total is not capped. Both are cached per database and query,
and the cache entry dies when the change log moves on or a doc is added.
"""

from __future__ import annotations

import threading
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable
from functools import cache
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from app.normalize import region_by_code

COUNT_CAP = 1_000
FACET_CAP = 1_000
FACET_FIELDS = ("region", "industry", "education", "job_type", "employer_type")
_COLUMN = {"industry": 0, "education": 1, "job_type": 2, "employer_type": 3}
CACHE_SIZE = 1024
ENABLED = True  # the benchmark turns it off to time the work itself


def count_facets(rows: Iterable[Any], fields: Iterable[str], regions: list[str]) -> dict[str, dict[str, int]]:
    """Counts per value. Regions count at province level, plus the children of selected regions."""
    wanted = list(fields)
    counters = {f: Counter[str]() for f in wanted}
    selected = frozenset(regions)
    for row in rows:
        for name in wanted:
            if name == "region":
                counters[name].update(c for c in row[4].split() if _counts(c, selected))
            elif (value := row[_COLUMN[name]]) is not None:
                counters[name][value] += 1
    return {f: dict(counters[f].most_common()) for f in wanted}


def _counts(code: str, selected: frozenset[str]) -> bool:
    parent = _parent(code)
    return parent is None or parent in selected


@cache
def _parent(code: str) -> str | None:
    """The code one level up (None for a province)."""
    region = region_by_code(code)
    if region is None or region.level == "province":
        return None
    if region.level == "city":
        return region.province_code
    return region.city_code or region.province_code


class _Cache:
    """A small LRU of computed values, each valid while the database's version holds."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.items: OrderedDict[Any, tuple[Any, Any]] = OrderedDict()

    def get(self, key: Any, version: Any, compute: Callable[[], Any]) -> Any:
        if not ENABLED:
            return compute()
        with self.lock:
            hit = self.items.get(key)
            if hit is not None and hit[0] == version:
                self.items.move_to_end(key)
                return hit[1]
        value = compute()
        with self.lock:
            self.items[key] = (version, value)
            self.items.move_to_end(key)
            while len(self.items) > CACHE_SIZE:
                self.items.popitem(last=False)
        return value


CACHE = _Cache()


def version(session: Session) -> tuple[Any, ...]:
    """Moves with every committed change: the change log's position and the newest docid."""
    row = session.execute(text(
        "SELECT (SELECT value FROM counters WHERE name = 'changes'), (SELECT max(docid) FROM search_docs)")).one()
    return (str(session.get_bind().engine.url), row[0], row[1])
