"""Totals and facet counts: capped, and cached with a bounded staleness.

Counting every match of a word found in a third of a million jobs costs far more
than finding the first page, so ``total`` stops at ``COUNT_CAP`` (``total_capped``
says so) and facets are counted over at most ``FACET_CAP`` matches, which is all of
them whenever the total is not capped. Both are cached per database and query. An
entry younger than the policy's ``max_age_s`` is used as it is, even while partners
push (the page itself is always read fresh); an older one is used only while the
database's version (the change log's position and the newest docid) has not moved.
With a ``SharedCache`` (Redis) every API process reads and fills the same entries.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from app.normalize import region_by_code
from app.shared import SharedCache

COUNT_CAP = 1_000
FACET_CAP = 1_000
FACET_FIELDS = ("region", "industry", "education", "job_type", "employer_type")
_COLUMN = {"industry": 0, "education": 1, "job_type": 2, "employer_type": 3}
CACHE_SIZE = 1024
Entry = tuple[list[Any], float, float, Any]  # (version, counted at, version last seen at, value)
SHARED_TTL_S = 300.0  # a shared entry older than the policy's max age still serves while the version holds
ENABLED = True  # the benchmark turns it off to time the work itself


@dataclass(frozen=True, slots=True)
class CountsPolicy:
    """How old cached totals and facet counts may be while the index changes (0: only while
    nothing changed), and the Redis store the API processes share them through (if any)."""

    max_age_s: float = 0.0
    shared: SharedCache | None = None


EXACT = CountsPolicy()


@dataclass(slots=True)
class CountsNote:
    """When one search's counts were counted (the oldest entry it used, in wall-clock seconds);
    None when they were counted with the page itself. The same entry always gives the same
    time, so a repeated search gives the same body (and ETag) while its counts are reused."""

    as_of: float | None = None

    def used(self, counted_at: float) -> None:
        self.as_of = counted_at if self.as_of is None else min(self.as_of, counted_at)


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
    """A small LRU of computed values, each stamped with the database version it was computed
    at, when it was computed and when that version was last known to hold (wall-clock seconds,
    shared between machines)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.items: OrderedDict[Any, Entry] = OrderedDict()

    def _put(self, key: Any, entry: Entry) -> None:
        with self.lock:
            self.items[key] = entry
            self.items.move_to_end(key)
            while len(self.items) > CACHE_SIZE:
                self.items.popitem(last=False)

    def get(self, key: Any, version: Callable[[], list[Any]], compute: Callable[[], Any],
            policy: CountsPolicy = EXACT, note: CountsNote | None = None) -> Any:
        """The value for ``key``: cached if young enough or still at the current ``version``
        (read only when needed), else computed and stored."""
        if not ENABLED:
            return compute()
        note = note or CountsNote()
        shared_key = hashlib.sha1(repr(key).encode()).hexdigest() if policy.shared else ""
        with self.lock:
            hit = self.items.get(key)
        if hit is None and policy.shared is not None:
            found = policy.shared.get("counts:" + shared_key)
            if isinstance(found, list) and len(found) == 4:
                hit = (found[0], float(found[1]), float(found[2]), _from_json(found[3]))
        now = time.time()
        if hit is not None:
            stamp, counted, verified, value = hit
            if now - verified <= policy.max_age_s:
                self._put(key, hit)
                note.used(counted)
                return value
            if stamp == version():  # nothing changed since: still exact
                self._store(key, shared_key, policy, (stamp, counted, now, value))
                note.used(counted)
                return value
        stamp = version()
        value = compute()
        self._store(key, shared_key, policy, (stamp, now, now, value))
        note.used(now)
        return value

    def _store(self, key: Any, shared_key: str, policy: CountsPolicy, entry: Entry) -> None:
        self._put(key, entry)
        if policy.shared is not None:
            policy.shared.set("counts:" + shared_key, list(entry), SHARED_TTL_S)


def _from_json(value: Any) -> Any:
    """A cached (total, counts) or counts value as JSON gives it back (lists for tuples)."""
    if isinstance(value, list) and len(value) == 2 and isinstance(value[0], int):
        return value[0], value[1]
    return value


CACHE = _Cache()


def version(session: Session) -> list[Any]:
    """Moves with every committed change: the change log's position and the newest docid."""
    row = session.execute(text(
        "SELECT (SELECT value FROM counters WHERE name = 'changes'), (SELECT max(docid) FROM search_docs)")).one()
    return [row[0], row[1]]
