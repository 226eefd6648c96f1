"""Search suggestions: completions from real titles and employer names, by Chinese prefix, by
pinyin (kuaiji → 会计) and by pinyin initials (kj → 会计).

The vocabulary is the most common titles and employer names of open jobs (``VOCABULARY`` of
each), read once and kept in memory as three sorted key lists (folded text, full pinyin,
initials); a prefix is a binary search, and the best-weighted entries among the first
``SCAN`` in range are returned. Rebuilt at most every ``REFRESH_S`` per database.
"""

from __future__ import annotations

import re
import threading
import time
from bisect import bisect_left
from dataclasses import dataclass, field
from typing import Any

from pypinyin import lazy_pinyin
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Employer, Job
from app.normalize import clean_text

from .facets import version

VOCABULARY = 20_000
SCAN = 400
LIMIT = 10
REFRESH_S = 600.0
STALE_S = 60.0
SMALL = 2000
_LETTERS = re.compile(r"[a-z]+")
_NOT_KEY = re.compile(r"[^0-9a-z\u3400-\u9fff]+")


def fold(text: str) -> str:
    """Lower case, simplified, half-width, only letters, digits and ideographs."""
    return _NOT_KEY.sub("", clean_text(text).lower())


def _as_is(chars: str) -> Any:
    """What pypinyin cannot read (letters, digits) stays as it is, one syllable per character."""
    return list(chars)


_KEYS: dict[str, tuple[str, str]] = {}  # pinyin keys made before, so a rebuild redoes only new texts
KEYS_KEPT = 200_000


def pinyin_keys(text: str) -> tuple[str, str]:
    """(full pinyin, initials) of a text: 会计 → ("kuaiji", "kj"); ASCII words stay as they are."""
    hit = _KEYS.get(text)
    if hit is not None:
        return hit
    if len(_KEYS) >= KEYS_KEPT:
        _KEYS.clear()
    _KEYS[text] = keys = _pinyin_keys(text)
    return keys


def _pinyin_keys(text: str) -> tuple[str, str]:
    syllables = [s.lower() for s in lazy_pinyin(fold(text), errors=_as_is)]
    syllables = [s for s in syllables if s]
    full = "".join(syllables)
    initials = "".join(s[0] for s in syllables if s[0].isalpha())
    return full, initials


@dataclass(frozen=True, slots=True)
class Entry:
    text: str
    kind: str  # title | employer
    weight: int  # open jobs with this text


@dataclass
class SuggestIndex:
    """Three sorted (key, entry number) lists over one vocabulary."""

    entries: list[Entry] = field(default_factory=list)
    keys: dict[str, list[tuple[str, int]]] = field(default_factory=dict)

    @classmethod
    def build(cls, entries: list[Entry]) -> SuggestIndex:
        by: dict[str, list[tuple[str, int]]] = {"text": [], "pinyin": [], "initials": []}
        for i, e in enumerate(entries):
            full, initials = pinyin_keys(e.text)
            by["text"].append((fold(e.text), i))
            by["pinyin"].append((full, i))
            by["initials"].append((initials, i))
        for rows in by.values():
            rows.sort()
        return cls(entries, by)

    def _prefix(self, kind: str, prefix: str) -> list[int]:
        rows = self.keys[kind]
        start = bisect_left(rows, (prefix, -1))
        out = []
        for key, i in rows[start:start + SCAN]:
            if not key.startswith(prefix):
                break
            out.append(i)
        return out

    def suggest(self, q: str, limit: int = LIMIT) -> list[Entry]:
        """Up to ``limit`` entries whose text, pinyin or initials start with the query, the most
        common first (text matches before pinyin matches before initials)."""
        key = fold(q)
        if not key:
            return []
        found: dict[int, int] = {}
        ways = [("text", key)]
        if _LETTERS.fullmatch(key):
            ways += [("pinyin", key), ("initials", key)]
        elif not key.isascii():
            full, _ = pinyin_keys(q)  # 会ji, 会计shi: mixed input, matched by its pinyin
            if full and full != key and full.isascii():
                ways.append(("pinyin", full))
        for rank, (kind, prefix) in enumerate(ways):
            for i in self._prefix(kind, prefix):
                found.setdefault(i, rank)
        ordered = sorted(found, key=lambda i: (found[i], -self.entries[i].weight, len(self.entries[i].text)))
        out, seen = [], set()
        for i in ordered:
            e = self.entries[i]
            if e.text not in seen:
                seen.add(e.text)
                out.append(e)
            if len(out) >= limit:
                break
        return out


def load_entries(session: Session, n: int = VOCABULARY) -> list[Entry]:
    """The ``n`` most common titles and employer names of open jobs."""
    count = func.count().label("n")
    titles = session.execute(select(Job.title, count).where(Job.status == "open").group_by(Job.title)
                             .order_by(count.desc(), Job.title).limit(n)).all()
    names = session.execute(select(Employer.name, count).join(Job, Job.employer_id == Employer.id)
                            .where(Job.status == "open").group_by(Employer.name)
                            .order_by(count.desc(), Employer.name).limit(n)).all()
    found = [Entry(t, "title", c) for t, c in titles if t] + [Entry(m, "employer", c) for m, c in names if m]
    return sorted(found, key=lambda e: -e.weight)  # stable: titles before names of equal weight


_cache: dict[str, tuple[float, list[Any], SuggestIndex]] = {}
_lock = threading.Lock()


_building: set[str] = set()


def suggest_index(session: Session, key: str) -> SuggestIndex:
    """The index of the database named ``key``. A small vocabulary (under ``SMALL`` entries) is
    built in the request, again whenever the jobs changed; a large one is built in a background
    thread (the request gets the ``SMALL`` most common entries at first, then the index before),
    again after a change at most every ``STALE_S``, in any case every ``REFRESH_S``."""
    now = time.monotonic()
    current = version(session)
    hit = _cache.get(key)
    if hit is not None:
        built, seen, index = hit
        age = now - built
        if age < REFRESH_S and (seen == current or (age < STALE_S and len(index.entries) >= SMALL)):
            return index
        if len(index.entries) >= SMALL:
            _build_later(session, key, current)
            return index
    entries = load_entries(session)
    index = SuggestIndex.build(entries[:SMALL] if len(entries) > SMALL else entries)
    with _lock:
        _cache[key] = (now, current, index)
    if len(entries) > SMALL:
        _build_later(session, key, current, entries)
    return index


def _build_later(session: Session, key: str, current: list[Any], entries: list[Entry] | None = None) -> None:
    """Build the whole index in a thread of its own (one per database at a time)."""
    with _lock:
        if key in _building:
            return
        _building.add(key)
    engine = session.get_bind().engine

    def run() -> None:
        try:
            found = entries
            if found is None:
                with Session(engine) as own:
                    found = load_entries(own)
            index = SuggestIndex.build(found)
            with _lock:
                _cache[key] = (time.monotonic(), current, index)
        finally:
            with _lock:
                _building.discard(key)

    threading.Thread(target=run, name="suggest-index", daemon=True).start()


def forget(key: str | None = None) -> None:
    """Drop cached indexes (all, or one database's): the next call builds again."""
    with _lock:
        if key is None:
            _cache.clear()
        else:
            _cache.pop(key, None)
