"""Case files for graduates in hardship (一人一档、一人一策): the owning university's only.

A case holds the minimum personal data: a pseudonymous ``student_ref`` chosen by the
university, the hardship category, the job preferences, the plan and the dated assistance.
Never names or ID numbers. Every read and write is audited (``case_audit``); erasure destroys
the case and everything under it, keeping only the audit entries.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.errors import Conflict, NotFound, ValidationFailed, field_error
from app.models import Case, CasePush, CaseRecord, Job, Partner

from .campaign import check_job_ids, cursor_key, iso, make_cursor, parse_ts, today_in_beijing
from .case_audit import Actor, audit
from .rules import applied_rules

CATEGORIES = ("low_income", "disabled", "zero_employment_family", "hvc_expansion", "training_participant", "other")
FIELDS = ("category", "education", "major", "region_codes", "job_types", "expected_salary", "status",
          "graduation_year")
REQUIRED = ("category", "status", "region_codes", "job_types", "graduation_year")


def _set_plan(case: Case, plan: dict[str, Any] | None) -> None:
    case.plan_text = (plan or {}).get("text")
    case.plan_goals = list(dict.fromkeys((plan or {}).get("goals") or []))


def create_case(session: Session, partner: Partner, spec: dict[str, Any], now: datetime, actor: Actor) -> Case:
    case = Case(partner_id=partner.id, student_ref=spec["student_ref"], **{k: spec.get(k) for k in FIELDS},
                created_at=now, updated_at=now)
    case.region_codes = list(dict.fromkeys(spec.get("region_codes") or []))
    case.job_types = list(dict.fromkeys(spec.get("job_types") or []))
    case.status = spec.get("status") or "open"
    case.graduation_year = spec.get("graduation_year") or today_in_beijing(now).year
    _set_plan(case, spec.get("plan"))
    try:
        with session.begin_nested():
            session.add(case)
            session.flush()
    except IntegrityError:
        raise Conflict("You already have a case with this student_ref.") from None
    audit(session, actor, partner.id, "create", [case.id], now, {"fields": sorted(k for k, v in spec.items() if v)})
    return case


def own_case(session: Session, partner_id: str, case_id: str, *, lock: bool = False) -> Case:
    """The university's own case; any other is a 404, as if it did not exist."""
    stmt = select(Case).where(Case.id == case_id, Case.partner_id == partner_id)
    case = session.execute(stmt.with_for_update() if lock else stmt).scalar_one_or_none()
    if case is None:
        raise NotFound("no such case")
    return case


def update_case(session: Session, case: Case, changes: dict[str, Any], now: datetime, actor: Actor) -> Case:
    for key in FIELDS:
        if key not in changes:
            continue
        value = changes[key]
        if value is None and key in REQUIRED:
            raise ValidationFailed("A required field cannot be cleared.", errors=[field_error(key, "must not be null")])
        if key in ("region_codes", "job_types"):
            value = list(dict.fromkeys(value))
        setattr(case, key, value)
    if "plan" in changes:
        _set_plan(case, changes["plan"])
    case.updated_at = now
    audit(session, actor, case.partner_id, "update", [case.id], now, {"fields": sorted(changes)})
    return case


def push_counts(session: Session, case_ids: list[str]) -> dict[str, int]:
    if not case_ids:
        return {}
    rows = session.execute(select(CasePush.case_id, func.count()).where(CasePush.case_id.in_(case_ids))
                           .group_by(CasePush.case_id)).all()
    return {r[0]: r[1] for r in rows}


def list_cases(session: Session, partner_id: str, *, status: str | None, category: str | None,
               cursor: str | None, limit: int, secret: str) -> tuple[list[Case], str | None]:
    """The university's cases, newest first."""
    stmt = select(Case).where(Case.partner_id == partner_id)
    if status:
        stmt = stmt.where(Case.status == status)
    if category:
        stmt = stmt.where(Case.category == category)
    after = cursor_key(cursor, secret, "cases")
    if after:
        ts = parse_ts(after[0])
        stmt = stmt.where((Case.created_at < ts) | ((Case.created_at == ts) & (Case.id < after[1])))
    rows = list(session.execute(stmt.order_by(Case.created_at.desc(), Case.id.desc()).limit(limit + 1)).scalars())
    nxt = make_cursor("cases", rows[limit - 1].created_at.isoformat(), rows[limit - 1].id, secret) \
        if len(rows) > limit else None
    return rows[:limit], nxt


def case_documents(session: Session, cases: list[Case]) -> list[dict[str, Any]]:
    ids = [c.id for c in cases]
    counts = push_counts(session, ids)
    records = dict(session.execute(select(CaseRecord.case_id, func.count())
                                   .where(CaseRecord.case_id.in_(ids)).group_by(CaseRecord.case_id)).all()) \
        if ids else {}
    return [{
        "id": c.id, "student_ref": c.student_ref, "category": c.category, "education": c.education,
        "major": c.major, "region_codes": c.region_codes, "job_types": c.job_types,
        "expected_salary": c.expected_salary, "status": c.status, "graduation_year": c.graduation_year,
        "plan": {"text": c.plan_text, "goals": list(c.plan_goals or [])},
        "pushes": counts.get(c.id, 0), "records": int(records.get(c.id, 0)),
        "created_at": iso(c.created_at), "updated_at": iso(c.updated_at),
    } for c in cases]


def pushed_job_ids(session: Session, case_id: str) -> set[str]:
    return set(session.execute(select(CasePush.job_id).where(CasePush.case_id == case_id)).scalars())


def add_pushes(session: Session, case: Case, job_ids: list[str], now: datetime, actor: Actor) -> dict[str, Any]:
    """Record pushes of open jobs to a (locked) case; a job already pushed is reported, not repeated.
    ``ordinal`` numbers the case's pushes, so the day a case reaches three is known."""
    unique = check_job_ids(session, job_ids, open_only=True)
    done = pushed_job_ids(session, case.id)
    created = [j for j in unique if j not in done]
    n = len(done)
    session.add_all(CasePush(case_id=case.id, job_id=j, ordinal=n + i + 1, pushed_at=now)
                    for i, j in enumerate(created))
    case.updated_at = now
    audit(session, actor, case.partner_id, "push", [case.id], now, {"pushed": len(created)})
    session.flush()
    return {"created": created, "already": [j for j in unique if j in done], "pushes": n + len(created)}


def list_pushes(session: Session, case_id: str) -> list[dict[str, Any]]:
    rows = session.execute(select(CasePush.job_id, Job.title, CasePush.pushed_at)
                           .outerjoin(Job, Job.id == CasePush.job_id).where(CasePush.case_id == case_id)
                           .order_by(CasePush.ordinal)).all()
    return [{"job_id": j, "title": t, "pushed_at": iso(p)} for j, t, p in rows]


def add_record(session: Session, case: Case, spec: dict[str, Any], now: datetime, actor: Actor) -> CaseRecord:
    """A dated step of assistance (guidance, training, a push outside the hub, an interview, the outcome)."""
    if spec["occurred_on"] > today_in_beijing(now):
        raise ValidationFailed("A record cannot be in the future.",
                               errors=[field_error("occurred_on", "must be no later than today (Beijing)")])
    if spec.get("job_id"):
        check_job_ids(session, [spec["job_id"]], "job_id")
    if spec.get("result") and spec["kind"] != "outcome":
        raise ValidationFailed("Only an outcome has a result.", errors=[field_error("result", "only for kind outcome")])
    record = CaseRecord(case_id=case.id, kind=spec["kind"], occurred_on=spec["occurred_on"], note=spec.get("note"),
                        program=spec.get("program"), job_id=spec.get("job_id"), result=spec.get("result"),
                        created_at=now)
    session.add(record)
    case.updated_at = now
    audit(session, actor, case.partner_id, "record", [case.id], now, {"kind": spec["kind"]})
    session.flush()
    return record


def record_document(r: CaseRecord) -> dict[str, Any]:
    return {"id": r.id, "kind": r.kind, "occurred_on": r.occurred_on.isoformat(), "note": r.note,
            "program": r.program, "job_id": r.job_id, "result": r.result, "created_at": iso(r.created_at)}


def list_records(session: Session, case_id: str) -> list[dict[str, Any]]:
    rows = session.execute(select(CaseRecord).where(CaseRecord.case_id == case_id)
                           .order_by(CaseRecord.occurred_on, CaseRecord.created_at, CaseRecord.id)).scalars()
    return [record_document(r) for r in rows]


def case_counts(session: Session, university_ids: list[str] | None, required: dict[str, int]
                ) -> dict[str, dict[str, int]]:
    """university id → open cases, covered (at least the pushes its rule asks), uncovered."""
    n = func.count(CasePush.job_id)
    stmt = (select(Case.partner_id, n).outerjoin(CasePush, CasePush.case_id == Case.id)
            .where(Case.status == "open").group_by(Case.id, Case.partner_id))
    out: dict[str, dict[str, int]] = {}
    chunks = [None] if university_ids is None else [university_ids[i:i + 500]
                                                    for i in range(0, len(university_ids), 500)]
    for chunk in chunks:
        q = stmt if chunk is None else stmt.where(Case.partner_id.in_(chunk))
        for pid, pushes in session.execute(q):
            slot = out.setdefault(pid, {"cases_open": 0, "cases_covered": 0, "cases_uncovered": 0})
            slot["cases_open"] += 1
            slot["cases_covered" if pushes >= required.get(pid, 3) else "cases_uncovered"] += 1
    return out


def coverage(session: Session, university: Partner, now: datetime, actor: Actor, cap: int = 1000) -> dict[str, Any]:
    """Open cases with at least the required pushes and without (listed, fewest pushes first), by category."""
    rule = applied_rules(session, [university])[university.id]["case_pushes"]
    n = func.count(CasePush.job_id)
    rows = session.execute(
        select(Case.id, Case.student_ref, Case.category, n)
        .outerjoin(CasePush, CasePush.case_id == Case.id)
        .where(Case.partner_id == university.id, Case.status == "open")
        .group_by(Case.id, Case.student_ref, Case.category)).all()
    by_category = {c: {"open": 0, "covered": 0, "uncovered": 0} for c in CATEGORIES}
    uncovered = []
    for case_id, ref, category, pushes in rows:
        slot = by_category.setdefault(category, {"open": 0, "covered": 0, "uncovered": 0})
        slot["open"] += 1
        if pushes >= rule.value:
            slot["covered"] += 1
        else:
            slot["uncovered"] += 1
            uncovered.append({"id": case_id, "student_ref": ref, "category": category, "pushes": pushes})
    uncovered.sort(key=lambda u: (u["pushes"], u["student_ref"]))
    covered = sum(s["covered"] for s in by_category.values())
    audit(session, actor, university.id, "coverage", [None], now, {"cases_listed": min(len(uncovered), cap)})
    return {"required": rule.value, "required_source": rule.source, "open": len(rows), "covered": covered,
            "uncovered": len(rows) - covered, "by_category": by_category, "uncovered_cases": uncovered[:cap]}
