"""Search on SQLite: one FTS5 MATCH that runs first and walks docids downwards.

FTS5 returns rowids (= docids) in descending order natively and stops at LIMIT, so
"newest matches first" costs about the same for a word in every job as for a rare
one. Open jobs are the docids >= 0, a rowid range FTS5 applies itself. The FTS
table always drives the join (CROSS JOIN), never a B-tree of ``search_docs``.
"""

from __future__ import annotations

from typing import Any

import orjson
from sqlalchemy import text
from sqlalchemy.orm import Session

from .docs import doc_key, docid_ranges
from .plan import Plan, fts_expr

FACET_COLUMNS = "d.industry, d.education, d.job_type, d.employer_type, d.regions"


def _where(plan: Plan, expr: str, column: str, lo: int | None, hi: int | None, args: dict[str, Any]) -> str:
    """Match, docid range and the checks the index cannot make (exact salary, no salary)."""
    conds = []
    if expr:
        conds.append("search_fts MATCH :expr")
        args["expr"] = expr
    elif plan.no_salary:
        conds.append("d.salary IS NULL")
    if lo is not None:
        conds.append(f"{column} >= :lo")
        args["lo"] = lo
    if hi is not None:
        conds.append(f"{column} < :hi")
        args["hi"] = hi
    if plan.salary_min is not None:
        conds.append("d.salary >= :salary_min")
        args["salary_min"] = plan.salary_min
    if plan.docids is not None:
        conds.append(f"{column} IN (SELECT value FROM json_each(:docids))")
        args["docids"] = orjson.dumps(plan.docids).decode()
    return " AND ".join(conds) or "1"


def _source(plan: Plan, expr: str, join: bool = False) -> tuple[str, str]:
    """(FROM clause, docid column): the FTS table first when there is a match to run."""
    if not expr:
        return "search_docs d", "d.docid"
    if join or plan.salary_min is not None:
        return "search_fts CROSS JOIN search_docs d ON d.docid = search_fts.rowid", "search_fts.rowid"
    return "search_fts", "search_fts.rowid"


class SqliteEngine:
    """The four questions the service asks, answered with FTS5."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def _run(self, sql: str, args: dict[str, Any]) -> list[Any]:
        return list(self.session.execute(text(sql), args))

    def page(self, plan: Plan, tier: str, after: int | None, n: int) -> list[int]:
        """Docids of matches with keys below ``after``, newest first; tier ``all``, ``head``, ``body``
        or ``marked`` (the plan's terms are marked tokens already: FTS5 holds them as they are)."""
        expr = fts_expr(plan, tier == "head", tier == "body")
        found: list[int] = []
        for lo, hi, _ in docid_ranges(plan.status, plan.since, after):
            args: dict[str, Any] = {"n": n}
            source, col = _source(plan, expr)
            where = _where(plan, expr, col, lo, hi, args)
            found += [r[0] for r in self._run(f"SELECT {col} FROM {source} WHERE {where} "
                                              f"ORDER BY {col} DESC LIMIT :n", args)]
        return sorted(found, key=doc_key, reverse=True)[:n]

    def few(self, plan: Plan, cap: int) -> list[tuple[int, int]] | None:
        """Never: FTS5 answers a rare word's page and count in a few quick statements in this
        process (PostgreSQL reads every match at once instead: ``PostgresEngine.few``)."""
        return None

    def exists(self, plan: Plan) -> bool:
        """Whether anything matches."""
        return self.count(plan, 1) > 0

    def count(self, plan: Plan, cap: int) -> int:
        """How many jobs match, counting no further than ``cap``."""
        expr = fts_expr(plan)
        total = 0
        for lo, hi, _ in docid_ranges(plan.status, plan.since, None):
            args: dict[str, Any] = {"cap": cap}
            source, col = _source(plan, expr)
            where = _where(plan, expr, col, lo, hi, args)
            total += self._run(f"SELECT count(*) FROM (SELECT 1 FROM {source} WHERE {where} LIMIT :cap)", args)[0][0]
        return min(total, cap)

    def facet_rows(self, plan: Plan, cap: int) -> list[Any]:
        """Facet values of the newest ``cap`` matches."""
        expr = fts_expr(plan)
        rows: list[Any] = []
        for lo, hi, _ in docid_ranges(plan.status, plan.since, None):
            args: dict[str, Any] = {"cap": cap}
            if expr and plan.salary_min is None:  # take the docids from FTS5 alone, then look them up
                where = _where(plan, expr, "search_fts.rowid", lo, hi, args)
                sql = (f"SELECT {FACET_COLUMNS} FROM (SELECT search_fts.rowid AS r FROM search_fts WHERE {where} "
                       "ORDER BY search_fts.rowid DESC LIMIT :cap) m CROSS JOIN search_docs d ON d.docid = m.r")
            else:
                source, col = _source(plan, expr, join=True)
                where = _where(plan, expr, col, lo, hi, args)
                sql = f"SELECT {FACET_COLUMNS} FROM {source} WHERE {where} ORDER BY {col} DESC LIMIT :cap"
            rows += self._run(sql, args)
        return rows[:cap]
