"""The shared job index's one entry point: ``search_jobs(session, query, limit=..., secret=...)``.

Orders: ``relevance`` lists jobs whose title or employer holds the whole query,
newest first, then jobs that match only through the description and the rest,
newest first; ``newest`` is freshness alone; ``salary`` is the monthly salary's top
in bands of 500 CNY (where most salaries are; wider above 20,000), best paid first,
newest first within a band, jobs without a salary last. Every order is a keyset walk,
so a page costs about the same however common the words are, and cursors stay
stable while jobs are being added. See ``facets`` for ``total`` and facet counts.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from app.cursor import decode_cursor, encode_cursor
from app.db import is_sqlite
from app.errors import ValidationFailed, field_error
from app.jobs.render import render_jobs
from app.jobs.rows import JobDocument
from app.models import Fair, FairJob, Job, SearchDoc
from app.schemas.search import SearchQuery

from . import facets as fc
from .docs import BANDS, doc_key, since_key, value_token
from .engine_pg import PostgresEngine
from .engine_sqlite import SqliteEngine
from .plan import Group, Plan, salary_token
from .tokens import exact_token, query_runs, query_tokens

__all__ = ["SearchQuery", "SearchResult", "build_plan", "query_terms", "search_jobs"]

JOBS = cast(Table, Job.__table__)
CHINA = datetime.timezone(datetime.timedelta(hours=8))


@dataclass
class SearchResult:
    items: list[JobDocument]  # in order
    next_cursor: str | None
    total: int | None  # at most facets.COUNT_CAP; total_capped says there are more
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    total_capped: bool = False
    counts_as_of: float | None = None  # when total and facets were counted (None: with this page)


def query_terms(q: str) -> list[str]:
    """The words and Chinese runs of a query, folded, for highlighting ("Java开发" → java, 开发)."""
    return query_runs(q) if q else []


def fair_docids(session: Session, fair_id: str) -> tuple[int, ...]:
    """The index docids of a fair's jobs (a 422 naming ``fair`` for an unknown fair). A fair
    lists at most 1,000 jobs, so its docids travel with the plan (and key its cached counts)."""
    if session.get(Fair, fair_id) is None:
        raise ValidationFailed("No such fair.", errors=[field_error("fair", f"no fair with id {fair_id!r}",
                                                                    "not_found")])
    return tuple(sorted(session.execute(
        select(SearchDoc.docid).join(FairJob, FairJob.job_id == SearchDoc.job_id)
        .where(FairJob.fair_id == fair_id)).scalars()))


def build_plan(p: SearchQuery, docids: tuple[int, ...] | None = None) -> Plan | None:
    """The index terms for a search (one clause per filter); ``None`` when the query can match
    nothing. ``docids``: only these docs (``fair_docids``)."""
    terms = query_tokens(p.q) if p.q else []
    if terms is None or docids == ():
        return None
    groups: list[Group] = []
    if p.region:
        groups.append(("region", tuple(dict.fromkeys(f"_r{c}" for c in p.region))))
    for name, short in (("industry", "ind"), ("education", "edu"), ("job_type", "jt"), ("employer_type", "et")):
        if values := getattr(p, name):
            groups.append((name, tuple(dict.fromkeys(value_token(short, v) for v in values))))
    if p.employer_id:
        groups.append(("employer", (f"_emp_{p.employer_id.lower()}",)))
    if p.salary_min is not None:
        groups.append(("salary", (salary_token(p.salary_min),)))
    since = None
    if p.posted_since is not None:
        since = since_key(datetime.datetime.combine(p.posted_since, datetime.time(), CHINA))
    return Plan(tuple(terms), tuple(groups), p.status, p.salary_min, since, docids=docids,
                exact=exact_token(p.q) if terms and p.q else None)


def search_jobs(session: Session, query: SearchQuery, *, limit: int, cursor: str | None = None,
                facets: Sequence[str] = (), secret: str, counts: fc.CountsPolicy = fc.EXACT) -> SearchResult:
    """One page of ``limit`` jobs for ``query`` after ``cursor``, with the next cursor, the
    (capped) total and the counts of ``facets`` (reused as ``counts`` allows)."""
    plan = build_plan(query, fair_docids(session, query.fair) if query.fair else None)
    order = "newest" if query.sort == "relevance" and not (plan and plan.terms) else query.sort
    position = _position(cursor, order, secret)
    if plan is None:
        return SearchResult([], None, 0, {f: {} for f in facets}, False)
    engine = SqliteEngine(session) if is_sqlite(session) else PostgresEngine(session)
    n = limit + 1
    # Few matches (a rare word, or none): every one of them in one statement, where the engine
    # can tell; the page, the cursor and the total all come from it.
    matches = engine.few(plan, fc.COUNT_CAP) if order != "salary" else None
    if matches is not None:
        hits = _from_matches(matches, order, position, n)
    elif order == "relevance":
        hits = _relevance(engine, plan, position, n)
    elif order == "salary":
        hits = _by_salary(engine, plan, position, n)
    else:
        hits = [[d] for d in engine.page(plan, "all", position[0] if position else None, n)]
    page = hits[:limit]  # each hit ends with its docid; a cursor holds its key instead
    items = _render(session, [h[-1] for h in page])
    nxt = encode_cursor({"o": order, "k": page[-1][:-1] + [doc_key(page[-1][-1])]}, secret) \
        if len(hits) > limit else None
    note = fc.CountsNote()
    scope = str(session.get_bind().engine.url)
    total, found = _stats(engine, plan, query.region, facets, scope, lambda: fc.version(session), counts, note,
                          len(matches) if matches is not None else None)
    return SearchResult(items, nxt, min(total, fc.COUNT_CAP), found, total > fc.COUNT_CAP, counts_as_of=note.as_of)


def _from_matches(matches: list[tuple[int, int]], order: str, position: list[int] | None,
                  n: int) -> list[list[int]]:
    """The page after ``position`` among every match (docid, relevance tier), as the walks
    would give it: [tier, docid] by relevance (``RELEVANCE_TIERS``), [docid] newest first."""
    if order == "relevance":
        keyed = sorted(((tier, -doc_key(d), d) for d, tier in matches))
        if position:
            keyed = [k for k in keyed if (k[0], k[1]) > (position[0], -position[1])]
        return [[tier, d] for tier, _, d in keyed[:n]]
    newest = sorted(matches, key=lambda m: doc_key(m[0]), reverse=True)
    if position:
        newest = [m for m in newest if doc_key(m[0]) < position[0]]
    return [[d] for d, _ in newest[:n]]


def _position(cursor: str | None, order: str, secret: str) -> list[int] | None:
    if not cursor:
        return None
    value = decode_cursor(cursor, secret)
    key = value.get("k") if isinstance(value, dict) else None
    size = {"newest": 1, "relevance": 2, "salary": 2}[order]
    if value.get("o") != order or not isinstance(key, list) or len(key) != size or not all(
            isinstance(k, int) and not isinstance(k, bool) for k in key):
        raise ValidationFailed("The cursor belongs to another search order.",
                               errors=[field_error("cursor", "cursor does not fit this search")])
    return key


RELEVANCE_TIERS = ("exact", "title", "head", "body")


def _relevance(engine: Any, plan: Plan, position: list[int] | None, n: int) -> list[list[int]]:
    """The tiers of ``Plan.tier`` in turn (the title is the query; the title holds it; title and
    employer hold it; the rest), newest first in each: one ranking, the same on both databases.
    A position is [tier, key]; hits are [tier, docid]."""
    start, after = position if position else (0, None)
    hits: list[list[int]] = []
    for number, name in enumerate(RELEVANCE_TIERS):
        if number < start or len(hits) >= n:
            continue
        sub, tier = plan.tier(name)
        hits += [[number, d] for d in engine.page(sub, tier, after if number == start else None, n - len(hits))]
    return hits


def _by_salary(engine: Any, plan: Plan, position: list[int] | None, n: int) -> list[list[int]]:
    """Best paid first by salary band (``docs.BANDS``: 500 CNY a month apart where most
    salaries are), newest first within a band, jobs without a salary last (band -1). Each
    band is a walk like any page; runs of empty bands are skipped by asking whether any of
    16, 8, 4 or 2 bands has a match. A position is [band, key]; hits are [band, docid]."""
    bands = [b for b in range(len(BANDS) - 1, -1, -1) if not position or b <= position[0]]
    if plan.salary_min is not None:
        bands = [b for b in bands if b + 1 == len(BANDS) or BANDS[b + 1] > plan.salary_min]
    else:
        bands.append(-1)
    hits: list[list[int]] = []
    i = 0
    while i < len(bands) and len(hits) < n:
        i = _skip_empty(engine, plan, bands, i)
        if i >= len(bands):  # every band left is empty
            break
        band = bands[i]
        after = position[1] if position and band == position[0] else None
        hits += [[band, d] for d in engine.page(plan.bands([band]), "all", after, n - len(hits))]
        i += 1
    return hits


def _skip_empty(engine: Any, plan: Plan, bands: list[int], i: int) -> int:
    """The index of the first band from ``i`` on that may hold a match (``len(bands)``: none)."""
    size = 16
    while size >= 2:
        chunk = bands[i:i + size]
        if len(chunk) == size and -1 not in chunk and not engine.exists(plan.bands(chunk)):
            i += size
        else:
            size //= 2
    return i


def _render(session: Session, docids: list[int]) -> list[JobDocument]:
    if not docids:
        return []
    rows = session.execute(select(JOBS, SearchDoc.docid).join(SearchDoc, SearchDoc.job_id == JOBS.c.id)
                           .where(SearchDoc.docid.in_(docids))).mappings().all()
    by_docid = {r["docid"]: r for r in rows}
    return render_jobs(session, [by_docid[d] for d in docids if d in by_docid])


def _stats(engine: Any, plan: Plan, regions: list[str], facets: Sequence[str], scope: str,
           version: Callable[[], list[Any]], policy: fc.CountsPolicy, note: fc.CountsNote,
           known_total: int | None) -> tuple[int, dict[str, dict[str, int]]]:
    """The total (up to ``COUNT_CAP + 1``) and the facets. Each field's counts ignore that
    field's own selection, so the other choices still show; one pass over the plan's own
    matches gives the total and the facets of every field that has no selection. ``version``
    is read at most once, and only when a cached entry is older than the policy allows;
    ``known_total``: every match was read already (the few-matches path)."""
    read: list[list[Any]] = []

    def current() -> list[Any]:
        if not read:
            read.append(version())
        return read[0]

    region = tuple(regions)
    by_plan: dict[Plan, list[str]] = {}
    for name in dict.fromkeys(facets):
        by_plan.setdefault(plan.without(name), []).append(name)
    own = by_plan.pop(plan, [])

    def first_pass() -> tuple[int, dict[str, dict[str, int]]]:
        if not own:
            return engine.count(plan, fc.COUNT_CAP + 1), {}
        rows = engine.facet_rows(plan, max(fc.COUNT_CAP, fc.FACET_CAP) + 1)
        return min(len(rows), fc.COUNT_CAP + 1), fc.count_facets(rows[:fc.FACET_CAP], own, list(region))

    if known_total is not None and not own:
        total, counts = known_total, {}
    else:
        key = (scope, "stats", plan, tuple(own), region, fc.COUNT_CAP, fc.FACET_CAP)
        total, counts = fc.CACHE.get(key, current, first_pass, policy, note)
    out = dict(counts)
    for sub, names in by_plan.items():
        if not total:
            break

        def facets_of(sub: Plan = sub, names: list[str] = names) -> dict[str, dict[str, int]]:
            return fc.count_facets(engine.facet_rows(sub, fc.FACET_CAP), names, list(region))

        out.update(fc.CACHE.get((scope, "facets", sub, tuple(names), region, fc.FACET_CAP), current, facets_of,
                                policy, note))
    return total, {name: out.get(name, {}) for name in facets}
