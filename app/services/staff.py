"""Staff users of a partner and their console sessions: create, list, change, sign in, sign out.

Passwords are hashed with argon2id (argon2-cffi's defaults). A wrong password, an unknown login,
a disabled user and a locked one get the same answer (``None``) after the same work (an unknown
login still verifies against a dummy hash). ``HUB_CONSOLE_LOCKOUT_ATTEMPTS`` wrong passwords in a
row lock the user for ``HUB_CONSOLE_LOCKOUT_MINUTES``. A session is a random token in an HttpOnly
cookie; only its SHA-256 is stored, with the session's CSRF token and a sliding expiry capped at
``HUB_CONSOLE_SESSION_MAX_HOURS`` after sign-in.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.errors import Conflict, NotFound, ValidationFailed, field_error
from app.models import Partner, StaffSession, StaffUser

from .campaign import iso

MIN_PASSWORD = 10


@dataclass(frozen=True, slots=True)
class Policy:
    """Session lifetimes and the lockout, from the settings."""

    idle: timedelta = timedelta(minutes=30)
    max_age: timedelta = timedelta(hours=12)
    attempts: int = 5
    lockout: timedelta = timedelta(minutes=15)

    @classmethod
    def of(cls, settings: Any) -> Policy:
        return cls(timedelta(minutes=settings.console_session_idle_minutes),
                   timedelta(hours=settings.console_session_max_hours), settings.console_lockout_attempts,
                   timedelta(minutes=settings.console_lockout_minutes))


@cache
def hasher() -> PasswordHasher:
    return PasswordHasher()


@cache
def _dummy_hash() -> str:
    return hasher().hash(secrets.token_urlsafe(16))


def _verify(hashed: str, password: str) -> bool:
    try:
        return hasher().verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False


def normal_login(login: str) -> str:
    return login.strip().lower()


def _check_password(password: str, field: str = "password") -> None:
    if len(password) < MIN_PASSWORD:
        raise ValidationFailed("The password is too short.",
                               errors=[field_error(field, f"at least {MIN_PASSWORD} characters")])


def create_user(session: Session, partner_id: str, *, login: str, name: str, role: str, password: str,
                now: datetime) -> StaffUser:
    """A new staff user of the partner; a login already taken (by anyone) is a 409."""
    _check_password(password)
    user = StaffUser(partner_id=partner_id, login=normal_login(login), name=name.strip(), role=role,
                     password_hash=hasher().hash(password), failed_attempts=0, created_at=now, updated_at=now)
    try:
        with session.begin_nested():
            session.add(user)
            session.flush()
    except IntegrityError:
        raise Conflict("This login is taken.", errors=[field_error("login", "already in use")]) from None
    return user


def list_users(session: Session, partner_id: str) -> list[StaffUser]:
    return list(session.execute(select(StaffUser).where(StaffUser.partner_id == partner_id)
                                .order_by(StaffUser.login)).scalars())


def own_user(session: Session, partner_id: str, user_id: str) -> StaffUser:
    """A staff user of this partner; any other is a 404."""
    user = session.execute(select(StaffUser).where(StaffUser.id == user_id, StaffUser.partner_id == partner_id)
                           ).scalar_one_or_none()
    if user is None:
        raise NotFound("no such staff user")
    return user


def update_user(session: Session, user: StaffUser, changes: dict[str, Any], now: datetime) -> StaffUser:
    """Change the role, name or password, or disable/enable. Disabling or a new password ends the
    user's sessions; a new password also lifts a lockout."""
    if changes.get("role") is not None:
        user.role = changes["role"]
    if changes.get("name") is not None:
        user.name = changes["name"].strip()
    end_sessions = False
    if changes.get("password") is not None:
        _check_password(changes["password"])
        user.password_hash = hasher().hash(changes["password"])
        user.failed_attempts, user.locked_until = 0, None
        end_sessions = True
    if changes.get("disabled") is not None:
        user.disabled_at = (user.disabled_at or now) if changes["disabled"] else None
        end_sessions = end_sessions or bool(changes["disabled"])
    if end_sessions:
        session.execute(delete(StaffSession).where(StaffSession.user_id == user.id))
    user.updated_at = now
    session.flush()
    return user


def user_document(user: StaffUser) -> dict[str, Any]:
    return {"id": user.id, "partner_id": user.partner_id, "login": user.login, "name": user.name, "role": user.role,
            "disabled": user.disabled_at is not None, "locked_until": iso(user.locked_until),
            "last_sign_in_at": iso(user.last_sign_in_at), "created_at": iso(user.created_at)}


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def check_credentials(session: Session, login: str, password: str, now: datetime, policy: Policy
                      ) -> StaffUser | None:
    """The user if the password is right and the user may sign in; else None (always the same answer,
    after an argon2 verification either way). A wrong password counts toward the lockout."""
    user = session.execute(select(StaffUser).where(StaffUser.login == normal_login(login)).with_for_update()
                           ).scalar_one_or_none() if len(login) <= 100 else None
    if user is None:
        _verify(_dummy_hash(), password)
        return None
    ok = _verify(user.password_hash, password)
    if user.disabled_at is not None or (user.locked_until is not None and user.locked_until > now):
        return None
    if not ok:
        user.failed_attempts += 1
        if user.failed_attempts >= policy.attempts:
            user.failed_attempts, user.locked_until = 0, now + policy.lockout
        return None
    user.failed_attempts, user.locked_until, user.last_sign_in_at = 0, None, now
    if hasher().check_needs_rehash(user.password_hash):
        user.password_hash = hasher().hash(password)
    return user


def open_session(session: Session, user: StaffUser, now: datetime, policy: Policy) -> tuple[str, str]:
    """A new session for the user: (cookie token, CSRF token)."""
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    session.add(StaffSession(token_hash=token_hash(token), user_id=user.id, csrf_token=csrf, created_at=now,
                             last_seen_at=now, expires_at=min(now + policy.idle, now + policy.max_age)))
    session.flush()
    return token, csrf


@dataclass(frozen=True, slots=True)
class SignedIn:
    session_id: str
    csrf: str
    user: StaffUser
    partner: Partner


def session_for_token(session: Session, token: str, now: datetime, policy: Policy) -> SignedIn | None:
    """The live session of a cookie token (its expiry slid forward), or None."""
    if not token or len(token) > 100:
        return None
    row = session.execute(select(StaffSession, StaffUser, Partner)
                          .join(StaffUser, StaffUser.id == StaffSession.user_id)
                          .join(Partner, Partner.id == StaffUser.partner_id)
                          .where(StaffSession.token_hash == token_hash(token))).first()
    if row is None:
        return None
    live, user, partner = row
    if live.expires_at <= now or user.disabled_at is not None:
        session.delete(live)
        return None
    if now - live.last_seen_at > timedelta(minutes=1):  # slide at most once a minute
        live.last_seen_at = now
        live.expires_at = min(now + policy.idle, live.created_at + policy.max_age)
    return SignedIn(live.id, live.csrf_token, user, partner)


def end_session(session: Session, token: str) -> None:
    if token and len(token) <= 100:
        session.execute(delete(StaffSession).where(StaffSession.token_hash == token_hash(token)))


def purge_sessions(session: Session, now: datetime) -> int:
    """Delete expired sessions; how many."""
    result = session.execute(delete(StaffSession).where(StaffSession.expires_at <= now))
    return int(getattr(result, "rowcount", 0) or 0)
