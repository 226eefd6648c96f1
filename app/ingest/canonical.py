"""Recompute jobs from their postings: which posting supplies which field, open or closed.

Precedence (best first), per field, among the postings that have a value for it:

1. active before withdrawn or expired;
2. an employer partner posting its own vacancy with a verified credit code (rank 0);
3. universities, provincial platforms and employer partners without a verified code (1);
4. national bodies and industry committees (2);
5. recruitment agencies and anything else (3);
6. the fresher posting (the one whose content changed last) before the staler one.

One exception: descriptions are often cut short, so when the winner's description is the
beginning of another member's, the longer text is taken. ``field_sources`` records which
posting supplied each field (and ``employer``). The job's representative for dedup
(``job_signatures``) is kept in step here, in the same transaction.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from app.bulk import insert_rows, update_rows
from app.db import among, is_sqlite
from app.dedup.queries import Wanted, load_signatures, sync_signatures
from app.dedup.signature import from_job
from app.models import Job, Partner, Posting
from app.search.docs import KnownTokens

from .changelog import last_scopes
from .normalise import monthly

JOBS = cast(Table, Job.__table__)
POSTINGS = cast(Table, Posting.__table__)
PARTNERS = cast(Table, Partner.__table__)

KIND_RANK = {"employer": 1, "university": 1, "provincial_platform": 1, "national": 2,
             "industry_committee": 2, "recruiter": 3}
FIELDS = ("title", "description", "job_type", "education", "industry", "salary", "headcount",
          "posted_at", "apply_url", "locations", "majors", "tags")
COMPARED = ("status", "employer_id", "canonical_posting_id", "title", "description", "job_type",
            "education", "industry", "employer_type", "salary", "salary_min", "salary_max", "salary_period",
            "headcount", "posted_at", "valid_through", "apply_url", "locations", "majors", "tags",
            "field_sources")


def precedence(member: dict[str, Any]) -> tuple[Any, ...]:
    rank = KIND_RANK.get(member["kind"], 3)
    if member["kind"] == "employer" and member["data"]["employer"]["credit_code_verified"]:
        rank = 0
    return (member["status"] != "active", rank, -member["updated_at"].timestamp(), member["id"])


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def build_job(members: list[dict[str, Any]], solo: Mapping[str, Fields] | None = None) -> dict[str, Any]:
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
        "valid_through": None if any(v is None for v in valids) else max(valids),
        "first_seen_at": min(m["first_seen_at"] for m in members),
    }


@dataclass(frozen=True, slots=True)
class Fields:
    """A job's fields as its postings' documents alone decide them (``_fields``), and the one
    document they were made from (a job of one posting; see ``build_job``)."""

    data: dict[str, Any]
    fields: dict[str, Any]


def solo_fields(posting_id: str, data: dict[str, Any]) -> Fields:
    """The fields of a job whose only posting is ``data`` under ``posting_id``: ``prepare`` makes
    them outside the write transaction, where most postings open a job of their own."""
    return Fields(data, _fields([{"id": posting_id, "data": data}]))


def _fields(ordered: list[dict[str, Any]]) -> dict[str, Any]:
    """The part of the job row that comes from the members' ids and documents alone (``ordered``
    best first): each field from the first member that has it, and which member that was."""
    best = ordered[0]
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for name in FIELDS:
        for m in ordered:
            if not _empty(m["data"].get(name)):
                values[name] = m["data"][name]
                sources[name] = m["id"]
                break
        else:
            values[name] = m["data"].get(name) if name in ("majors", "tags", "locations") else None
    if values["locations"]:
        values["locations"] = _refined(values["locations"], ordered)
    if values["description"]:
        fuller = _fuller(values["description"], ordered)
        if fuller is not None:
            values["description"], sources["description"] = fuller["data"]["description"], fuller["id"]
    sources["employer"] = best["id"]
    salary = values.pop("salary") or {}
    posted = values.pop("posted_at")
    return {
        **values,
        "majors": values["majors"] or [], "tags": values["tags"] or [],
        "locations": values["locations"] or [],
        "employer_type": best["data"]["employer"]["type"],
        "canonical_posting_id": best["id"],
        "salary": salary or None,
        "salary_min": salary.get("min"), "salary_max": salary.get("max"),
        "salary_period": salary.get("period"),
        "salary_month_min": monthly(salary.get("min"), salary.get("period")),
        "salary_month_max": monthly(salary.get("max"), salary.get("period")),
        "posted_at": datetime.fromisoformat(posted) if posted else None,
        "field_sources": sources,
    }


def _refined(locations: list[dict[str, Any]], ordered: list[dict[str, Any]]) -> list[dict[str, Any]]:
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


def _fuller(text: str, ordered: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The member whose description continues ``text`` (cut short, maybe ending in "..."), if any."""
    stem = text.rstrip(" .…。")
    if len(stem) < 10:
        return None
    longest = None
    for m in ordered:
        other = m["data"].get("description") or ""
        if len(other) > len(text) and other.startswith(stem) and (longest is None or len(other) > len(
                longest["data"]["description"])):
            longest = m
    return longest


def load_members(session: Session, job_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Each job's postings, with what building the job and rendering its sources need."""
    out: dict[str, list[dict[str, Any]]] = {j: [] for j in job_ids}
    for i in range(0, len(job_ids), 500):
        stmt = (
            select(POSTINGS.c.id, POSTINGS.c.job_id, POSTINGS.c.status, POSTINGS.c.data,
                   POSTINGS.c.updated_at, POSTINGS.c.first_seen_at, POSTINGS.c.last_seen_at,
                   POSTINGS.c.valid_through, POSTINGS.c.employer_id, POSTINGS.c.partner_id,
                   POSTINGS.c.external_id, POSTINGS.c.url, PARTNERS.c.kind)
            .join(PARTNERS, PARTNERS.c.id == POSTINGS.c.partner_id)
            .where(among(session, POSTINGS.c.job_id, job_ids[i:i + 500]))
        )
        for row in session.execute(stmt).mappings():
            out[row["job_id"]].append(dict(row))
    return out


@dataclass(slots=True)
class Written:
    """What the road's last steps know without reading it back: the members of jobs opened
    in this transaction (``fresh``: no row, no signature, no index entry, no change yet), and
    every complete job row ``refresh_jobs`` wrote (``rows``), and the search tokens already made for
    the batch's texts (``tokens``); ``refresh_jobs`` adds every recomputed job's members
    (``members``) and, for stored jobs, the scope of their latest change (``prior``).

    On PostgreSQL the writes go out behind the road (``app.writebehind``) and a read waits until
    they are done, so whatever the later steps need is read here, together, once."""

    fresh: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    rows: dict[str, dict[str, Any]] = field(default_factory=dict)
    tokens: KnownTokens = field(default_factory=KnownTokens)  # made by ``prepare`` for these postings
    members: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    prior: dict[str, str | None] = field(default_factory=dict)
    solo: dict[str, Fields] = field(default_factory=dict)  # by posting id: see ``build_job``


def refresh_jobs(session: Session, job_ids: set[str], now: datetime,
                 written: Written | None = None) -> list[tuple[str, str]]:
    """Recompute ``job_ids`` from their postings; returns ``(job_id, op)`` for jobs that changed,
    op being ``upsert`` for an open job and ``delete`` for one that closed. Jobs in
    ``written.fresh`` are built from the members given there; ``written.rows`` receives the
    complete rows written."""
    ids = sorted(job_ids)
    if not ids:
        return []
    written = written if written is not None else Written()
    stored_ids = [i for i in ids if i not in written.fresh]
    current = _lock_jobs(session, stored_ids)
    members = load_members(session, stored_ids)
    members.update({i: written.fresh[i] for i in ids if i in written.fresh})
    stored = load_signatures(session, stored_ids)
    scopes = last_scopes(session, stored_ids)  # the rows are locked, so these are final
    written.prior = {j: scopes.get(j) for j in stored_ids}
    written.members = members
    inserts, updates, ops = [], [], []
    reps: Wanted = {}
    for job_id in ids:
        old = current.get(job_id)
        digest = members_digest(members[job_id])
        reps[job_id] = (None, None, digest)
        if not members[job_id]:
            if old and old["status"] == "open":
                updates.append({"id": job_id, "status": "closed", "updated_at": now,
                                "version": old["version"] + 1})
                ops.append((job_id, "delete"))
            continue
        row = build_job(members[job_id], written.solo)
        if row["status"] == "open":
            canonical = next(m for m in members[job_id] if m["id"] == row["canonical_posting_id"])
            reps[job_id] = (from_job(row, canonical["data"]), row["canonical_posting_id"], digest)
        # Sources are part of the job too: a posting joining, leaving or withdrawn changes it.
        moved = job_id in stored and stored[job_id].members != digest
        if old is None:
            inserts.append({**row, "id": job_id, "updated_at": now, "version": 1})
            if row["status"] == "open":
                ops.append((job_id, "upsert"))
        elif moved or any(_differs(old[k], row[k]) for k in COMPARED):
            updates.append({**row, "id": job_id, "updated_at": now, "version": old["version"] + 1})
            if row["status"] == "open":
                ops.append((job_id, "upsert"))
            elif old["status"] == "open":
                ops.append((job_id, "delete"))
    insert_rows(session, JOBS, inserts)
    update_rows(session, JOBS, "id", updates)
    written.rows.update((r["id"], r) for r in inserts)
    written.rows.update((r["id"], r) for r in updates if "title" in r)  # complete rows only
    sync_signatures(session, reps, stored, now)
    return ops


def members_digest(members: list[dict[str, Any]]) -> str:
    """A short digest of which postings a job has and their statuses."""
    text = ",".join(sorted(f"{m['id']}:{m['status']}" for m in members))
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


def _differs(a: Any, b: Any) -> bool:
    return a != b


def _lock_jobs(session: Session, ids: list[str]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for i in range(0, len(ids), 500):
        stmt = select(*[JOBS.c[k] for k in (*COMPARED, "id", "version")]).where(
            among(session, JOBS.c.id, ids[i:i + 500])).order_by(JOBS.c.id)
        if not is_sqlite(session):
            stmt = stmt.with_for_update()
        out.update({r["id"]: dict(r) for r in session.execute(stmt).mappings()})
    return out

