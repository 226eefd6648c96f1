"""Employers as first-class records: identity, and every name they were seen under.

Identity is the verified unified social credit code, else the normalised name
(``employer_name_key``). A posting that gives only a name joins the one employer
with a verified code already known under that name key, if there is exactly one;
so "腾讯科技(深圳)有限公司" without a code meets the record that has one.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol, cast

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from app.bulk import insert_rows
from app.db import among
from app.jobs.batch import Batch, EmployerRow
from app.jobs.rows import PostingDoc
from app.models import Employer, EmployerName, new_id

from .names import employer_name_key
from .queries import chunks, dialect

EMPLOYERS = cast(Table, Employer.__table__)
NAMES = cast(Table, EmployerName.__table__)


class HasEmployer(Protocol):
    employer_key: str
    data: PostingDoc


def resolve_employers(session: Session, batch: Batch, items: Sequence[HasEmployer], now: datetime) -> dict[str, str]:
    """Find or create the employers named in ``items``; returns identity key → employer id. The
    batch holds the rows of every employer found or made, for the batch's later steps."""
    rows: dict[str, dict[str, Any]] = {}
    names: dict[str, str] = {}  # display name → name key
    for item in items:
        emp = item.data["employer"]
        names.setdefault(emp["name"], employer_name_key(emp["name"]))
        rows.setdefault(item.employer_key, {
            "id": new_id(), "identity_key": item.employer_key, "name": emp["name"],
            "credit_code": emp["credit_code"], "credit_code_verified": emp["credit_code_verified"],
            "type": emp["type"], "created_at": now, "updated_at": now,
        })
    known = _variants(session, sorted(set(names.values())))
    found: dict[str, str] = {}
    for key, row in rows.items():
        if row["credit_code_verified"]:
            continue
        verified = {emp_id for emp_id, _name, ok in known.get(names[row["name"]], ()) if ok}
        if len(verified) == 1:
            found[key] = verified.pop()
    keys = sorted(k for k in rows if k not in found)
    found.update(_employer_ids(session, batch, keys))
    missing = [rows[k] for k in keys if k not in found]
    if missing:
        created = dialect(session).new_employers(missing)  # the keys this writer inserted
        if created:
            by_key = {r["identity_key"]: r for r in missing}
            batch.employers.update((by_key[k]["id"], EmployerRow(
                by_key[k]["id"], by_key[k]["name"], by_key[k]["credit_code"], by_key[k]["credit_code_verified"]))
                for k in created)
            found.update({k: by_key[k]["id"] for k in created})
        lost = [r["identity_key"] for r in missing if r["identity_key"] not in found]
        found.update(_employer_ids(session, batch, lost))
    _record_names(session, items, found, names, known, now)
    return found


def _variants(session: Session, name_keys: list[str]) -> dict[str, list[tuple[str, str, bool]]]:
    """name key → [(employer id, name, employer verified)] already on record."""
    out: dict[str, list[tuple[str, str, bool]]] = {}
    for chunk in chunks(name_keys):
        stmt = (select(NAMES.c.name_key, NAMES.c.employer_id, NAMES.c.name, EMPLOYERS.c.credit_code_verified)
                .join(EMPLOYERS, EMPLOYERS.c.id == NAMES.c.employer_id)
                .where(among(session, NAMES.c.name_key, chunk, hashed=True)))
        for key, emp_id, name, ok in session.execute(stmt):
            out.setdefault(key, []).append((emp_id, name, bool(ok)))
    return out


def _employer_ids(session: Session, batch: Batch, keys: list[str]) -> dict[str, str]:
    """identity key → id of the employers on record (their rows kept in the batch)."""
    out: dict[str, str] = {}
    for chunk in chunks(keys):
        rows = session.execute(select(EMPLOYERS.c.identity_key, EMPLOYERS.c.id, EMPLOYERS.c.name,
                                      EMPLOYERS.c.credit_code, EMPLOYERS.c.credit_code_verified)
                               .where(among(session, EMPLOYERS.c.identity_key, chunk, hashed=True))).all()
        batch.employers.update((r.id, EmployerRow(r.id, r.name, r.credit_code, r.credit_code_verified)) for r in rows)
        out.update({r.identity_key: r.id for r in rows})
    return out


def _record_names(session: Session, items: Sequence[HasEmployer], ids: dict[str, str], names: dict[str, str],
                  known: dict[str, list[tuple[str, str, bool]]], now: datetime) -> None:
    """Remember each (employer, name) pair not seen before."""
    seen = {(emp_id, name) for rows in known.values() for emp_id, name, _ in rows}
    new: dict[tuple[str, str], dict[str, Any]] = {}
    for item in items:
        name = item.data["employer"]["name"]
        pair = (ids[item.employer_key], name)
        if pair not in seen and pair not in new:
            new[pair] = {"employer_id": pair[0], "name": name[:300], "name_key": names[name][:300],
                         "first_seen_at": now}
    if new:
        insert_rows(session, NAMES, [new[k] for k in sorted(new)], conflict=["employer_id", "name"])


def employer_names(session: Session, employer_id: str) -> list[dict[str, Any]]:
    """Every name an employer was seen under, oldest first."""
    rows = session.execute(select(NAMES.c.name, NAMES.c.name_key, NAMES.c.first_seen_at)
                           .where(NAMES.c.employer_id == employer_id)
                           .order_by(NAMES.c.first_seen_at, NAMES.c.name))
    return [{"name": r.name, "name_key": r.name_key, "first_seen_at": r.first_seen_at} for r in rows]
