"""Rows a write transaction already holds, kept on its session so that later steps of the same
transaction need not read them back: the employers the road in resolved or created, the partner
pushing. Each costs a round trip otherwise, and on PostgreSQL a read also waits for every queued
write (``app.writebehind``). Only the session's own transaction uses them, so they cannot go stale
under it; another session starts empty and reads."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import among
from app.models import Employer, Partner

_EMPLOYERS = "hub_known_employers"
_PARTNERS = "hub_known_partners"


class EmployerRow(NamedTuple):
    id: str
    name: str
    credit_code: str | None
    credit_code_verified: bool


class PartnerRow(NamedTuple):
    id: str
    name: str
    kind: str


def remember_employers(session: Session, rows: Iterable[EmployerRow]) -> None:
    session.info.setdefault(_EMPLOYERS, {}).update({r.id: r for r in rows})


def remember_partners(session: Session, rows: Mapping[str, tuple[str, str]]) -> None:
    known = session.info.setdefault(_PARTNERS, {})
    known.update({pid: PartnerRow(pid, name, kind) for pid, (name, kind) in rows.items()})


def _held_or_read(session: Session, slot: str, ids: Iterable[str], row: Any, columns: tuple[Any, ...]
                  ) -> dict[str, Any]:
    """Rows by id: those remembered in ``slot``, the rest read in one query (``columns``, id first)."""
    known: dict[str, Any] = session.info.get(slot, {})
    wanted = set(ids)
    out = {i: known[i] for i in wanted if i in known}
    if rest := wanted - out.keys():
        stmt = select(*columns).where(among(session, columns[0], rest))
        out.update({r[0]: row(*r) for r in session.execute(stmt)})
    return out


def employers(session: Session, ids: Iterable[str]) -> dict[str, EmployerRow]:
    """These employers' rows."""
    return _held_or_read(session, _EMPLOYERS, ids, EmployerRow,
                         (Employer.id, Employer.name, Employer.credit_code, Employer.credit_code_verified))


def partners(session: Session, ids: Iterable[str]) -> dict[str, PartnerRow]:
    """These partners' (id, name, kind)."""
    return _held_or_read(session, _PARTNERS, ids, PartnerRow, (Partner.id, Partner.name, Partner.kind))
