"""A university's console: visits with the progress bar, case files (plan, records, recommended jobs
pushed in one click, coverage, the audit log), its fairs and its link-up status.

Every page calls the services the API calls, as the staff user (the audit log names them).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, Query
from starlette.responses import RedirectResponse, Response

from app.api.deps import DbDep, SettingsDep
from app.errors import Forbidden, HubError
from app.models import Partner, utcnow
from app.schemas.campaign import FairIn, FairPatch, VisitIn, VisitPatch
from app.schemas.cases import CaseIn, CasePatch, CaseStatus, Category, PushIn, RecordIn
from app.schemas.common import IdPath
from app.services.case_audit import audit, audit_entries
from app.services.case_erasure import erase_case
from app.services.cases import (
    add_pushes,
    add_record,
    case_documents,
    coverage,
    create_case,
    list_cases,
    list_pushes,
    list_records,
    own_case,
    pushed_job_ids,
    update_case,
)
from app.services.fairs import (
    cancel_fair,
    create_fair,
    fair_documents,
    list_fairs,
    own_fair,
    update_fair,
)
from app.services.linkup import link_status, status_of
from app.services.recommend import recommend
from app.services.rules import applied_rules
from app.services.staff import list_users
from app.services.visits import (
    create_visit,
    delete_visit,
    list_visits,
    own_visit,
    progress,
    update_visit,
    visit_document,
)

from .auth import EditDep, Staff, StaffDep
from .exports import Format, export
from .forms import (
    BEIJING,
    beijing_time,
    case_fields,
    errors_of,
    local_input,
    plan_fields,
    some,
    visit_fields,
)
from .render import page
from .routing import console_router

router = console_router()
PAGE = 20
VISIT_COLUMNS = ("visited_at", "employer_name", "credit_code", "leader_name", "leader_title", "region_code",
                 "jobs_promised", "new_employer", "new_employer_suggested", "employer_size", "notes")
CASE_COLUMNS = ("student_ref", "category", "status", "education", "major", "graduation_year", "pushes", "records",
                "created_at")
COVERAGE_COLUMNS = ("student_ref", "category", "pushes")


def university(staff: StaffDep) -> Staff:
    if staff.kind != "university":
        raise Forbidden("This part of the console is a university's.")
    return staff


UniDep = Annotated[Staff, Depends(university)]
Cursor = Annotated[str | None, Query(max_length=2000)]


def _back(url: str) -> Response:
    return RedirectResponse(url, status_code=303)


@router.get("/university")
def uni_home(staff: UniDep, db: DbDep) -> Response:
    with db.write() as session:
        prog = progress(session, staff.partner)
        cov = coverage(session, staff.partner, utcnow(), staff.actor, cap=5)
        link = status_of(link_status(session, [staff.partner.id]), staff.partner.id)
    return page("uni_home.html", staff=staff, progress=prog, coverage=cov, link=link)


def _visits_page(staff: Staff, db: Any, settings: Any, cursor: str | None, *, status: int = 200,
                 errors: list[tuple[str, str]] | None = None, values: dict[str, Any] | None = None) -> Response:
    with db.read() as session:
        prog = progress(session, staff.partner)
        rows, nxt = list_visits(session, staff.partner.id, leader=None, cursor=cursor, limit=PAGE,
                                secret=settings.secret_key)
        visits = [visit_document(v) for v in rows]
    return page("visits.html", status=status, staff=staff, progress=prog, visits=visits, next_cursor=nxt,
                errors=errors or [], values=values or {}, local_input=local_input)


@router.get("/university/visits")
def visits_page(staff: UniDep, db: DbDep, settings: SettingsDep, cursor: Cursor = None,
                format: Format = None) -> Response:
    if format:
        with db.read() as session:
            rows, _ = list_visits(session, staff.partner.id, leader=None, cursor=None, limit=10_000,
                                  secret=settings.secret_key)
            return export(format, VISIT_COLUMNS, [visit_document(v) for v in rows], "visits")
    return _visits_page(staff, db, settings, cursor)


@router.post("/university/visits")
def visit_create(staff: UniDep, form: EditDep, db: DbDep, settings: SettingsDep) -> Response:
    data = visit_fields(form)
    try:
        spec = VisitIn.model_validate({k: v for k, v in data.items() if v is not None})
        with db.write() as session:
            create_visit(session, staff.partner.id, spec.model_dump(mode="python"), utcnow())
    except Exception as exc:  # noqa: BLE001 - errors_of re-raises anything that is not a form error
        return _visits_page(staff, db, settings, None, status=422, errors=errors_of(exc), values=some(
            form, "employer_name", "credit_code", "leader_name", "leader_title", "region_code", "jobs_promised",
            "notes", "visited_at", "employer_size"))
    return _back("/console/university/visits")


@router.get("/university/visits/{visit_id}")
def visit_page(visit_id: IdPath, staff: UniDep, db: DbDep) -> Response:
    with db.read() as session:
        visit = visit_document(own_visit(session, staff.partner.id, visit_id))
    return page("visit_edit.html", staff=staff, visit=visit, errors=[], local_input=local_input)


@router.post("/university/visits/{visit_id}")
def visit_update(visit_id: IdPath, staff: UniDep, form: EditDep, db: DbDep) -> Response:
    data = visit_fields(form)
    try:
        changes = VisitPatch.model_validate({k: v for k, v in data.items() if v is not None}).model_dump(
            mode="python", exclude_unset=True)
        for cleared in ("credit_code", "leader_title", "notes", "employer_size"):
            if form.get(cleared) is None and cleared in form.fields:
                changes[cleared] = None
        with db.write() as session:
            update_visit(session, own_visit(session, staff.partner.id, visit_id, lock=True), changes, utcnow())
    except Exception as exc:  # noqa: BLE001
        errors = errors_of(exc)
        with db.read() as session:
            visit = visit_document(own_visit(session, staff.partner.id, visit_id))
        return page("visit_edit.html", status=422, staff=staff, visit=visit, errors=errors, local_input=local_input)
    return _back("/console/university/visits")


@router.post("/university/visits/{visit_id}/delete")
def visit_delete(visit_id: IdPath, staff: UniDep, form: EditDep, db: DbDep) -> Response:
    with db.write() as session:
        delete_visit(session, own_visit(session, staff.partner.id, visit_id, lock=True))
    return _back("/console/university/visits")


@router.get("/university/cases")
def cases_page(staff: UniDep, db: DbDep, settings: SettingsDep, status: CaseStatus | None = None,
               category: Category | None = None, cursor: Cursor = None, format: Format = None) -> Response:
    limit = 10_000 if format else PAGE
    with db.write() as session:
        rows, nxt = list_cases(session, staff.partner.id, status=status, category=category,
                               cursor=None if format else cursor, limit=limit, secret=settings.secret_key)
        audit(session, staff.actor, staff.partner.id, "list", [c.id for c in rows], utcnow(),
              {"export": format} if format else None)
        cases = case_documents(session, rows)
    if format:
        return export(format, CASE_COLUMNS, cases, "cases")
    return page("cases.html", staff=staff, cases=cases, next_cursor=nxt, case_status=status, category=category)


@router.get("/university/cases/new")
def case_new(staff: UniDep) -> Response:
    return page("case_new.html", staff=staff, errors=[], values={})


@router.post("/university/cases")
def case_create(staff: UniDep, form: EditDep, db: DbDep) -> Response:
    try:
        spec = CaseIn.model_validate({k: v for k, v in case_fields(form).items() if v is not None})
        with db.write() as session:
            case = create_case(session, staff.partner, spec.model_dump(mode="python"), utcnow(), staff.actor)
            case_id = case.id
    except Exception as exc:  # noqa: BLE001
        values = some(form, "student_ref", "category", "education", "major", "expected_salary", "graduation_year",
                      "region_code", "plan_text", "plan_goals")
        return page("case_new.html", status=422, staff=staff, errors=errors_of(exc), values=values)
    return _back(f"/console/university/cases/{case_id}")


def _case_page(staff: Staff, db: Any, settings: Any, case_id: str, *, status: int = 200,
               errors: list[tuple[str, str]] | None = None, notice: str | None = None) -> Response:
    now = utcnow()
    with db.write() as session:
        case = own_case(session, staff.partner.id, case_id)
        audit(session, staff.actor, staff.partner.id, "read", [case.id], now)
        audit(session, staff.actor, staff.partner.id, "recommend", [case.id], now)
        doc = case_documents(session, [case])[0]
        recs = recommend(session, case, pushed_job_ids(session, case.id), 10, secret=settings.secret_key)
        required = coverage_required(session, staff.partner)
        pushes, records = list_pushes(session, case.id), list_records(session, case.id)
    return page("case.html", status=status, staff=staff, case=doc, recommendations=recs, pushes=pushes,
                records=records, required=required, errors=errors or [], notice=notice,
                today=now.astimezone(BEIJING).date())


def coverage_required(session: Any, partner: Partner) -> int:
    return applied_rules(session, [partner])[partner.id]["case_pushes"].value


@router.get("/university/cases/{case_id}")
def case_page(case_id: IdPath, staff: UniDep, db: DbDep, settings: SettingsDep) -> Response:
    return _case_page(staff, db, settings, case_id)


def _on_case(staff: Staff, db: Any, settings: Any, case_id: str, anchor: str,
             act: Callable[[Any, Any], object]) -> Response:
    """``act(session, case)`` on one of the university's own cases (locked), then back to the case's
    page at ``anchor``; refused input shows the page again naming the fields (another's case: 404)."""
    try:
        with db.write() as session:
            act(session, own_case(session, staff.partner.id, case_id, lock=True))
    except Exception as exc:  # noqa: BLE001
        if isinstance(exc, HubError) and exc.status == 404:
            raise
        return _case_page(staff, db, settings, case_id, status=422, errors=errors_of(exc))
    return _back(f"/console/university/cases/{case_id}{anchor}")


@router.post("/university/cases/{case_id}")
def case_update(case_id: IdPath, staff: UniDep, form: EditDep, db: DbDep, settings: SettingsDep) -> Response:
    def act(session: Any, case: Any) -> None:
        data: dict[str, Any] = some(form, "status", "category", "education", "major", "expected_salary")
        if "plan_text" in form.fields or "plan_goals" in form.fields:
            data["plan"] = plan_fields(form)
        changes = CasePatch.model_validate(data).model_dump(mode="python", exclude_unset=True)
        update_case(session, case, changes, utcnow(), staff.actor)
    return _on_case(staff, db, settings, case_id, "", act)


@router.post("/university/cases/{case_id}/pushes")
def case_push(case_id: IdPath, staff: UniDep, form: EditDep, db: DbDep, settings: SettingsDep) -> Response:
    """One click: push the recommended job to the graduate (recorded as the staff user's push)."""
    def act(session: Any, case: Any) -> None:
        spec = PushIn.model_validate({"job_ids": form.getlist("job_id")})
        add_pushes(session, case, spec.job_ids, utcnow(), staff.actor)
    return _on_case(staff, db, settings, case_id, "#pushes", act)


@router.post("/university/cases/{case_id}/records")
def case_record(case_id: IdPath, staff: UniDep, form: EditDep, db: DbDep, settings: SettingsDep) -> Response:
    def act(session: Any, case: Any) -> None:
        spec = RecordIn.model_validate(some(form, "kind", "occurred_on", "note", "program", "result"))
        add_record(session, case, spec.model_dump(mode="python"), utcnow(), staff.actor)
    return _on_case(staff, db, settings, case_id, "#records", act)


@router.post("/university/cases/{case_id}/erase")
def case_erase(case_id: IdPath, staff: UniDep, form: EditDep, db: DbDep) -> Response:
    """Erase a case file, as ``DELETE /api/v1/cases/{id}``: its fields, pushes and records are
    destroyed; the audit log keeps who erased it and when. A manager's act only."""
    with db.write() as session:
        case = own_case(session, staff.partner.id, case_id, lock=True)  # another's case: 404 before 403
        if staff.user.role != "manager":
            raise Forbidden("Only a manager erases a case file.")
        erase_case(session, case, utcnow(), staff.actor)
    return _back("/console/university/cases")


@router.get("/university/coverage")
def coverage_page(staff: UniDep, db: DbDep, format: Format = None) -> Response:
    with db.write() as session:
        cov = coverage(session, staff.partner, utcnow(), staff.actor)
    if format:
        return export(format, COVERAGE_COLUMNS, cov["uncovered_cases"], "coverage")
    return page("coverage.html", staff=staff, coverage=cov)


@router.get("/university/audit")
def audit_page(staff: UniDep, db: DbDep, settings: SettingsDep, cursor: Cursor = None) -> Response:
    with db.read() as session:
        items, nxt = audit_entries(session, staff.partner.id, case_id=None, cursor=cursor, limit=50,
                                   secret=settings.secret_key)
        names = {u.id: f"{u.name}（{u.login}）" for u in list_users(session, staff.partner.id)}
    return page("audit.html", staff=staff, items=items, next_cursor=nxt, names=names)


def _fairs_page(staff: Staff, db: Any, settings: Any, *, status: int = 200,
                errors: list[tuple[str, str]] | None = None, values: dict[str, Any] | None = None) -> Response:
    with db.read() as session:
        rows, _ = list_fairs(session, region=None, kind=None, mode=None, when="all", now=utcnow(), cursor=None,
                             limit=100, secret=settings.secret_key, organiser_id=staff.partner.id)
        fairs = fair_documents(session, rows)
    return page("fairs.html", status=status, staff=staff, fairs=fairs, errors=errors or [], values=values or {})


@router.get("/university/fairs")
def fairs_page(staff: UniDep, db: DbDep, settings: SettingsDep) -> Response:
    return _fairs_page(staff, db, settings)


@router.post("/university/fairs")
def fair_create(staff: UniDep, form: EditDep, db: DbDep, settings: SettingsDep) -> Response:
    data: dict[str, Any] = some(form, "title", "kind", "mode", "region_code", "venue", "address", "description")
    data.update(starts_at=beijing_time(form.get("starts_at")), ends_at=beijing_time(form.get("ends_at")),
                job_ids=form.lines("job_ids"))
    try:
        spec = FairIn.model_validate({k: v for k, v in data.items() if v is not None})
        with db.write() as session:
            create_fair(session, staff.partner.id, spec.model_dump(mode="python"), utcnow())
    except Exception as exc:  # noqa: BLE001
        values = some(form, "title", "kind", "mode", "region_code", "venue", "address", "description", "starts_at",
                      "ends_at", "job_ids")
        return _fairs_page(staff, db, settings, status=422, errors=errors_of(exc), values=values)
    return _back("/console/university/fairs")


FAIR_TEXT = ("title", "kind", "mode", "region_code", "venue", "address", "description")


def _fair_edit_page(staff: Staff, db: Any, fair_id: str, *, status: int = 200,
                    errors: list[tuple[str, str]] | None = None) -> Response:
    with db.read() as session:
        fair = fair_documents(session, [own_fair(session, staff.partner.id, fair_id)])[0]
    return page("fair_edit.html", status=status, staff=staff, fair=fair, errors=errors or [], local_input=local_input)


@router.get("/university/fairs/{fair_id}")
def fair_page(fair_id: IdPath, staff: UniDep, db: DbDep) -> Response:
    """One of the university's fairs, in a form to correct it (its time, place, text and jobs)."""
    return _fair_edit_page(staff, db, fair_id)


@router.post("/university/fairs/{fair_id}")
def fair_update(fair_id: IdPath, staff: UniDep, form: EditDep, db: DbDep) -> Response:
    """The same change as ``PATCH /api/v1/fairs/{id}``: the fields sent change, the job list is replaced."""
    data: dict[str, Any] = some(form, *FAIR_TEXT)
    data.update(starts_at=beijing_time(form.get("starts_at")), ends_at=beijing_time(form.get("ends_at")))
    if "job_ids" in form.fields:
        data["job_ids"] = form.lines("job_ids")
    try:
        changes = FairPatch.model_validate({k: v for k, v in data.items() if v is not None}).model_dump(
            mode="python", exclude_unset=True)
        for cleared in ("venue", "address", "description"):
            if form.get(cleared) is None and cleared in form.fields:
                changes[cleared] = None
        with db.write() as session:
            update_fair(session, own_fair(session, staff.partner.id, fair_id), changes, utcnow())
    except Exception as exc:  # noqa: BLE001
        if isinstance(exc, HubError) and exc.status == 404:
            raise
        return _fair_edit_page(staff, db, fair_id, status=422, errors=errors_of(exc))
    return _back("/console/university/fairs")


@router.post("/university/fairs/{fair_id}/cancel")
def fair_cancel(fair_id: IdPath, staff: UniDep, form: EditDep, db: DbDep) -> Response:
    with db.write() as session:
        cancel_fair(own_fair(session, staff.partner.id, fair_id), utcnow())
    return _back("/console/university/fairs")
