"""Oversight tables: one row per university of a province, or one per province of the nation.

Counts only: case figures are open / covered / uncovered, never a case. Each row says how far
it is behind (``behind``: the mean share still missing of the rules that apply to it) so a
province or the ministry sorts the laggards to the top. The rows are plain dicts with the
columns of ``UNIVERSITY_COLUMNS`` / ``PROVINCE_COLUMNS``, rendered as JSON, CSV, xlsx or a page.
"""

from __future__ import annotations

from datetime import datetime
from functools import partial
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Fair, Partner
from app.normalize import all_regions, region_by_code

from .campaign import province_of
from .cases import case_counts
from .linkup import link_status, status_of
from .roles import universities
from .rules import applied_rules
from .visits import visit_counts

LINK = ("linked", "first_posting_at", "last_posting_at", "last_sync_at", "open_postings", "sources",
        "failing_sources")
UNIVERSITY_COLUMNS = (
    "id", "name", "region_code", "region_name", "province_code", "below_placement_rate",
    "visit_target", "visit_target_source", "employers_visited", "visits_remaining",
    "new_employer_target", "new_employers", "new_employers_remaining", "visits", "jobs_promised", "sme_employers",
    "case_pushes_required", "cases_open", "cases_covered", "cases_uncovered", "fairs_held", *LINK, "behind")
PROVINCE_COLUMNS = (
    "province_code", "province_name", "platform_id", "platform_name", "platform_linked",
    "platform_last_posting_at", "universities", "universities_linked", "universities_at_visit_target",
    "universities_below_visit_target", "universities_flagged", "universities_at_new_employer_target",
    "employers_visited", "new_employers", "visits", "sme_employers", "cases_open", "cases_covered",
    "cases_uncovered", "fairs_held", "open_postings", "failing_sources", "behind")
UNIVERSITY_SORTS = ("behind", "name", "employers_visited", "cases_uncovered", "last_posting_at")
PROVINCE_SORTS = ("behind", "province_code", "universities_below_visit_target", "cases_uncovered")
ZERO_VISITS = {"visits": 0, "employers": 0, "new_employers": 0, "sme_employers": 0, "jobs_promised": 0}
ZERO_CASES = {"cases_open": 0, "cases_covered": 0, "cases_uncovered": 0}


def provinces() -> list[tuple[str, str]]:
    """The 31 provincial-level divisions (code, name)."""
    return [(r.code, r.name) for r in all_regions() if r.level == "province"]


def _fairs_by_organiser(session: Session, ids: list[str] | None, now: datetime) -> dict[str, int]:
    stmt = select(Fair.organiser_id, func.count()).where(Fair.status != "cancelled", Fair.starts_at <= now) \
        .group_by(Fair.organiser_id)
    out: dict[str, int] = {}
    chunks = [None] if ids is None else [ids[i:i + 500] for i in range(0, len(ids), 500)]
    for chunk in chunks:
        q = stmt if chunk is None else stmt.where(Fair.organiser_id.in_(chunk))
        out.update({k: int(v) for k, v in session.execute(q)})
    return out


def _share_missing(done: int, target: int) -> float:
    return max(target - done, 0) / target if target > 0 else 0.0


def university_rows(session: Session, partners: list[Partner], now: datetime, *, before: datetime | None = None,
                    with_links: bool = True) -> list[dict[str, Any]]:
    """One row per university: progress against its rules, cases as counts, fairs, link-up."""
    ids = [p.id for p in partners]
    whole = len(ids) > 2000  # the nation: one scan beats thousands of probes
    rules = applied_rules(session, partners)
    visits = visit_counts(session, None if whole else ids, before)
    cases = case_counts(session, None if whole else ids, {pid: r["case_pushes"].value for pid, r in rules.items()})
    fairs = _fairs_by_organiser(session, None if whole else ids, now)
    links = link_status(session, None if whole else ids) if with_links else {}
    rows = []
    for p in partners:
        r, v, c = rules[p.id], visits.get(p.id, ZERO_VISITS), cases.get(p.id, ZERO_CASES)
        region = region_by_code(p.region_code or "")
        target, new = r["visit_employers"], r["new_employers"]
        shortfalls = [_share_missing(v["employers"], target.value)]
        if new.applies:
            shortfalls.append(_share_missing(v["new_employers"], new.value))
        if c["cases_open"]:
            shortfalls.append(c["cases_uncovered"] / c["cases_open"])
        link = status_of(links, p.id)
        rows.append({
            "id": p.id, "name": p.name, "region_code": p.region_code, "region_name": region.name if region else None,
            "province_code": province_of(p.region_code), "below_placement_rate": new.applies,
            "visit_target": target.value, "visit_target_source": target.source,
            "employers_visited": v["employers"], "visits_remaining": max(target.value - v["employers"], 0),
            "new_employer_target": new.value if new.applies else None, "new_employers": v["new_employers"],
            "new_employers_remaining": max(new.value - v["new_employers"], 0) if new.applies else None,
            "visits": v["visits"], "jobs_promised": v["jobs_promised"], "sme_employers": v["sme_employers"],
            "case_pushes_required": r["case_pushes"].value, **c, "fairs_held": fairs.get(p.id, 0),
            **{k: link[k] for k in LINK}, "behind": round(sum(shortfalls) / len(shortfalls), 4),
        })
    return rows


def sort_rows(rows: list[dict[str, Any]], sort: str, descending: bool, tie: str) -> list[dict[str, Any]]:
    """Sorted by one column (missing values last), then by ``tie``."""
    rows = sorted(rows, key=lambda r: str(r[tie]))
    present = [r for r in rows if r[sort] is not None]
    missing = [r for r in rows if r[sort] is None]
    return sorted(present, key=lambda r: r[sort], reverse=descending) + missing


def university_table(session: Session, province: str | None, now: datetime, *, sort: str = "behind",
                     descending: bool = True) -> list[dict[str, Any]]:
    """The universities of a province (or of all China), sorted."""
    return sort_rows(university_rows(session, universities(session, province), now), sort, descending, "name")


def province_rows(session: Session, now: datetime, *, before: datetime | None = None,
                  with_links: bool = True) -> list[dict[str, Any]]:
    """One row per province (all 31, with or without universities), from every university's row."""
    unis = university_rows(session, universities(session, None), now, before=before, with_links=with_links)
    platforms: dict[str, Partner] = {}
    for p in session.execute(select(Partner).where(Partner.kind == "provincial_platform")
                             .order_by(Partner.created_at, Partner.id)).scalars():
        platforms.setdefault(province_of(p.region_code) or "", p)
    plinks = link_status(session, [p.id for p in platforms.values()]) if with_links else {}
    fairs: dict[str, int] = {}
    for code, n in session.execute(select(Fair.region_code, func.count()).where(
            Fair.status != "cancelled", Fair.starts_at <= (before or now)).group_by(Fair.region_code)):
        key = province_of(code) or ""
        fairs[key] = fairs.get(key, 0) + int(n)
    out = []
    for code, name in provinces():
        mine = [u for u in unis if u["province_code"] == code]
        flagged = [u for u in mine if u["below_placement_rate"]]
        platform = platforms.get(code)
        plink = status_of(plinks, platform.id) if platform else None
        total = partial(_sum, mine)
        out.append({
            "province_code": code, "province_name": name,
            "platform_id": platform.id if platform else None, "platform_name": platform.name if platform else None,
            "platform_linked": bool(plink and plink["linked"]),
            "platform_last_posting_at": plink["last_posting_at"] if plink else None,
            "universities": len(mine), "universities_linked": sum(1 for u in mine if u["linked"]),
            "universities_at_visit_target": sum(1 for u in mine if u["visits_remaining"] == 0),
            "universities_below_visit_target": sum(1 for u in mine if u["visits_remaining"] > 0),
            "universities_flagged": len(flagged),
            "universities_at_new_employer_target": sum(1 for u in flagged if u["new_employers_remaining"] == 0),
            "employers_visited": total("employers_visited"), "new_employers": total("new_employers"),
            "visits": total("visits"), "sme_employers": total("sme_employers"),
            "cases_open": total("cases_open"), "cases_covered": total("cases_covered"),
            "cases_uncovered": total("cases_uncovered"), "fairs_held": fairs.get(code, 0),
            "open_postings": total("open_postings") + (plink["open_postings"] if plink else 0),
            "failing_sources": total("failing_sources") + (plink["failing_sources"] if plink else 0),
            # No university registered yet is as far behind as a province can be.
            "behind": round(sum(u["behind"] for u in mine) / len(mine), 4) if mine else 1.0,
        })
    return out


def _sum(rows: list[dict[str, Any]], col: str) -> int:
    return sum(u[col] for u in rows)


def province_table(session: Session, now: datetime, *, province: str | None = None, sort: str = "behind",
                   descending: bool = True) -> list[dict[str, Any]]:
    rows = province_rows(session, now)
    if province is not None:
        rows = [r for r in rows if r["province_code"] == province]
    return sort_rows(rows, sort, descending, "province_code")
