"""Recruitment fairs: the organiser's writes, the public's reads, and a fair's jobs for search."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from app.errors import Conflict, NotFound, ValidationFailed, field_error
from app.models import Fair, FairJob, FairSeries, Partner
from app.models.campaign import NATIONAL_REGION
from app.normalize import region_by_code

from .campaign import (
    beijing_day,
    check_job_ids,
    cursor_key,
    in_region,
    iso,
    make_cursor,
    parse_ts,
    region_keys,
)

When = Literal["upcoming", "past", "all"]
FIELDS = ("title", "kind", "mode", "region_code", "venue", "address", "url", "starts_at", "ends_at", "description",
          "industry", "scope", "series_id", "series_role")
REQUIRED = ("title", "kind", "mode", "starts_at", "ends_at")


def fair_job_ids(session: Session, fair_id: str) -> list[str]:
    """The jobs on offer at a fair, in the organiser's order. (``GET /api/v1/jobs?fair=ID`` reads
    their index docids instead: ``app.search.service.fair_docids``.)"""
    return list(session.execute(select(FairJob.job_id).where(FairJob.fair_id == fair_id)
                                .order_by(FairJob.position, FairJob.job_id)).scalars())


def _check_times(starts_at: datetime, ends_at: datetime) -> None:
    if ends_at <= starts_at:
        raise ValidationFailed("The fair ends before it starts.",
                               errors=[field_error("ends_at", "must be after starts_at")])


def _set_jobs(session: Session, fair_id: str, job_ids: list[str], employers: list[dict[str, Any]]) -> None:
    """The fair's jobs: its own list, then each employer's (checked under ``employers[i].job_ids``)."""
    unique = check_job_ids(session, job_ids)
    for i, employer in enumerate(employers):
        unique += check_job_ids(session, employer.get("job_ids") or [], f"employers[{i}].job_ids")
    unique = list(dict.fromkeys(unique))
    if len(unique) > 1000:
        raise ValidationFailed("A fair lists at most 1,000 jobs.",
                               errors=[field_error("job_ids", "at most 1000 jobs with the employers' ones")])
    session.execute(delete(FairJob).where(FairJob.fair_id == fair_id))
    session.add_all(FairJob(fair_id=fair_id, job_id=j, position=i) for i, j in enumerate(unique))


def _place(session: Session, organiser_id: str, fair: dict[str, Any]) -> None:
    """Settle scope, region, industry and series of a fair's fields (in place), or a 422 naming
    the field: a national fair is online or hybrid and has region 000000; a regional one names
    a real region; a series is one of the organiser's own."""
    code = fair.get("region_code")
    if fair.get("scope") is None:
        fair["scope"] = "national" if code == NATIONAL_REGION else "regional"
    if fair["scope"] == "national":
        if fair.get("mode") == "offline":
            raise ValidationFailed("A national fair is held online.",
                                   errors=[field_error("scope", "national fairs are online or hybrid")])
        if code not in (None, NATIONAL_REGION):
            raise ValidationFailed("A national fair serves the whole country.",
                                   errors=[field_error("region_code", "must be 000000 (or left out) when national")])
        fair["region_code"] = NATIONAL_REGION
    elif code in (None, NATIONAL_REGION):
        raise ValidationFailed("A regional fair needs its region.",
                               errors=[field_error("region_code", "a GB/T 2260 code is required unless national")])
    if fair.get("series_id") is not None:
        series = session.get(FairSeries, fair["series_id"])
        if series is None or series.organiser_id != organiser_id:
            raise ValidationFailed("No such series.", errors=[field_error("series_id", "not one of your fair series",
                                                                         "not_found")])
        fair["series_role"] = fair.get("series_role") or "sub"
    elif fair.get("series_role") is not None:
        raise ValidationFailed("A role needs a series.", errors=[field_error("series_role", "needs series_id")])


def fair_keys(region_code: str) -> str:
    """A national fair is inside every region: its keys are ``" 000000 "`` (see ``list_fairs``)."""
    return f" {NATIONAL_REGION} " if region_code == NATIONAL_REGION else region_keys(region_code)


def create_fair(session: Session, organiser_id: str, spec: dict[str, Any], now: datetime) -> Fair:
    _check_times(spec["starts_at"], spec["ends_at"])
    fields = {k: spec.get(k) for k in FIELDS}
    _place(session, organiser_id, fields)
    employers = spec.get("employers") or []
    fair = Fair(organiser_id=organiser_id, **fields, region_keys=fair_keys(str(fields["region_code"])),
                employers=employers, status="scheduled", created_at=now, updated_at=now)
    session.add(fair)
    session.flush()
    _set_jobs(session, fair.id, spec.get("job_ids") or [], employers)
    return fair


def create_series(session: Session, organiser_id: str, spec: dict[str, Any], now: datetime) -> FairSeries:
    series = FairSeries(organiser_id=organiser_id, title=spec["title"], description=spec.get("description"),
                        created_at=now, updated_at=now)
    session.add(series)
    session.flush()
    return series


def get_series(session: Session, series_id: str) -> FairSeries:
    series = session.get(FairSeries, series_id)
    if series is None:
        raise NotFound("no such fair series")
    return series


def series_fairs(session: Session, series_id: str) -> list[Fair]:
    """A series' fairs: the main venue first, then the sub-venues, soonest first."""
    rows = session.execute(select(Fair).where(Fair.series_id == series_id)
                           .order_by(Fair.starts_at, Fair.id)).scalars()
    return sorted(rows, key=lambda f: f.series_role != "main")


def series_document(session: Session, series: FairSeries) -> dict[str, Any]:
    name = session.get(Partner, series.organiser_id)
    return {"id": series.id, "organiser_id": series.organiser_id, "organiser_name": name.name if name else "",
            "title": series.title, "description": series.description,
            "fairs": fair_documents(session, series_fairs(session, series.id)),
            "created_at": iso(series.created_at), "updated_at": iso(series.updated_at)}


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
    for key in REQUIRED:
        if key in changes and changes[key] is None:
            raise ValidationFailed("A required field cannot be cleared.",
                                   errors=[field_error(key, "must not be null")])
    old_employer_jobs = {j for e in fair.employers for j in (e.get("job_ids") or ())}
    fields = {k: getattr(fair, k) for k in FIELDS}
    fields.update({k: changes[k] for k in FIELDS if k in changes})
    if "region_code" in changes and "scope" not in changes:
        fields["scope"] = None  # follows the new region
    if fields.get("series_id") is None:
        fields["series_role"] = None
    _check_times(fields["starts_at"], fields["ends_at"])
    _place(session, fair.organiser_id, fields)
    for key, value in fields.items():
        setattr(fair, key, value)
    fair.region_keys = fair_keys(fair.region_code)
    if changes.get("employers") is not None:
        fair.employers = changes["employers"]
    if changes.get("job_ids") is not None or changes.get("employers") is not None:
        job_ids = changes["job_ids"] if changes.get("job_ids") is not None else [
            j for j in fair_job_ids(session, fair.id) if j not in old_employer_jobs]
        _set_jobs(session, fair.id, job_ids, fair.employers)
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
               now: datetime, cursor: str | None, limit: int, secret: str, industry: str | None = None,
               scope: str | None = None, series_id: str | None = None, date_from: date | None = None,
               date_to: date | None = None, organiser_id: str | None = None) -> tuple[list[Fair], str | None]:
    """Upcoming (and ``all``) soonest first; ``past`` most recent first. Keyset-paged by (starts_at, id).
    A region takes the fairs inside it and the national ones; dates are Beijing days the fair touches.
    ``organiser_id``: only the fairs that partner organises (the operators' console)."""
    newest_first = when == "past"
    stmt = select(Fair).where(*_fair_filters(region=region, equal={
        Fair.organiser_id: organiser_id, Fair.kind: kind, Fair.mode: mode, Fair.industry: industry,
        Fair.scope: scope, Fair.series_id: series_id}, date_from=date_from, date_to=date_to, when=when, now=now))
    kind_key = f"fairs-{when}"  # the filters are the caller's to repeat, as with every list
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


def _fair_filters(*, region: str | None, equal: dict[Any, str | None], date_from: date | None,
                  date_to: date | None, when: When, now: datetime) -> list[Any]:
    """The list's WHERE terms: the region (with the national fairs), equalities, Beijing days, upcoming/past."""
    terms: list[Any] = [column == value for column, value in equal.items() if value]
    if region:
        terms.append(or_(in_region(Fair.region_keys, region), Fair.scope == "national"))
    if date_from:
        terms.append(Fair.ends_at >= beijing_day(date_from)[0])
    if date_to:
        terms.append(Fair.starts_at < beijing_day(date_to)[1])
    if when == "upcoming":
        terms.append(Fair.ends_at >= now)
    elif when == "past":
        terms.append(Fair.ends_at < now)
    return terms


def fair_documents(session: Session, fairs: list[Fair]) -> list[dict[str, Any]]:
    """FairOut documents, with organisers and job ids loaded in two queries."""
    if not fairs:
        return []
    ids = [f.id for f in fairs]
    names = dict(session.execute(select(Partner.id, Partner.name).where(
        Partner.id.in_({f.organiser_id for f in fairs}))).all())
    series_ids = {f.series_id for f in fairs if f.series_id}
    titles = dict(session.execute(select(FairSeries.id, FairSeries.title).where(
        FairSeries.id.in_(series_ids))).all()) if series_ids else {}
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
            "region_name": "全国" if f.scope == "national" else (region.name if region else None),
            "scope": f.scope, "industry": f.industry, "series_id": f.series_id, "series_role": f.series_role,
            "series_title": titles.get(f.series_id) if f.series_id else None, "venue": f.venue, "address": f.address,
            "url": f.url, "starts_at": iso(f.starts_at), "ends_at": iso(f.ends_at),
            "description": f.description, "status": f.status, "job_ids": jobs[f.id],
            "employers": [{"job_ids": [], **e} for e in f.employers], "created_at": iso(f.created_at), "updated_at": iso(f.updated_at),
        })
    return out


def fairs_of_jobs(session: Session, job_ids: list[str], now: datetime) -> dict[str, list[dict[str, Any]]]:
    """For job cards and pages: the scheduled fairs not yet over that offer each job, soonest first."""
    if not job_ids:
        return {}
    rows = session.execute(
        select(FairJob.job_id, Fair.id, Fair.title, Fair.starts_at, Fair.mode)
        .join(Fair, Fair.id == FairJob.fair_id)
        .where(FairJob.job_id.in_(job_ids), Fair.status == "scheduled", Fair.ends_at >= now)
        .order_by(Fair.starts_at, Fair.id))
    out: dict[str, list[dict[str, Any]]] = {}
    for job_id, fair_id, title, starts_at, mode in rows:
        out.setdefault(job_id, []).append({"id": fair_id, "title": title, "starts_at": iso(starts_at),
                                           "mode": mode})
    return out
