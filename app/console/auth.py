"""Who is signed in to the console, the session cookie, CSRF and the posted forms.

The session cookie (``hub_console``) is HttpOnly, SameSite=Lax, Secure when the request came over
HTTPS, and scoped to ``/console``. Every POST carries the session's CSRF token in a hidden
``csrf_token`` field (synchronizer token); the sign-in form, before any session, uses a
double-submit cookie (``hub_console_pre``). A missing or wrong token is a 403.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import parse_qs

from fastapi import Depends, Request
from starlette.responses import Response

from app.api.deps import DbDep, SettingsDep
from app.errors import Forbidden, PayloadTooLarge
from app.models import Partner, StaffUser, utcnow
from app.services.case_audit import Actor
from app.services.daily_reports import Submitter
from app.services.roles import Caller
from app.services.staff import Policy, session_for_token

COOKIE = "hub_console"
PRE_COOKIE = "hub_console_pre"
PATH = "/console"
FORM_LIMIT = 64 * 1024


class SignInNeeded(Exception):
    """No live session: the console answers with a redirect to the sign-in page."""


@dataclass(frozen=True, slots=True)
class Staff:
    """The signed-in staff user, the partner it works for, and its session's CSRF token."""

    user: StaffUser
    partner: Partner
    session_id: str
    csrf: str

    @property
    def kind(self) -> str:
        return self.partner.kind

    @property
    def can_edit(self) -> bool:
        return self.user.role in ("editor", "manager")

    @property
    def caller(self) -> Caller:
        return Caller(self.partner, None, self.user.id)

    @property
    def actor(self) -> Actor:
        """The case files' audit log names the staff user."""
        return Actor("user", self.partner.id, None, self.user.id)

    @property
    def submitter(self) -> Submitter:
        return Submitter(self.partner.id, None, self.user.id)


def secure(request: Request) -> bool:
    return request.url.scheme == "https"


def set_cookie(response: Response, request: Request, name: str, value: str, max_age: int | None = None) -> None:
    response.set_cookie(name, value, max_age=max_age, path=PATH, httponly=True, secure=secure(request),
                        samesite="lax")


def clear_cookie(response: Response, request: Request, name: str) -> None:
    response.delete_cookie(name, path=PATH, httponly=True, secure=secure(request), samesite="lax")


def current_staff(request: Request, db: DbDep, settings: SettingsDep) -> Staff:
    token = request.cookies.get(COOKIE, "")
    if not token:
        raise SignInNeeded()
    with db.write() as session:
        signed = session_for_token(session, token, utcnow(), Policy.of(settings))
    if signed is None:
        raise SignInNeeded()
    return Staff(signed.user, signed.partner, signed.session_id, signed.csrf)


StaffDep = Annotated[Staff, Depends(current_staff)]


class Form:
    """A posted ``application/x-www-form-urlencoded`` body."""

    def __init__(self, fields: dict[str, list[str]]) -> None:
        self.fields = fields

    def get(self, name: str) -> str | None:
        """The first value, stripped; None when absent or blank."""
        values = self.fields.get(name)
        value = values[0].strip() if values else ""
        return value or None

    def getlist(self, name: str) -> list[str]:
        return [v.strip() for v in self.fields.get(name, []) if v.strip()]

    def lines(self, name: str) -> list[str]:
        """A textarea's non-blank lines."""
        return [line.strip() for line in (self.get(name) or "").splitlines() if line.strip()]


async def read_form(request: Request) -> Form:
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > FORM_LIMIT:
            raise PayloadTooLarge(f"The form is over {FORM_LIMIT} bytes.")
        chunks.append(chunk)
    text = b"".join(chunks).decode("utf-8", "replace")
    return Form(parse_qs(text, keep_blank_values=True, max_num_fields=200))


def same(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and secrets.compare_digest(str(a).encode(), str(b).encode())


async def posted(request: Request, staff: StaffDep) -> Form:
    """A form posted by the signed-in user, with its session's CSRF token (else 403)."""
    form = await read_form(request)
    if not same(form.get("csrf_token"), staff.csrf):
        raise Forbidden("The form's security token is missing or out of date. Reload the page and try again.")
    return form


async def edit(request: Request, staff: StaffDep) -> Form:
    """A posted form that changes something: CSRF checked, and the user an editor or manager (else 403)."""
    form = await posted(request, staff)
    if not staff.can_edit:
        raise Forbidden("Your role is read-only (viewer): ask a manager of your organisation to change it.")
    return form


PostDep = Annotated[Form, Depends(posted)]
EditDep = Annotated[Form, Depends(edit)]
