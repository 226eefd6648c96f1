"""Signing in and out, the home page of each role, and a manager's staff list."""

from __future__ import annotations

import asyncio
import secrets
from typing import Annotated, Any

from fastapi import Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from app.api.deps import DbDep, SettingsDep
from app.errors import Forbidden, HubError, ValidationFailed, field_error
from app.models import STAFF_ROLES, utcnow
from app.schemas.common import IdPath, SafeStr
from app.services.staff import (
    Policy,
    check_credentials,
    create_user,
    end_session,
    list_users,
    normal_login,
    open_session,
    own_user,
    update_user,
)

from . import throttle
from .auth import COOKIE, PRE_COOKIE, EditDep, StaffDep, clear_cookie, read_form, same, set_cookie
from .render import page, static_response
from .routing import console_router

router = console_router()
GENERIC = "账号或密码不正确；多次输错后账号会暂时锁定，请稍后再试。"


def safe_next(target: str | None) -> str:
    """Only a path inside the console (no other site, no scheme)."""
    if target and target.startswith("/console") and not target.startswith("//") and "\\" not in target:
        return target
    return "/console"


def _sign_in_page(request: Request, status: int = 200, error: str | None = None, login: str = "",
                  next_: str = "/console") -> Response:
    token = request.cookies.get(PRE_COOKIE) or secrets.token_urlsafe(32)
    response = page("sign_in.html", status=status, staff=None, csrf=token, error=error, login=login, next=next_)
    set_cookie(response, request, PRE_COOKIE, token, max_age=3600)
    return response


@router.get("/sign-in")
def sign_in_form(request: Request, next: Annotated[SafeStr | None, Query(max_length=2000)] = None) -> Response:
    return _sign_in_page(request, next_=safe_next(next))


@router.post("/sign-in")
async def sign_in(request: Request, db: DbDep, settings: SettingsDep) -> Response:
    """Check the password; on success a new session (the old cookie's session, if any, ends: the
    cookie rotates at sign-in)."""
    form = await read_form(request)
    if not same(form.get("csrf_token"), request.cookies.get(PRE_COOKIE)):
        raise Forbidden("The sign-in form's security token is missing or out of date. Reload the page.")
    login = form.get("login") or ""
    password = (form.fields.get("password") or [""])[0]
    key = normal_login(login)[:100]
    wait = throttle.delay(key, settings.console_signin_backoff_s)
    if wait:
        await asyncio.sleep(wait)
    old = request.cookies.get(COOKIE, "")

    def work() -> str | None:
        now = utcnow()
        policy = Policy.of(settings)
        with db.write() as session:
            user = check_credentials(session, login, password, now, policy)
            if user is None:
                return None
            end_session(session, old)
            return open_session(session, user, now, policy)[0]

    token = await run_in_threadpool(work)
    if token is None:
        throttle.failed(key)
        return _sign_in_page(request, 401, GENERIC, login[:100], safe_next(form.get("next")))
    throttle.succeeded(key)
    response = RedirectResponse(safe_next(form.get("next")), status_code=303)
    set_cookie(response, request, COOKIE, token)
    clear_cookie(response, request, PRE_COOKIE)
    return response


@router.post("/sign-out")
async def sign_out(request: Request, staff: StaffDep, db: DbDep) -> Response:
    form = await read_form(request)
    if not same(form.get("csrf_token"), staff.csrf):
        raise Forbidden("The form's security token is missing or out of date. Reload the page and try again.")
    with db.write() as session:
        end_session(session, request.cookies.get(COOKIE, ""))
    response = RedirectResponse("/console/sign-in", status_code=303)
    clear_cookie(response, request, COOKIE)
    return response


@router.get("/static/{name}")
def console_static(name: IdPath) -> Response:
    return static_response(name)


@router.get("")
def home(staff: StaffDep) -> Response:
    target = {"university": "/console/university", "provincial_platform": "/console/province",
              "national": "/console/ministry"}.get(staff.kind)
    if target is None:
        return page("other.html", staff=staff)
    return RedirectResponse(target, status_code=303)


def _manager(staff: Any) -> None:
    if staff.user.role != "manager":
        raise Forbidden("Only a manager of your organisation manages its staff users.")


@router.get("/staff")
def staff_list(staff: StaffDep, db: DbDep) -> Response:
    _manager(staff)
    with db.read() as session:
        users = list_users(session, staff.partner.id)
    return page("staff.html", staff=staff, users=users, roles=STAFF_ROLES, errors=[], values={})


@router.post("/staff")
def staff_create(staff: StaffDep, form: EditDep, db: DbDep) -> Response:
    _manager(staff)
    values = {k: form.get(k) or "" for k in ("login", "name", "role")}
    try:
        if values["role"] not in STAFF_ROLES:
            raise ValidationFailed("Unknown role.", errors=[field_error("role", "viewer, editor or manager")])
        with db.write() as session:
            create_user(session, staff.partner.id, login=values["login"][:100], name=values["name"][:100] or
                        values["login"][:100], role=values["role"], password=form.get("password") or "", now=utcnow())
    except HubError as exc:
        with db.read() as session:
            users = list_users(session, staff.partner.id)
        errors = [(e["field"], e["message"]) for e in exc.errors or []] or [("", exc.detail)]
        return page("staff.html", status=exc.status, staff=staff, users=users,
                    roles=STAFF_ROLES, errors=errors, values=values)
    return RedirectResponse("/console/staff", status_code=303)


@router.post("/staff/{user_id}")
def staff_update(user_id: IdPath, staff: StaffDep, form: EditDep, db: DbDep) -> Response:
    _manager(staff)
    changes: dict[str, Any] = {}
    if form.get("role") in STAFF_ROLES:
        changes["role"] = form.get("role")
    if form.get("disabled") in ("0", "1"):
        changes["disabled"] = form.get("disabled") == "1"
    if user_id == staff.user.id and (changes.get("disabled") or changes.get("role", "manager") != "manager"):
        raise Forbidden("You cannot disable yourself or give up your own manager role.")
    with db.write() as session:
        update_user(session, own_user(session, staff.partner.id, user_id), changes, utcnow())
    return RedirectResponse("/console/staff", status_code=303)
