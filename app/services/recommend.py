"""Precisely matched open jobs for a hardship case (一人一策), through the shared search index.

Searches in tiers and stops once it has enough: the major's words with every filter,
then the major's leading word, then no words, then also without the salary floor.
Region (a preferred province or city matches everything inside it), education (jobs
asking no more than the graduate has) and job type always hold. Jobs already pushed to
the case are left out. Each job says which of the case's wishes it meets.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy.orm import Session

from app.models import Case
from app.normalize import EDUCATION_LEVELS, ancestors, region_by_code
from app.schemas.search import SearchQuery
from app.search.service import search_jobs

_SPLIT = re.compile(r"[与及和、/,，\s]+")


def _education_levels(level: str | None) -> list[str]:
    """Requirements the graduate meets: ``bachelor`` → any, secondary, associate, bachelor."""
    if not level or level == "any":
        return []
    return list(EDUCATION_LEVELS[: EDUCATION_LEVELS.index(level) + 1])


def _queries(major: str | None) -> list[str]:
    if not major:
        return []
    head = _SPLIT.split(major.strip())[0]
    return list(dict.fromkeys(q for q in (major.strip(), head) if len(q) >= 2))


def _name(code: str) -> str:
    region = region_by_code(code)
    return region.name if region else code


def reasons(case: Case, job: dict[str, Any], matched_q: str | None) -> list[str]:
    """One line per wish of the case the job meets."""
    out: list[str] = []
    codes = [loc.get("region_code") for loc in job.get("locations") or [] if loc.get("region_code")]
    for want in case.region_codes:
        hit = next((c for c in codes if want in ancestors(c)), None)
        if hit:
            out.append(f"region: {_name(hit)} is in preferred {_name(want)}")
            break
    if matched_q:
        out.append(f"major: the job mentions {matched_q}")
    edu = job.get("education")
    if case.education and edu in _education_levels(case.education):
        out.append(f"education: asks {edu}, the graduate has {case.education}")
    if case.job_types and job.get("job_type") in case.job_types:
        out.append(f"job type: {job['job_type']}")
    salary = job.get("salary") or {}
    top = salary.get("max") or salary.get("min")
    if case.expected_salary and top and salary.get("period") == "month" and top >= case.expected_salary:
        out.append(f"salary: up to {top} a month meets the expected {case.expected_salary}")
    return out


def recommend(session: Session, case: Case, exclude: set[str], limit: int, *, secret: str) -> dict[str, Any]:
    """Up to ``limit`` open jobs for ``case``, best tier first, none of ``exclude``."""
    base: dict[str, Any] = {"region": case.region_codes, "education": _education_levels(case.education),
                            "job_type": case.job_types, "status": "open", "sort": "relevance"}
    page = min(100, limit + len(exclude))
    tiers: list[tuple[str | None, int | None, list[str]]] = [(q, case.expected_salary, []) for q in _queries(case.major)]
    tiers.append((None, case.expected_salary, ["major"] if case.major else []))
    if case.expected_salary:
        tiers.append((None, None, (["major"] if case.major else []) + ["salary"]))
    picked: dict[str, dict[str, Any]] = {}
    relaxed: list[str] = []
    for q, salary_min, dropped in tiers:
        if len(picked) >= limit:
            break
        query = SearchQuery.model_validate({**base, "q": q, "salary_min": salary_min})
        for job in search_jobs(session, query, limit=page, secret=secret).items:
            if job["id"] in exclude or job["id"] in picked or len(picked) >= limit:
                continue
            picked[job["id"]] = {"job": job, "q": q}
            relaxed = dropped
    items = []
    for entry in picked.values():
        job = entry["job"]
        items.append({
            "job_id": job["id"], "title": job["title"], "employer_name": job["employer"]["name"],
            "region_codes": [loc["region_code"] for loc in job["locations"] if loc.get("region_code")],
            "education": job["education"], "job_type": job["job_type"], "salary": job["salary"],
            "apply_url": job["apply_url"], "reasons": reasons(case, job, entry["q"]),
        })
    return {"items": items, "relaxed": relaxed}
