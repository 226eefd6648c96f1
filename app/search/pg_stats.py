"""How common a lexeme is, from PostgreSQL's own statistics on the tsvector columns.

``ANALYZE`` keeps the most common lexemes of ``head_tsv``/``full_tsv`` with their
frequencies in ``pg_stats`` (10,000 of them: migration 0003 sets the columns'
statistics target to 1000). A lexeme not listed is rarer than the rarest listed.
The engine uses these to choose between walking the primary key and asking GIN;
a wrong guess costs time, never correctness. Cached per database for five minutes.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from sqlalchemy import text
from sqlalchemy.orm import Session

from .plan import Plan

REFRESH_S = 300.0


@dataclass(slots=True)
class _Column:
    freq: dict[str, float] = field(default_factory=dict)
    floor: float = 1.0  # upper bound for lexemes not listed (1.0 when there are no statistics)

    def of(self, token: str) -> float:
        if token.endswith("*"):  # a prefix: every listed lexeme it starts, plus the unlisted rest
            stem = token[:-1]
            return min(1.0, self.floor + sum(f for t, f in self.freq.items() if t.startswith(stem)))
        # Unlisted lexemes are rarer than the rarest listed one, most of them far rarer.
        return self.freq.get(token, self.floor / 10)


@dataclass(slots=True)
class _Stats:
    columns: dict[str, _Column]
    docs: float  # pg_class.reltuples: 0 before the first ANALYZE
    newest: int  # the open docids' extremes, for the share a posted_since range keeps
    oldest: int


_cache: dict[str, tuple[float, _Stats]] = {}
_lock = threading.Lock()


def _load(session: Session) -> _Stats:
    out = {"head_tsv": _Column(), "full_tsv": _Column()}
    docs, oldest, newest = session.execute(text(
        "SELECT (SELECT reltuples FROM pg_class WHERE oid = 'search_docs'::regclass), "
        "(SELECT min(docid) FROM search_docs WHERE docid >= 0), (SELECT max(docid) FROM search_docs)")).one()
    rows = session.execute(text(
        "SELECT attname, most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats "
        "WHERE schemaname = current_schema() AND tablename = 'search_docs' "
        "AND attname IN ('head_tsv', 'full_tsv')"))
    for name, elems, freqs in rows:
        if elems and freqs:
            listed = freqs[:len(elems)]
            out[name] = _Column(dict(zip(elems, listed, strict=False)), min(listed))
    return _Stats(out, max(0.0, float(docs or 0)), int(newest or 0), int(oldest or 0))


def _stats(session: Session) -> _Stats:
    key = str(session.get_bind().engine.url)
    now = time.monotonic()
    hit = _cache.get(key)
    if hit is not None and now - hit[0] < REFRESH_S:
        return hit[1]
    loaded = _load(session)
    with _lock:
        _cache[key] = (now, loaded)
    return loaded


def doc_count(session: Session, since: int | None = None) -> float:
    """About how many docs there are (``pg_class.reltuples``; 0 before the first ANALYZE),
    or how many of them are open and at least as fresh as the key ``since``."""
    stats = _stats(session)
    if since is None or since <= stats.oldest or stats.newest <= stats.oldest:
        return stats.docs
    return stats.docs * max(0.0, (stats.newest - since) / (stats.newest - stats.oldest))


def estimate(session: Session, plan: Plan, column: str) -> tuple[float, float]:
    """(matching share, rarest share): the fraction of docs matching ``plan`` in ``column``,
    and that of its rarest required term or filter, which sizes a GIN scan (1.0: unknown).
    Query tokens are pairs of one word and move together, so the rarest bounds them;
    filters are taken as independent of the words and of each other, as PostgreSQL does."""
    stats = _stats(session).columns[column]
    words = min((stats.of(t) for t in plan.terms), default=1.0)
    share = rarest = words
    for name, toks in plan.groups:
        if name[0] != "!":
            group = min(1.0, sum(stats.of(t) for t in toks))
            share *= group
            rarest = min(rarest, group)
    return share, rarest
