"""Enterprise visits (访企拓岗): a university records them; progress counts distinct employers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db import dialect_insert
from app.dedup.names import employer_name_key
from app.models import Employer, EmployerName, Visit, VisitTarget
from app.normalize import is_valid_credit_code, normalize_credit_code

from .campaign import cursor_key, iso, make_cursor, parse_ts, region_keys

DEFAULT_TARGET = 100


def match_employer(session: Session, name: str, credit_code: str | None) -> tuple[str | None, str]:
    """The hub's employer for a visit (by credit code, else one employer under the name key) and the
    key that counts it as one distinct employer."""
    code = normalize_credit_code(credit_code) if credit_code else None
    if code and is_valid_credit_code(code):
        emp = session.execute(select(Employer.id).where(Employer.credit_code == code)
                              .order_by(Employer.credit_code_verified.desc(), Employer.id).limit(1)).scalar()
        if emp:
            return emp, f"e:{emp}"
    key = employer_name_key(name)[:300]
    ids = list(session.execute(select(EmployerName.employer_id).where(EmployerName.name_key == key)
                               .distinct().limit(2)).scalars()) if key else []
    if len(ids) == 1:
        return ids[0], f"e:{ids[0]}"
    if code and is_valid_credit_code(code):
        return None, f"c:{code}"
    return None, f"n:{key or name.strip()[:300]}"


def create_visit(session: Session, partner_id: str, spec: dict[str, Any], now: datetime) -> Visit:
    employer_id, key = match_employer(session, spec["employer_name"], spec.get("credit_code"))
    visit = Visit(partner_id=partner_id, employer_name=spec["employer_name"], credit_code=spec.get("credit_code"),
                  employer_id=employer_id, employer_key=key, visited_at=spec["visited_at"],
                  leader_name=spec["leader_name"], leader_title=spec.get("leader_title"),
                  region_code=spec["region_code"], region_keys=region_keys(spec["region_code"]),
                  jobs_promised=spec.get("jobs_promised") or 0, notes=spec.get("notes"), created_at=now)
    session.add(visit)
    session.flush()
    return visit


def list_visits(session: Session, partner_id: str, *, leader: str | None, cursor: str | None, limit: int,
                secret: str) -> tuple[list[Visit], str | None]:
    """The university's visits, most recent first."""
    stmt = select(Visit).where(Visit.partner_id == partner_id)
    if leader:
        stmt = stmt.where(Visit.leader_name == leader)
    after = cursor_key(cursor, secret, "visits")
    if after:
        ts = parse_ts(after[0])
        stmt = stmt.where((Visit.visited_at < ts) | ((Visit.visited_at == ts) & (Visit.id < after[1])))
    rows = list(session.execute(stmt.order_by(Visit.visited_at.desc(), Visit.id.desc()).limit(limit + 1)).scalars())
    nxt = make_cursor("visits", rows[limit - 1].visited_at.isoformat(), rows[limit - 1].id, secret) \
        if len(rows) > limit else None
    return rows[:limit], nxt


def own_visit(session: Session, partner_id: str, visit_id: str) -> Visit | None:
    return session.execute(select(Visit).where(Visit.id == visit_id, Visit.partner_id == partner_id)
                           ).scalar_one_or_none()


def set_target(session: Session, partner_id: str, target: int, now: datetime) -> None:
    stmt = dialect_insert(session, VisitTarget.__table__)
    stmt = stmt.on_conflict_do_update(index_elements=["partner_id"],
                                      set_={"target": stmt.excluded.target, "updated_at": stmt.excluded.updated_at})
    session.execute(stmt, {"partner_id": partner_id, "target": target, "updated_at": now})


def progress(session: Session, partner_id: str) -> dict[str, Any]:
    """Distinct employers visited against the target, and the same per leader."""
    target = session.execute(select(VisitTarget.target).where(VisitTarget.partner_id == partner_id)).scalar()
    target = target or DEFAULT_TARGET
    mine = Visit.partner_id == partner_id
    visits, employers, promised = session.execute(
        select(func.count(), func.count(Visit.employer_key.distinct()), func.coalesce(func.sum(Visit.jobs_promised), 0))
        .where(mine)).one()
    leaders = session.execute(
        select(Visit.leader_name, func.max(Visit.leader_title), func.count(),
               func.count(Visit.employer_key.distinct()), func.coalesce(func.sum(Visit.jobs_promised), 0))
        .where(mine).group_by(Visit.leader_name).order_by(func.count(Visit.employer_key.distinct()).desc(),
                                                          Visit.leader_name)).all()
    return {
        "target": target, "employers_visited": employers, "remaining": max(target - employers, 0),
        "reached": employers >= target, "visits": visits, "jobs_promised": int(promised),
        "leaders": [{"leader_name": n, "leader_title": t, "visits": v, "employers": e, "jobs_promised": int(p)}
                    for n, t, v, e, p in leaders],
    }


def visit_document(v: Visit) -> dict[str, Any]:
    return {
        "id": v.id, "employer_name": v.employer_name, "credit_code": v.credit_code, "employer_id": v.employer_id,
        "visited_at": iso(v.visited_at), "leader_name": v.leader_name, "leader_title": v.leader_title,
        "region_code": v.region_code, "jobs_promised": v.jobs_promised, "notes": v.notes,
        "created_at": iso(v.created_at),
    }
