"""Search on PostgreSQL: walk docids downwards when matches are common, GIN when rare.

A GIN index answers "which rows hold these lexemes" as a bitmap of every match, so
a word in 30% of a million jobs would mean 300,000 rows for one page. Instead, when
``pg_stats`` says the match is common, the engine walks the primary key downwards
(newest first) testing each row, which finds a page within a few dozen rows, and
stops after a budget of rows; only a rare match (or a walk that came back short)
goes to the GIN bitmap, which is then small.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from .docs import Range, doc_key, docid_ranges
from .pg_stats import doc_count, estimate
from .plan import Plan, tsquery

WALK_ROWS = 4000  # the most rows a walk for one page may test
SAMPLE_WALK_ROWS = 8000  # ... and a walk for a count or the facets' sample
SHARDS = 16  # hub_search_shard (migration 0003) tags each open job's lexemes with docid & 15
FACET_COLUMNS = "industry, education, job_type, employer_type, regions"


def _cond(plan: Plan, column: str, body_only: bool, args: dict[str, Any]) -> str:
    """The row condition: the plan's tsquery on ``column`` plus checks the index cannot make."""
    conds = []
    if query := tsquery(plan):
        args["a"] = query
        conds.append(f"{column} @@ CAST(:a AS tsquery)")
    if body_only and plan.terms:
        args["h"] = tsquery(plan, text_only=True)
        conds.insert(0, "NOT head_tsv @@ CAST(:h AS tsquery)")
    if plan.no_salary:
        conds.append("salary IS NULL")
    if plan.salary_min is not None:
        conds.append("salary >= :salary_min")
        args["salary_min"] = plan.salary_min
    return " AND ".join(conds) or "TRUE"


def _range(rng: Range, args: dict[str, Any]) -> str:
    lo, hi, _ = rng
    conds = ["TRUE"]
    if lo is not None:
        conds.append("docid >= :lo")
        args["lo"] = lo
    if hi is not None:
        conds.append("docid < :hi")
        args["hi"] = hi
    return " AND ".join(conds)


class PostgresEngine:
    """The four questions the service asks, answered with tsvector columns."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def _run(self, sql: str, args: dict[str, Any]) -> list[Any]:
        return list(self.session.execute(text(sql), args))

    def _gin(self, sql: str, args: dict[str, Any]) -> list[Any]:
        """Run with the GIN bitmap, not a walk down the primary key testing every row."""
        for setting in ("enable_indexscan = off", "enable_seqscan = off", "work_mem = '32MB'"):
            self.session.execute(text(f"SET LOCAL {setting}"))
        try:
            return self._run(sql, args)
        finally:
            self.session.execute(text("RESET enable_indexscan"))
            self.session.execute(text("RESET enable_seqscan"))
            self.session.execute(text("RESET work_mem"))

    def _fetch(self, plan: Plan, tier: str, rng: Range, limit: int, columns: str, ordered: bool,
               max_walk: int) -> list[Any]:
        """Up to ``limit`` matching rows of one docid range, newest first if ``ordered``."""
        column = "head_tsv" if tier == "head" or not plan.terms else "full_tsv"
        args: dict[str, Any] = {"limit": limit}
        cond, where = _cond(plan, column, tier == "body", args), _range(rng, args)
        order = "ORDER BY docid DESC" if ordered else ""
        if "@@" not in cond:  # nothing for GIN to look up: the primary key walk is the plan
            return self._run(f"SELECT {columns} FROM search_docs WHERE {cond} AND {where} "
                             f"ORDER BY docid DESC LIMIT :limit", args)
        expected = limit / max(estimate(self.session, plan, column), 1e-9)
        if expected <= max_walk:
            args["budget"] = int(min(max_walk, max(500, 3 * expected)))
            rows = self._run(f"SELECT {columns} FROM (SELECT * FROM search_docs WHERE {where} "
                             f"ORDER BY docid DESC LIMIT :budget) s WHERE {cond} LIMIT :limit", args)
            if len(rows) >= limit:
                return rows
        return self._gin(f"SELECT {columns} FROM search_docs WHERE {cond} AND {where} {order} LIMIT :limit", args)

    def page(self, plan: Plan, tier: str, after: int | None, n: int) -> list[int]:
        """Docids of matches with keys below ``after``, newest first; tier ``all``, ``head`` or ``body``."""
        found = [r[0] for rng in docid_ranges(plan.status, plan.since, after)
                 for r in self._fetch(plan, tier, rng, n, "docid", True, WALK_ROWS)]
        return sorted(found, key=doc_key, reverse=True)[:n]

    def band(self, plan: Plan, after: tuple[int, int] | None, n: int) -> list[tuple[int, int | None]]:
        """(docid, salary) of a salary band's matches, best paid first, after a (salary, key) position."""
        found: list[tuple[int, int | None]] = []
        for rng in docid_ranges(plan.status, plan.since, None):
            args: dict[str, Any] = {"n": n}
            where = f"{_cond(plan, 'full_tsv' if plan.terms else 'head_tsv', False, args)} AND {_range(rng, args)}"
            if after is not None:
                args.update(a_sal=after[0], a_id=after[1] - rng[2])
                where += " AND (salary < :a_sal OR (salary = :a_sal AND docid < :a_id))"
            found += [(r[0], r[1]) for r in self._gin(
                f"SELECT docid, salary FROM search_docs WHERE {where} ORDER BY salary DESC, docid DESC LIMIT :n",
                args)]
        return sorted(found, key=lambda r: (r[1] or 0, doc_key(r[0])), reverse=True)[:n]

    def _sample(self, plan: Plan, rng: Range, cap: int, columns: str) -> list[Any]:
        """Up to ``cap`` matching rows of one range, in no particular order. When one shard
        alone should hold ``cap`` open matches, its short posting lists are asked first."""
        if rng[2] == 0 and tsquery(plan) and not any(t.endswith("*") for t in plan.terms) and \
                estimate(self.session, plan, "full_tsv") * doc_count(self.session) >= 2 * SHARDS * cap:
            args: dict[str, Any] = {"limit": cap, "s": tsquery(plan, shard=0)}
            cond = _cond(plan, "full_tsv", False, args).replace(
                "full_tsv @@ CAST(:a AS tsquery)", "hub_search_shard(full_tsv, docid) @@ CAST(:s AS tsquery)")
            rows = self._gin(f"SELECT {columns} FROM search_docs WHERE {cond} AND {_range(rng, args)} LIMIT :limit",
                             args)
            if len(rows) >= cap:
                return rows
        return self._fetch(plan, "all", rng, cap, columns, False, SAMPLE_WALK_ROWS)

    def count(self, plan: Plan, cap: int) -> int:
        """How many jobs match, counting no further than ``cap``."""
        total = sum(len(self._sample(plan, rng, cap, "1")) for rng in docid_ranges(plan.status, plan.since, None))
        return min(total, cap)

    def facet_rows(self, plan: Plan, cap: int) -> list[Any]:
        """Facet values of up to ``cap`` matches (all of them when fewer match)."""
        rows = [r for rng in docid_ranges(plan.status, plan.since, None)
                for r in self._sample(plan, rng, cap, FACET_COLUMNS)]
        return rows[:cap]
