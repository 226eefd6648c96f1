"""Search on PostgreSQL: walk docids downwards when matches are common, GIN when rare.

A GIN index answers "which rows hold these lexemes" as a bitmap of every match, so
a word in 30% of a million jobs would mean 300,000 rows for one page. Instead, when
``pg_stats`` says the match is common, the engine walks the primary key downwards
(newest first) testing each row, which finds a page within a few dozen rows, and
stops after a budget of rows; only a rare match (or a walk that came back short)
goes to the GIN bitmap, which is then small.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from .docs import Range, doc_key, docid_ranges
from .pg_stats import doc_count, estimate
from .plan import Plan, tsquery

WALK_ROWS = 4000  # the most rows a walk for one page may test
SAMPLE_WALK_ROWS = 8000  # ... and a walk for a count or the facets' sample
WALK_ROW_COST = 10  # testing one row on a walk costs about ten GIN posting entries
# ix_search_docs_sample (migration 0012) indexes head_tsv of the open jobs in one eighth of the
# docids; a query reaches it only by stating its predicate, verbatim.
SHARDS = 8
SAMPLE = "docid >= 0 AND (docid & 7) = 0"
FACET_COLUMNS = "industry, education, job_type, employer_type, regions"
# One round trip per search, before its first GIN query: set_config(..., true) lasts to the end
# of the (read) transaction. No sequential scans (every statement of a search has an index to
# use: the primary key or GIN), and the memory that keeps a GIN bitmap exact. GIN queries state
# their docid range and order on ``docid + 0``, which the primary key cannot serve, so the
# planner cannot walk the primary key testing every row for a rare word (the walk is chosen
# here, explicitly, when the words are common).
_GIN_SETTINGS = "SELECT set_config('enable_seqscan', 'off', true), set_config('work_mem', '32MB', true)"
_PARAM = re.compile(r"(?<![:\w]):(\w+)")
# A search whose matches are estimated at most this share of ``FEW_CAP`` reads them all in one
# statement (docid and tier), which then gives the page, the next cursor and the total.
FEW_MARGIN = 1.0


def _cond(plan: Plan, column: str, body_only: bool, args: dict[str, Any]) -> str:
    """The row condition: the plan's tsquery on ``column`` plus checks the index cannot make."""
    conds = []
    if query := tsquery(plan):
        args["a"] = query
        conds.append(f"{column} @@ CAST(:a AS tsquery)")
    if body_only and plan.terms:
        args["h"] = tsquery(replace(plan, exclude=()), text_only=True)
        conds.insert(0, "NOT head_tsv @@ CAST(:h AS tsquery)")
    if plan.no_salary:
        conds.append("salary IS NULL")
    if plan.salary_min is not None:
        conds.append("salary >= :salary_min")
        args["salary_min"] = plan.salary_min
    if plan.docids is not None:
        conds.append("docid = ANY(CAST(:docids AS bigint[]))")
        args["docids"] = list(plan.docids)
    return " AND ".join(conds) or "TRUE"


def _tier_case(plan: Plan, args: dict[str, Any]) -> str:
    """A row's relevance tier as ``Plan.tier`` defines them (0 the title is the query, 1 the title
    holds it, 2 title and employer hold it, 3 the rest): the walks' order, in one expression."""
    cases = []
    if plan.exact:
        args["t0"] = tsquery(replace(plan, terms=(plan.exact, *plan.title_terms()), exclude=()), text_only=True)
        cases.append("WHEN head_tsv @@ CAST(:t0 AS tsquery) THEN 0")
    args["t1"] = tsquery(replace(plan, terms=plan.title_terms(), exclude=()), text_only=True)
    args["t2"] = tsquery(replace(plan, exclude=()), text_only=True)
    cases += ["WHEN head_tsv @@ CAST(:t1 AS tsquery) THEN 1", "WHEN head_tsv @@ CAST(:t2 AS tsquery) THEN 2"]
    return "CASE " + " ".join(cases) + " ELSE 3 END"


def _range(rng: Range, args: dict[str, Any], gin: bool = False) -> str:
    """The docid range's condition; ``gin``: on ``docid + 0``, which no B-tree serves."""
    lo, hi, _ = rng
    col = "docid + 0" if gin else "docid"
    conds = ["TRUE"]
    if lo is not None:
        conds.append(f"{col} >= :lo")
        args["lo"] = lo
    if hi is not None:
        conds.append(f"{col} < :hi")
        args["hi"] = hi
    return " AND ".join(conds)


class PostgresEngine:
    """The four questions the service asks, answered with tsvector columns."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._tuned = False

    def _run(self, sql: str, args: dict[str, Any]) -> list[Any]:
        return list(self.session.execute(text(sql), args))

    def _gin(self, sql: str, args: dict[str, Any]) -> list[Any]:
        """Run with the GIN bitmap (``sql`` states its range on ``docid + 0``), no sequential scan
        and the memory to keep the bitmap exact: set once for the rest of the transaction, in the
        same round trip as the first GIN query."""
        if self._tuned:
            return self._run(sql, args)
        self._tuned = True
        return self._pipelined(sql, args, _GIN_SETTINGS)

    def _pipelined(self, sql: str, args: dict[str, Any], before: str | None = None) -> list[Any]:
        """``before`` (if any) and ``sql`` sent together in one psycopg pipeline, with the
        transaction's BEGIN when it is the first statement: one round trip instead of up to three.
        Under load each round trip waits for the server process to be scheduled (bench/RESULTS.md,
        issue 22). Only for this module's own SELECTs on a read (nothing written behind)."""
        raw = self.session.connection().connection.driver_connection
        assert raw is not None, "a checked-out connection has its psycopg connection"
        with raw.pipeline():
            if before is not None:
                raw.execute(before)
            cur = raw.execute(_PARAM.sub(r"%(\1)s", sql), args)
        return cur.fetchall()  # type: ignore[no-any-return]

    def _fetch(self, plan: Plan, tier: str, rng: Range, limit: int, columns: str, ordered: bool,
               max_walk: int, sample: bool = False) -> list[Any]:
        """Up to ``limit`` matching rows of one docid range (newest first if ``ordered``), by
        whichever of walk, sample or GIN the statistics make cheapest. A walk or a sample that
        comes back short hands over to the next; GIN is exact and always the last."""
        column = "head_tsv" if tier in ("head", "marked") or not plan.terms else "full_tsv"
        args: dict[str, Any] = {"limit": limit}
        cond, where = _cond(plan, column, tier == "body", args), _range(rng, args)
        gin_where = _range(rng, args, gin=True)
        if "@@" not in cond or plan.docids is not None:  # the primary key finds these rows (or walks)
            return self._run(f"SELECT {columns} FROM search_docs WHERE {cond} AND {where} "
                             f"ORDER BY docid DESC LIMIT :limit", args)
        share, rarest = estimate(self.session, plan, column)
        docs = doc_count(self.session)  # posting lists cover every doc; a date range keeps fewer
        kept = doc_count(self.session, plan.since) if rng[2] == 0 else docs
        lists = len(plan.terms) + sum(1 for name, _ in plan.groups if name[0] != "!")
        expected = limit / max(share, 1e-9)  # rows a walk tests to find ``limit`` matches
        # A GIN bitmap reads the posting lists, then visits every match (or ``limit`` of them).
        costs = {"gin": rarest * docs * lists + (share * kept if ordered else limit) * WALK_ROW_COST}
        if expected <= max_walk:
            costs["walk"] = expected * WALK_ROW_COST
        # The sample holds title, employer and filter lexemes of an eighth of the open jobs: its
        # matches are some of the plan's matches, so it can only say "at least ``limit``" (all a
        # count needs).
        head_share = estimate(self.session, plan, "head_tsv")[0] if sample else 0.0
        if head_share * kept >= SHARDS * limit / 2:
            costs["sample"] = rarest * docs * lists / SHARDS + limit * WALK_ROW_COST
        for way in sorted(costs, key=costs.__getitem__):
            if way == "walk":
                args["budget"] = int(min(max_walk, max(500, 3 * expected)))
                rows = self._run(f"SELECT {columns} FROM (SELECT * FROM search_docs WHERE {where} "
                                 f"ORDER BY docid DESC LIMIT :budget) s WHERE {cond} LIMIT :limit", args)
            elif way == "sample":
                args["s"] = tsquery(plan)
                sampled = cond.replace(f"{column} @@ CAST(:a AS tsquery)", f"head_tsv @@ CAST(:s AS tsquery) AND {SAMPLE}")
                rows = self._gin(f"SELECT {columns} FROM search_docs WHERE {sampled} AND {gin_where} LIMIT :limit",
                                 args)
            else:
                order = "ORDER BY docid + 0 DESC" if ordered else ""
                return self._gin(f"SELECT {columns} FROM search_docs WHERE {cond} AND {gin_where} {order} "
                                 "LIMIT :limit", args)
            if len(rows) >= limit:
                return rows
        raise AssertionError("unreachable: GIN is always among the ways")

    def few(self, plan: Plan, cap: int) -> list[tuple[int, int]] | None:
        """Every match as (docid, relevance tier: ``_tier_case``) when the statistics say a query's words
        match few jobs (a rare word, or none), in one GIN statement: the page, the cursor and the
        total all come from it, instead of a statement per tier and one to count. None when the
        matches are not known to be few, or turn out to be more than ``cap``."""
        if not plan.terms or plan.docids is not None:
            return None
        share, _ = estimate(self.session, plan, "full_tsv")
        if share * doc_count(self.session, plan.since) > cap * FEW_MARGIN:
            return None
        found: list[tuple[int, int]] = []
        for rng in docid_ranges(plan.status, plan.since, None):
            args: dict[str, Any] = {"limit": cap + 1 - len(found)}
            cond, where = _cond(plan, "full_tsv", False, args), _range(rng, args, gin=True)
            # No planner settings: with the range on ``docid + 0`` only GIN or a sequential scan can
            # answer, and for matches this rare the planner's own statistics pick GIN.
            found += [(r[0], int(r[1])) for r in self._pipelined(
                f"SELECT docid, {_tier_case(plan, args)} FROM search_docs WHERE {cond} AND {where} "
                "LIMIT :limit", args)]
            if len(found) > cap:
                return None
        return found

    def page(self, plan: Plan, tier: str, after: int | None, n: int) -> list[int]:
        """Docids of matches with keys below ``after``, newest first; tier ``all``, ``head``, ``body``
        or ``marked`` (the plan's terms are marked tokens, held in ``head_tsv``)."""
        found = [r[0] for rng in docid_ranges(plan.status, plan.since, after)
                 for r in self._fetch(plan, tier, rng, n, "docid", True, WALK_ROWS)]
        return sorted(found, key=doc_key, reverse=True)[:n]

    def exists(self, plan: Plan) -> bool:
        """Whether anything matches."""
        return any(self._fetch(plan, "all", rng, 1, "1", False, WALK_ROWS)
                   for rng in docid_ranges(plan.status, plan.since, None))

    def count(self, plan: Plan, cap: int) -> int:
        """How many jobs match, counting no further than ``cap``."""
        total = sum(len(self._fetch(plan, "all", rng, cap, "1", False, SAMPLE_WALK_ROWS, sample=rng[2] == 0))
                    for rng in docid_ranges(plan.status, plan.since, None))
        return min(total, cap)

    def facet_rows(self, plan: Plan, cap: int) -> list[Any]:
        """Facet values of up to ``cap`` matches (all of them when fewer match)."""
        rows = [r for rng in docid_ranges(plan.status, plan.since, None)
                for r in self._fetch(plan, "all", rng, cap, FACET_COLUMNS, False, SAMPLE_WALK_ROWS,
                                     sample=rng[2] == 0)]
        return rows[:cap]
