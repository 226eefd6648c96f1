"""A search request reduced to index terms: what both database engines execute.

Every filter except status, the date range and the exact salary check is a token in
the index, so one match expression carries it; status and dates are docid ranges
(see ``docs.docid_ranges``). ``Plan.groups`` is an AND of ORs:
``[("region", ("_r440000", "_r110000")), ("education", ("_edu_bachelor",))]``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from .docs import THRESHOLDS
from .tokens import TITLE_MARK

Group = tuple[str, tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class Plan:
    terms: tuple[str, ...]        # query tokens, every one required; "*" ends a prefix token
    groups: tuple[Group, ...]     # filter tokens by field: every group needs one of its tokens
    status: str = "open"          # open | closed | any
    salary_min: int | None = None  # exact check after the ``_sal_T`` token narrowed the match
    since: int | None = None      # lowest key (posted_since)
    no_salary: bool = False       # only jobs without a salary (the salary order's last band)
    docids: tuple[int, ...] | None = None  # only these docs (a fair's jobs: at most 1,000)
    exact: str | None = None      # the exact-title token of the query (``tokens.exact_token``)
    exclude: tuple[tuple[str, ...], ...] = ()  # docs holding every token of one of these are left out

    def title_terms(self) -> tuple[str, ...]:
        """The query's tokens as the title's own (``_t``-marked; a prefix stays a prefix)."""
        return tuple(TITLE_MARK + t for t in self.terms)

    def tier(self, name: str) -> tuple[Plan, str]:
        """The plan of one relevance tier and the engine tier that runs it: ``exact`` (the title
        is the query), ``title`` (the title holds every query token), ``head`` (title and
        employer together hold them), ``body`` (the rest). Each leaves out the tiers above it."""
        if name == "exact":
            exact = (self.exact,) if self.exact else ()
            return replace(self, terms=exact + self.title_terms()), "marked"
        if name == "title":
            return replace(self, terms=self.title_terms(),
                           exclude=((self.exact,),) if self.exact else ()), "marked"
        if name == "head":
            return replace(self, exclude=(self.title_terms(),)), "head"
        return self, "body"

    def without(self, field: str) -> Plan:
        """The same plan minus one field's filter (facet counts ignore their own selection)."""
        if field == "salary":
            return replace(self, groups=tuple(g for g in self.groups if g[0] != "salary"), salary_min=None)
        return replace(self, groups=tuple(g for g in self.groups if g[0] != field))

    def bands(self, bands: list[int]) -> Plan:
        """Only jobs whose salary lies in one of these ``docs.BANDS`` bands; [-1]: no salary."""
        if bands == [-1]:
            return replace(self, no_salary=True)
        return replace(self, groups=self.groups + (("band", tuple(f"_sb_{b}" for b in bands)),))


def salary_token(salary_min: int) -> str:
    """The ``_sal_T`` token for the highest threshold at or below ``salary_min``."""
    best = 0
    for t in THRESHOLDS:
        if t <= salary_min:
            best = t
    return f"_sal_{best}"


def fts_expr(plan: Plan, head_only: bool = False, body_only: bool = False) -> str:
    """The SQLite FTS5 MATCH expression; "" when nothing positive is asked for.

    ``head_only``: every query token in the title or employer (the ``_h`` terms);
    ``body_only``: matches that are not head matches."""

    def tok(t: str, mark: str = "") -> str:
        return f'"{mark}{t[:-1]}"*' if t.endswith("*") else f'"{mark}{t}"'

    plain = " AND ".join(tok(t) for t in plan.terms)
    head = " AND ".join(tok(t, "_h") for t in plan.terms)
    parts = [head if head_only else plain] if plan.terms else []
    parts += ["(" + " OR ".join(tok(t) for t in toks) + ")" for name, toks in plan.groups if name[0] != "!"]
    if not parts:
        return ""
    expr = " AND ".join(parts)
    nots = [head] if body_only and plan.terms else []
    nots += [" AND ".join(tok(t) for t in toks) for toks in plan.exclude if toks]
    nots += [" OR ".join(tok(t) for t in toks) for name, toks in plan.groups if name[0] == "!"]
    if plan.no_salary:
        nots.append('"_sal_0"')
    for negated in nots:
        expr = f"({expr}) NOT ({negated})"
    return expr


def tsquery(plan: Plan, text_only: bool = False) -> str:
    """The PostgreSQL tsquery text (lexemes quoted, for ``CAST(:q AS tsquery)``); "" for none."""

    def tok(t: str) -> str:
        return f"'{t[:-1]}':*" if t.endswith("*") else f"'{t}'"

    parts = [tok(t) for t in plan.terms]
    parts += ["!(" + " & ".join(tok(t) for t in toks) + ")" for toks in plan.exclude if toks]
    if not text_only:
        for name, toks in plan.groups:
            alt = " | ".join(tok(t) for t in toks)
            parts.append(f"!({alt})" if name[0] == "!" else f"({alt})")
    return " & ".join(parts)
