"""One write batch's state: what the road's steps know without reading it back.

``store_batch`` (``app.ingest.pipeline``) makes one ``Batch`` where the batch starts and hands it
down: the employers the road resolved or created and the partner pushing (each a round trip
otherwise, and on PostgreSQL a read also waits for every queued write, ``app.writebehind``), the
fields ``prepare`` made for jobs of one posting, and what recomputing the jobs learned. Only its
own transaction uses it, so nothing in it can go stale; a read outside a batch passes none.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import among
from app.models import Employer, Partner

from .build import Fields
from .rows import JobRow, Member


class EmployerRow(NamedTuple):
    id: str
    name: str
    credit_code: str | None
    credit_code_verified: bool


class PartnerRow(NamedTuple):
    id: str
    name: str
    kind: str


@dataclass(slots=True)
class Batch:
    """What one transaction on the road knows: see the module docstring.

    ``solo``: by posting id, the fields of a job of that posting alone (``prepare`` made them;
    see ``build_job``). ``fresh``: the jobs opened in this transaction and their members (no row,
    signature, index entry or change yet). Recomputing the jobs fills ``rows`` (every complete
    job row written), ``members`` (every recomputed job's members) and ``prior`` (for stored
    jobs, the scope of their latest change)."""

    employers: dict[str, EmployerRow] = field(default_factory=dict)
    partners: dict[str, PartnerRow] = field(default_factory=dict)
    solo: dict[str, Fields] = field(default_factory=dict)
    fresh: dict[str, list[Member]] = field(default_factory=dict)
    rows: dict[str, JobRow] = field(default_factory=dict)
    members: dict[str, list[Member]] = field(default_factory=dict)
    prior: dict[str, str | None] = field(default_factory=dict)


Row = TypeVar("Row", EmployerRow, PartnerRow)


def _held_or_read(session: Session, held: Mapping[str, Row], ids: Iterable[str], make: Callable[..., Row],
                  columns: tuple[Any, ...]) -> dict[str, Row]:
    """Rows by id: those ``held``, the rest read in one query (``columns``, id first)."""
    wanted = set(ids)
    out = {i: held[i] for i in wanted if i in held}
    if rest := wanted - out.keys():
        stmt = select(*columns).where(among(session, columns[0], rest))
        out.update({r[0]: make(*r) for r in session.execute(stmt)})
    return out


def employers(session: Session, ids: Iterable[str], batch: Batch | None = None) -> dict[str, EmployerRow]:
    """These employers' rows (those the batch holds are not read)."""
    return _held_or_read(session, batch.employers if batch else {}, ids, EmployerRow,
                         (Employer.id, Employer.name, Employer.credit_code, Employer.credit_code_verified))


def partners(session: Session, ids: Iterable[str], batch: Batch | None = None) -> dict[str, PartnerRow]:
    """These partners' (id, name, kind) (those the batch holds are not read)."""
    return _held_or_read(session, batch.partners if batch else {}, ids, PartnerRow,
                         (Partner.id, Partner.name, Partner.kind))
