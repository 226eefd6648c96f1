"""Build a job from its postings: which posting supplies which field, open or closed.

Precedence (best first), per field, among the postings that have a value for it:

1. active before withdrawn or expired;
2. an employer partner posting its own vacancy with a verified credit code (rank 0);
3. universities, provincial platforms and employer partners without a verified code (1);
4. national bodies and industry committees (2);
5. recruitment agencies and anything else (3);
6. the fresher posting (the one whose content changed last) before the staler one.

One exception: descriptions are often cut short, so when the winner's description is the
beginning of another member's, the longer text is taken. ``field_sources`` records which
posting supplied each field (and ``employer``). Where no posting states a job type, the title
may (实习 → internship, 兼职 → part_time; 校招/应届 add the 校园招聘 tag): ``field_sources``
then says ``title:<posting id>``. Pure: no database.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.normalize.salary import monthly

from .rows import BuiltJob, JobFields, LocationDoc, Member, PostingDoc, SalaryDoc, Sourced

KIND_RANK = {"employer": 1, "university": 1, "provincial_platform": 1, "national": 2,
             "industry_committee": 2, "recruiter": 3}
FIELDS = ("title", "description", "job_type", "education", "industry", "salary", "headcount",
          "posted_at", "apply_url", "locations", "majors", "tags")
# The job row's columns a recomputation compares with the stored row.
COMPARED = ("status", "employer_id", "canonical_posting_id", "title", "description", "job_type",
            "education", "industry", "employer_type", "salary", "salary_min", "salary_max", "salary_period",
            "headcount", "posted_at", "valid_through", "apply_url", "locations", "majors", "tags",
            "field_sources")


def precedence(member: Member) -> tuple[bool, int, float, str]:
    rank = KIND_RANK.get(member["kind"], 3)
    if member["kind"] == "employer" and member["data"]["employer"]["credit_code_verified"]:
        rank = 0
    return (member["status"] != "active", rank, -member["updated_at"].timestamp(), member["id"])


def _empty(value: object) -> bool:
    return value is None or value == "" or value == []


def build_job(members: Sequence[Member], solo: Mapping[str, Fields] | None = None) -> BuiltJob:
    """The canonical job row for a non-empty list of member postings. ``solo``: fields ``prepare``
    already made for a job of one posting (``solo_fields``), by posting id; used only when the job
    has exactly that one member with that very document."""
    ordered = sorted(members, key=precedence) if len(members) > 1 else members
    best = ordered[0]
    made = solo.get(best["id"]) if solo is not None and len(members) == 1 else None
    fields = made.fields if made is not None and made.data is best["data"] else _fields(ordered)
    active = [m for m in members if m["status"] == "active"]
    valids = [m["valid_through"] for m in (active or members)]
    return {
        **fields,
        "status": "open" if active else "closed",
        "employer_id": best["employer_id"],
        "valid_through": None if any(v is None for v in valids) else max(v for v in valids if v is not None),
        "first_seen_at": min(m["first_seen_at"] for m in members),
    }


@dataclass(frozen=True, slots=True)
class Fields:
    """A job's fields as its postings' documents alone decide them (``_fields``), and the one
    document they were made from (a job of one posting; see ``build_job``)."""

    data: PostingDoc
    fields: JobFields


def solo_fields(posting_id: str, data: PostingDoc) -> Fields:
    """The fields of a job whose only posting is ``data`` under ``posting_id``: ``prepare`` makes
    them outside the write transaction, where most postings open a job of their own."""
    return Fields(data, _fields([{"id": posting_id, "data": data}]))


def _fields(ordered: Sequence[Sourced]) -> JobFields:
    """The part of the job row that comes from the members' ids and documents alone (``ordered``
    best first): each field from the first member that has it, and which member that was."""
    best = ordered[0]
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for name in FIELDS:
        for m in ordered:
            doc: Mapping[str, Any] = m["data"]
            if not _empty(doc.get(name)):
                values[name] = doc[name]
                sources[name] = m["id"]
                break
        else:
            values[name] = doc.get(name) if name in ("majors", "tags", "locations") else None
    if values["locations"]:
        values["locations"] = _refined(values["locations"], ordered)
    if values["description"]:
        fuller = _fuller(values["description"], ordered)
        if fuller is not None:
            values["description"], sources["description"] = fuller["data"]["description"], fuller["id"]
    sources["employer"] = best["id"]
    _read_title(values, sources)
    salary: SalaryDoc | None = values["salary"]
    posted = values["posted_at"]
    return {
        "title": values["title"], "description": values["description"], "job_type": values["job_type"],
        "education": values["education"], "industry": values["industry"], "headcount": values["headcount"],
        "apply_url": values["apply_url"], "locations": values["locations"] or [],
        "majors": values["majors"] or [], "tags": values["tags"] or [],
        "employer_type": best["data"]["employer"]["type"],
        "canonical_posting_id": best["id"],
        "salary": salary or None,
        "salary_min": salary.get("min") if salary else None, "salary_max": salary.get("max") if salary else None,
        "salary_period": salary.get("period") if salary else None,
        "salary_month_min": monthly(salary.get("min"), salary.get("period")) if salary else None,
        "salary_month_max": monthly(salary.get("max"), salary.get("period")) if salary else None,
        "posted_at": datetime.fromisoformat(posted) if posted else None,
        "field_sources": sources,
    }


# What a title says when the partner sent no job type: 实习/见习 an internship, 兼职 part-time
# (an internship wins: 兼职实习 is one); 校招/应届/届 a campus vacancy (the 校园招聘 tag).
_INTERNSHIP = re.compile(r"实习|见习|(?<![a-z])intern(ship)?(?![a-z])", re.IGNORECASE)
_PART_TIME = re.compile(r"兼职|(?<![a-z])part[- ]?time(?![a-z])", re.IGNORECASE)
_CAMPUS = re.compile(r"校招|校园招聘|应届|\d{2,4}\s*届|管培生|(?<![a-z])campus(?![a-z])", re.IGNORECASE)
CAMPUS_TAG = "校园招聘"
FROM_TITLE = "title:"


def read_job_type(title: str) -> str | None:
    """The job type a title states (``internship``, ``part_time``), or None."""
    if _INTERNSHIP.search(title):
        return "internship"
    if _PART_TIME.search(title):
        return "part_time"
    return None


def _read_title(values: dict[str, Any], sources: dict[str, str]) -> None:
    """Fill the job type and the campus tag from the title where the postings say nothing;
    ``field_sources`` then says ``title:<posting id>`` (read from that posting's title)."""
    title = values["title"] or ""
    origin = FROM_TITLE + sources.get("title", "")
    if values["job_type"] is None and (found := read_job_type(title)) is not None:
        values["job_type"], sources["job_type"] = found, origin
    tags = values["tags"] or []
    if CAMPUS_TAG not in tags and _CAMPUS.search(title):
        values["tags"] = [*tags, CAMPUS_TAG]
        if not tags:
            sources["tags"] = origin


def _refined(locations: list[LocationDoc], ordered: Sequence[Sourced]) -> list[LocationDoc]:
    """City-level locations made as precise as a member names them (深圳 → 深圳福田区), so the job
    and its dedup representative do not stay vague enough to accept every district."""
    out = []
    for loc in locations:
        if not loc.get("district") and loc.get("city"):
            loc = next((other for m in ordered for other in m["data"].get("locations") or []
                        if other.get("district") and other.get("city") == loc["city"]
                        and other.get("province") == loc.get("province")), loc)
        out.append(loc)
    return out


def _fuller(text: str, ordered: Sequence[Sourced]) -> Sourced | None:
    """The member whose description continues ``text`` (cut short, maybe ending in "..."), if any."""
    stem = text.rstrip(" .…。")
    if len(stem) < 10:
        return None
    longest: Sourced | None = None
    for m in ordered:
        other = m["data"].get("description") or ""
        if len(other) > len(text) and other.startswith(stem) and (longest is None or len(other) > len(
                longest["data"]["description"] or "")):
            longest = m
    return longest


def members_digest(members: Sequence[Member]) -> str:
    """A short digest of which postings a job has and their statuses."""
    text = ",".join(sorted(f"{m['id']}:{m['status']}" for m in members))
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()
