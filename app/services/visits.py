"""Enterprise visits (访企拓岗): a university records, corrects and deletes them; progress counts
distinct employers and distinct newly developed employers against the rules that apply."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from app.dedup.names import employer_name_key
from app.errors import NotFound, ValidationFailed, field_error
from app.models import SME_CLASSES, Employer, EmployerName, Partner, Posting, Visit
from app.normalize import is_valid_credit_code, normalize_credit_code

from .campaign import cursor_key, iso, make_cursor, parse_ts, region_keys, today_in_beijing
from .rules import applied_rules

FIELDS = ("employer_name", "credit_code", "visited_at", "leader_name", "leader_title", "region_code",
          "jobs_promised", "notes", "employer_size")
REQUIRED = ("employer_name", "visited_at", "leader_name", "region_code", "jobs_promised")


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


def new_employer_evidence(session: Session, partner_id: str, employer_id: str | None, employer_key: str,
                          before: datetime, exclude: str | None = None) -> tuple[int, int]:
    """(earlier visits by this university to the employer, its postings naming the employer before
    ``before``): both zero means a newly developed employer (新开拓用人单位)."""
    stmt = select(func.count()).select_from(Visit).where(
        Visit.partner_id == partner_id, Visit.employer_key == employer_key, Visit.visited_at < before)
    if exclude:
        stmt = stmt.where(Visit.id != exclude)
    visits = int(session.execute(stmt).scalar_one())
    postings = 0
    if employer_id:
        postings = int(session.execute(select(func.count()).select_from(Posting).where(
            Posting.partner_id == partner_id, Posting.employer_id == employer_id,
            Posting.first_seen_at < before)).scalar_one())
    return visits, postings


def _check_date(visited_at: datetime, now: datetime) -> None:
    if today_in_beijing(visited_at) > today_in_beijing(now):
        raise ValidationFailed("A visit cannot be in the future.",
                               errors=[field_error("visited_at", "must be no later than today (Beijing)")])


def _link_employer(session: Session, visit: Visit, now: datetime) -> None:
    """Match the employer, judge whether it is new, and note its size class on its record."""
    visit.employer_id, visit.employer_key = match_employer(session, visit.employer_name, visit.credit_code)
    visits, postings = new_employer_evidence(session, visit.partner_id, visit.employer_id, visit.employer_key,
                                             visit.visited_at, exclude=visit.id)
    visit.new_employer_suggested = visits == 0 and postings == 0
    if visit.employer_id and visit.employer_size:
        employer = session.get(Employer, visit.employer_id)
        if employer is not None and employer.size_class != visit.employer_size:
            employer.size_class, employer.updated_at = visit.employer_size, now


def create_visit(session: Session, partner_id: str, spec: dict[str, Any], now: datetime) -> Visit:
    _check_date(spec["visited_at"], now)
    visit = Visit(partner_id=partner_id, **{k: spec.get(k) for k in FIELDS}, created_at=now, updated_at=now)
    visit.jobs_promised = spec.get("jobs_promised") or 0
    visit.region_keys = region_keys(spec["region_code"])
    _link_employer(session, visit, now)
    given = spec.get("new_employer")
    visit.new_employer = visit.new_employer_suggested if given is None else bool(given)
    session.add(visit)
    session.flush()
    return visit


def update_visit(session: Session, visit: Visit, changes: dict[str, Any], now: datetime) -> Visit:
    """Change the fields sent; the employer is matched and judged again when it or the date changes
    (``new_employer`` itself only changes when sent)."""
    for key in FIELDS:
        if key not in changes:
            continue
        if changes[key] is None and key in REQUIRED:
            raise ValidationFailed("A required field cannot be cleared.", errors=[field_error(key, "must not be null")])
        setattr(visit, key, changes[key])
    if "visited_at" in changes:
        _check_date(visit.visited_at, now)
    visit.region_keys = region_keys(visit.region_code)
    if {"employer_name", "credit_code", "visited_at", "employer_size"} & changes.keys():
        _link_employer(session, visit, now)
    if changes.get("new_employer") is not None:
        visit.new_employer = bool(changes["new_employer"])
    visit.updated_at = now
    session.flush()
    return visit


def delete_visit(session: Session, visit: Visit) -> None:
    session.delete(visit)
    session.flush()


def check_new_employer(session: Session, partner_id: str, name: str, credit_code: str | None,
                       now: datetime) -> dict[str, Any]:
    """The hub's suggestion for a visit about to be recorded today."""
    employer_id, key = match_employer(session, name, credit_code)
    visits, postings = new_employer_evidence(session, partner_id, employer_id, key, now)
    return {"employer_id": employer_id, "new_employer": visits == 0 and postings == 0, "earlier_visits": visits,
            "postings": postings}


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


def own_visit(session: Session, partner_id: str, visit_id: str, *, lock: bool = False) -> Visit:
    """The university's own visit; any other is a 404, as if it did not exist."""
    stmt = select(Visit).where(Visit.id == visit_id, Visit.partner_id == partner_id)
    visit = session.execute(stmt.with_for_update() if lock else stmt).scalar_one_or_none()
    if visit is None:
        raise NotFound("no such visit")
    return visit


def sme_key() -> Any:
    """A visit's employer key when the employer is an SME (by the visit's size, else the record's)."""
    size = func.coalesce(Visit.employer_size, select(Employer.size_class).where(
        Employer.id == Visit.employer_id).scalar_subquery())
    return case((size.in_(SME_CLASSES), Visit.employer_key))


def visit_counts(session: Session, partner_ids: list[str] | None, before: datetime | None = None
                 ) -> dict[str, dict[str, int]]:
    """university id → visits, distinct employers, distinct new employers, distinct SMEs, jobs promised
    (visits before ``before`` when given)."""
    new_key = case((Visit.new_employer.is_(True), Visit.employer_key))
    stmt = select(Visit.partner_id, func.count(), func.count(Visit.employer_key.distinct()),
                  func.count(new_key.distinct()), func.count(sme_key().distinct()),
                  func.coalesce(func.sum(Visit.jobs_promised), 0)).group_by(Visit.partner_id)
    if before is not None:
        stmt = stmt.where(Visit.visited_at < before)
    out: dict[str, dict[str, int]] = {}
    chunks = [None] if partner_ids is None else [partner_ids[i:i + 500] for i in range(0, len(partner_ids), 500)]
    for chunk in chunks:
        q = stmt if chunk is None else stmt.where(Visit.partner_id.in_(chunk))
        for pid, visits, employers, new, sme, promised in session.execute(q):
            out[pid] = {"visits": int(visits), "employers": int(employers), "new_employers": int(new),
                        "sme_employers": int(sme), "jobs_promised": int(promised)}
    return out


def progress(session: Session, university: Partner) -> dict[str, Any]:
    """Distinct employers (and new employers) visited against the rules that apply, and per leader."""
    rules = applied_rules(session, [university])[university.id]
    target, new_rule = rules["visit_employers"], rules["new_employers"]
    mine = Visit.partner_id == university.id
    counts = visit_counts(session, [university.id]).get(university.id) or {
        "visits": 0, "employers": 0, "new_employers": 0, "sme_employers": 0, "jobs_promised": 0}
    new_key = case((Visit.new_employer.is_(True), Visit.employer_key))
    leaders = session.execute(
        select(Visit.leader_name, func.max(Visit.leader_title), func.count(),
               func.count(Visit.employer_key.distinct()), func.count(new_key.distinct()),
               func.coalesce(func.sum(Visit.jobs_promised), 0))
        .where(mine).group_by(Visit.leader_name).order_by(func.count(Visit.employer_key.distinct()).desc(),
                                                          Visit.leader_name)).all()
    employers, new = counts["employers"], counts["new_employers"]
    return {
        "target": target.value, "target_source": target.source, "employers_visited": employers,
        "remaining": max(target.value - employers, 0), "reached": employers >= target.value,
        "below_placement_rate": new_rule.applies, "new_employers": new,
        "new_employer_target": new_rule.value if new_rule.applies else None,
        "new_employer_target_source": new_rule.source if new_rule.applies else None,
        "new_employers_remaining": max(new_rule.value - new, 0) if new_rule.applies else None,
        "visits": counts["visits"], "jobs_promised": counts["jobs_promised"],
        "sme_employers": counts["sme_employers"],
        "leaders": [{"leader_name": n, "leader_title": t, "visits": v, "employers": e, "new_employers": ne,
                     "jobs_promised": int(p)} for n, t, v, e, ne, p in leaders],
    }


def visit_document(v: Visit) -> dict[str, Any]:
    return {
        "id": v.id, "employer_name": v.employer_name, "credit_code": v.credit_code, "employer_id": v.employer_id,
        "visited_at": iso(v.visited_at), "leader_name": v.leader_name, "leader_title": v.leader_title,
        "region_code": v.region_code, "jobs_promised": v.jobs_promised, "notes": v.notes,
        "new_employer": v.new_employer, "new_employer_suggested": v.new_employer_suggested,
        "employer_size": v.employer_size, "created_at": iso(v.created_at), "updated_at": iso(v.updated_at),
    }
