"""Staff users of a partner (the operators' console): the partner itself or the hub's admin creates,
lists, changes and disables them. API keys stay for machines; people sign in at ``/console``."""

from __future__ import annotations

import secrets
from typing import Any

from fastapi import APIRouter

from app.errors import NotFound
from app.models import utcnow
from app.schemas.common import IdPath, problem_responses
from app.schemas.staff import (
    StaffUserCreated,
    StaffUserIn,
    StaffUserList,
    StaffUserOut,
    StaffUserPatch,
)
from app.services.partners import get_partner
from app.services.staff import create_user, list_users, own_user, update_user, user_document

from .campaign_deps import ReaderDep
from .deps import DbDep

router = APIRouter(prefix="/api/v1/partners/{partner_id}/staff-users", tags=["partners"])
ERRORS = problem_responses(401, 403, 404, 409, 422)


def _check(caller: Any, session: Any, partner_id: str) -> None:
    """The admin token for any partner, a partner key for its own; any other partner is a 404."""
    if caller is not None and caller.id != partner_id:
        raise NotFound("no such partner")
    if get_partner(session, partner_id) is None:
        raise NotFound("no such partner")


@router.post("", status_code=201, response_model=StaffUserCreated, responses=ERRORS,
             summary="Create a staff user of the partner (its own key, or the admin token)")
def post_staff_user(partner_id: IdPath, body: StaffUserIn, caller: ReaderDep, db: DbDep) -> dict[str, Any]:
    """Create a person who signs in to the operators' console for this partner, with a role inside it.
    Leave out `password` and the hub generates one, returned in this answer only. A login already
    taken is a 409."""
    generated = None if body.password else secrets.token_urlsafe(12)
    with db.write() as session:
        _check(caller, session, partner_id)
        user = create_user(session, partner_id, login=body.login, name=body.name, role=body.role,
                           password=body.password or generated or "", now=utcnow())
        return {**user_document(user), "password": generated}


@router.get("", response_model=StaffUserList, responses=problem_responses(401, 403, 404, 422),
            summary="List the partner's staff users (its own key, or the admin token)")
def get_staff_users(partner_id: IdPath, caller: ReaderDep, db: DbDep) -> dict[str, Any]:
    """The partner's staff users by login, with role, whether disabled or locked, and last sign-in."""
    with db.read() as session:
        _check(caller, session, partner_id)
        return {"items": [user_document(u) for u in list_users(session, partner_id)]}


@router.patch("/{user_id}", response_model=StaffUserOut, responses=ERRORS,
              summary="Change a staff user's role, name or password, or disable it")
def patch_staff_user(partner_id: IdPath, user_id: IdPath, body: StaffUserPatch, caller: ReaderDep,
                     db: DbDep) -> dict[str, Any]:
    """Change the fields sent. `disabled: true` ends the user's sessions at once and refuses sign-in;
    a new `password` ends its sessions and lifts a lockout. Another partner's user is a 404."""
    with db.write() as session:
        _check(caller, session, partner_id)
        user = update_user(session, own_user(session, partner_id, user_id),
                           body.model_dump(exclude_unset=True), utcnow())
        return user_document(user)
