"""Recruitment fairs: the organiser's writes, the public's reads, and a fair's jobs for search."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.errors import Conflict, NotFound, ValidationFailed, field_error
from app.models import Fair, FairJob, Partner
from app.normalize import region_by_code

from .campaign import check_job_ids, cursor_key, in_region, iso, make_cursor, parse_ts, region_keys

When = Literal["upcoming", "past", "all"]
FIELDS = ("title", "kind", "mode", "region_code", "venue", "address", "url", "starts_at", "ends_at", "description")


def fair_job_ids(session: Session, fair_id: str) -> list[str]:
    """The jobs on offer at a fair, in the organiser's order. (``GET /api/v1/jobs?fair=ID`` reads
    their index docids instead: ``app.search.service.fair_docids``.)"""
    return list(session.execute(select(FairJob.job_id).where(FairJob.fair_id == fair_id)
                                .order_by(FairJob.position, FairJob.job_id)).scalars())


def _check_times(starts_at: datetime, ends_at: datetime) -> None:
    if ends_at <= starts_at:
        raise ValidationFailed("The fair ends before it starts.",
                               errors=[field_error("ends_at", "must be after starts_at")])


def _set_jobs(session: Session, fair_id: str, job_ids: list[str]) -> None:
    unique = check_job_ids(session, job_ids)
    session.execute(delete(FairJob).where(FairJob.fair_id == fair_id))
    session.add_all(FairJob(fair_id=fair_id, job_id=j, position=i) for i, j in enumerate(unique))


def create_fair(session: Session, organiser_id: str, spec: dict[str, Any], now: datetime) -> Fair:
    _check_times(spec["starts_at"], spec["ends_at"])
    fair = Fair(organiser_id=organiser_id, **{k: spec.get(k) for k in FIELDS},
                region_keys=region_keys(spec["region_code"]), employers=spec.get("employers") or [],
                status="scheduled", created_at=now, updated_at=now)
    session.add(fair)
    session.flush()
    _set_jobs(session, fair.id, spec.get("job_ids") or [])
    return fair


def own_fair(session: Session, organiser_id: str, fair_id: str) -> Fair:
    """The organiser's fair, locked for change; anyone else's is a 404."""
    stmt = select(Fair).where(Fair.id == fair_id, Fair.organiser_id == organiser_id)
    fair = session.execute(stmt.with_for_update()).scalar_one_or_none()
    if fair is None:
        raise NotFound("no such fair")
    return fair


def update_fair(session: Session, fair: Fair, changes: dict[str, Any], now: datetime) -> Fair:
    if fair.status == "cancelled":
        raise Conflict("The fair is cancelled.")
    for key in FIELDS:
        if key in changes:
            if changes[key] is None and key in ("title", "kind", "mode", "region_code", "starts_at", "ends_at"):
                raise ValidationFailed("A required field cannot be cleared.",
                                       errors=[field_error(key, "must not be null")])
            setattr(fair, key, changes[key])
    _check_times(fair.starts_at, fair.ends_at)
    fair.region_keys = region_keys(fair.region_code)
    if changes.get("employers") is not None:
        fair.employers = changes["employers"]
    if changes.get("job_ids") is not None:
        _set_jobs(session, fair.id, changes["job_ids"])
    fair.updated_at = now
    return fair


def cancel_fair(fair: Fair, now: datetime) -> Fair:
    """Cancelled fairs stay listed, marked so; cancelling twice is harmless."""
    if fair.status != "cancelled":
        fair.status, fair.updated_at = "cancelled", now
    return fair


def get_fair(session: Session, fair_id: str) -> Fair:
    fair = session.get(Fair, fair_id)
    if fair is None:
        raise NotFound("no such fair")
    return fair


def list_fairs(session: Session, *, region: str | None, kind: str | None, mode: str | None, when: When,
               now: datetime, cursor: str | None, limit: int, secret: str,
               organiser_id: str | None = None) -> tuple[list[Fair], str | None]:
    """Upcoming (and ``all``) soonest first; ``past`` most recent first. Keyset-paged by (starts_at, id).
    ``organiser_id``: only the fairs that partner organises (the operators' console)."""
    newest_first = when == "past"
    stmt = select(Fair)
    if organiser_id:
        stmt = stmt.where(Fair.organiser_id == organiser_id)
    if region:
        stmt = stmt.where(in_region(Fair.region_keys, region))
    if kind:
        stmt = stmt.where(Fair.kind == kind)
    if mode:
        stmt = stmt.where(Fair.mode == mode)
    if when == "upcoming":
        stmt = stmt.where(Fair.ends_at >= now)
    elif when == "past":
        stmt = stmt.where(Fair.ends_at < now)
    kind_key = f"fairs-{when}"
    after = cursor_key(cursor, secret, kind_key)
    if after:
        ts, fid = parse_ts(after[0]), after[1]
        if newest_first:
            stmt = stmt.where((Fair.starts_at < ts) | ((Fair.starts_at == ts) & (Fair.id < fid)))
        else:
            stmt = stmt.where((Fair.starts_at > ts) | ((Fair.starts_at == ts) & (Fair.id > fid)))
    order = (Fair.starts_at.desc(), Fair.id.desc()) if newest_first else (Fair.starts_at, Fair.id)
    rows = list(session.execute(stmt.order_by(*order).limit(limit + 1)).scalars())
    nxt = None
    if len(rows) > limit:
        last = rows[limit - 1]
        nxt = make_cursor(kind_key, last.starts_at.isoformat(), last.id, secret)
    return rows[:limit], nxt


def fair_documents(session: Session, fairs: list[Fair]) -> list[dict[str, Any]]:
    """FairOut documents, with organisers and job ids loaded in two queries."""
    if not fairs:
        return []
    ids = [f.id for f in fairs]
    names = dict(session.execute(select(Partner.id, Partner.name).where(
        Partner.id.in_({f.organiser_id for f in fairs}))).all())
    jobs: dict[str, list[str]] = {i: [] for i in ids}
    for fair_id, job_id in session.execute(select(FairJob.fair_id, FairJob.job_id).where(
            FairJob.fair_id.in_(ids)).order_by(FairJob.fair_id, FairJob.position, FairJob.job_id)):
        jobs[fair_id].append(job_id)
    out = []
    for f in fairs:
        region = region_by_code(f.region_code)
        out.append({
            "id": f.id, "organiser_id": f.organiser_id, "organiser_name": names.get(f.organiser_id, ""),
            "title": f.title, "kind": f.kind, "mode": f.mode, "region_code": f.region_code,
            "region_name": region.name if region else None, "venue": f.venue, "address": f.address,
            "url": f.url, "starts_at": iso(f.starts_at), "ends_at": iso(f.ends_at),
            "description": f.description, "status": f.status, "job_ids": jobs[f.id],
            "employers": f.employers, "created_at": iso(f.created_at), "updated_at": iso(f.updated_at),
        })
    return out
