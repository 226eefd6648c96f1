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
        return self.freq.get(token, self.floor)


_cache: dict[str, tuple[float, dict[str, _Column], float]] = {}
_lock = threading.Lock()


def _load(session: Session) -> tuple[dict[str, _Column], float]:
    out = {"head_tsv": _Column(), "full_tsv": _Column()}
    docs = session.execute(text("SELECT reltuples FROM pg_class WHERE oid = 'search_docs'::regclass")).scalar()
    rows = session.execute(text(
        "SELECT attname, most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats "
        "WHERE schemaname = current_schema() AND tablename = 'search_docs' "
        "AND attname IN ('head_tsv', 'full_tsv')"))
    for name, elems, freqs in rows:
        if elems and freqs:
            listed = freqs[:len(elems)]
            out[name] = _Column(dict(zip(elems, listed)), min(listed))
    return out, max(0.0, float(docs or 0))


def _stats(session: Session) -> tuple[dict[str, _Column], float]:
    key = str(session.get_bind().engine.url)
    now = time.monotonic()
    hit = _cache.get(key)
    if hit is not None and now - hit[0] < REFRESH_S:
        return hit[1], hit[2]
    loaded, docs = _load(session)
    with _lock:
        _cache[key] = (now, loaded, docs)
    return loaded, docs


def columns(session: Session) -> dict[str, _Column]:
    return _stats(session)[0]


def doc_count(session: Session) -> float:
    """About how many docs there are (``pg_class.reltuples``; 0 before the first ANALYZE)."""
    return _stats(session)[1]


def estimate(session: Session, plan: Plan, column: str) -> float:
    """The fraction of docs matching ``plan`` in ``column`` (1.0: unknown). Query tokens are
    pairs of one word and move together, so the rarest bounds them; filters are taken as
    independent of the words and of each other, as PostgreSQL's planner takes them."""
    stats = columns(session)[column]
    share = min((stats.of(t) for t in plan.terms), default=1.0)
    for name, toks in plan.groups:
        if name[0] != "!":
            share *= min(1.0, sum(stats.of(t) for t in toks))
    return share
