"""Shared pieces of the campaign services: region keys, Beijing days, job-id checks, keyset cursors."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from app.cursor import decode_cursor, encode_cursor
from app.errors import ValidationFailed, field_error
from app.models import Job
from app.normalize import ancestors, region_by_code

BEIJING = timezone(timedelta(hours=8))


def region_keys(code: str | None) -> str:
    """``" 440305 440300 440000 "``: the code and its ancestors, for ``LIKE '% 440000 %'`` filters."""
    codes = ancestors(code) if code else []
    return " " + " ".join(codes) + " " if codes else " "


def in_region(column: Any, code: str) -> ColumnElement[bool]:
    """Rows whose ``region_keys`` column lies inside ``code`` (itself, or a city/province above)."""
    return column.like(f"% {code} %")


# The days a campaign's date filters may name: far wider than any fair or report, and inside what a
# datetime can be shifted by a time zone (0001-01-01 and 9999-12-31 cannot: OverflowError).
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)


def check_days(**days: date | None) -> None:
    """422 naming the first of ``days`` (name=value) that lies outside ``FIRST_DAY``..``LAST_DAY``."""
    for name, day in days.items():
        if day is not None and not FIRST_DAY <= day <= LAST_DAY:
            raise ValidationFailed("A date is out of range.",
                                   errors=[field_error(name, f"must lie between {FIRST_DAY} and {LAST_DAY}")])


def beijing_day(day: date) -> tuple[datetime, datetime]:
    """The UTC bounds ``[start, end)`` of a Beijing calendar day."""
    start = datetime.combine(day, time(), BEIJING)
    return start.astimezone(UTC), (start + timedelta(days=1)).astimezone(UTC)


def today_in_beijing(now: datetime) -> date:
    return now.astimezone(BEIJING).date()


def at_beijing(day: date, hhmm: str) -> datetime:
    """``HH:MM`` Beijing time on ``day``, in UTC."""
    hour, minute = (int(p) for p in hhmm.split(":"))
    return datetime.combine(day, time(hour, minute), BEIJING).astimezone(UTC)


def province_of(code: str | None) -> str | None:
    """The province (e.g. 440000) a GB/T 2260 code lies in; None for none or an unknown code."""
    region = region_by_code(code) if code else None
    return region.province_code if region else None


def check_not_future(day: date, now: datetime, field: str) -> None:
    """A 422 naming ``field`` for a Beijing day after today."""
    if day > today_in_beijing(now):
        raise ValidationFailed("The date is in the future.",
                               errors=[field_error(field, "must be no later than today (Beijing)")])


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def check_job_ids(session: Session, job_ids: list[str], field: str = "job_ids",
                  *, open_only: bool = False) -> list[str]:
    """The ids without repeats, in order; a 422 naming ``job_ids[i]`` for each unknown (or closed) one."""
    unique = list(dict.fromkeys(job_ids))
    found: dict[str, str] = {}
    for i in range(0, len(unique), 500):
        found.update(dict(session.execute(
            select(Job.id, Job.status).where(Job.id.in_(unique[i:i + 500]))).all()))
    errors = []
    for i, job_id in enumerate(job_ids):
        if job_id not in found:
            errors.append(field_error(f"{field}[{i}]", f"no job with id {job_id[:64]!r}", "not_found"))
        elif open_only and found[job_id] != "open":
            errors.append(field_error(f"{field}[{i}]", "the job is closed", "closed"))
    if errors:
        raise ValidationFailed("Some jobs are not known to the hub; see errors.", errors=errors)
    return unique


def cursor_key(cursor: str | None, secret: str, kind: str) -> tuple[str, str] | None:
    """A keyset position ``(sort value, id)`` from an opaque cursor made by ``make_cursor``."""
    if not cursor:
        return None
    value = decode_cursor(cursor, secret)
    if not (isinstance(value, dict) and value.get("t") == kind and isinstance(value.get("k"), list)
            and len(value["k"]) == 2 and all(isinstance(v, str) for v in value["k"])):
        raise ValidationFailed("The cursor is not valid.", errors=[field_error("cursor", "not a cursor of this list")])
    return value["k"][0], value["k"][1]


def make_cursor(kind: str, sort_value: str, row_id: str, secret: str) -> str:
    return encode_cursor({"t": kind, "k": [sort_value, row_id]}, secret)


def parse_ts(value: str) -> datetime:
    """A cursor's stored timestamp (cursors are signed, so this only fails on our own bugs)."""
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise ValidationFailed("The cursor is not valid.", errors=[field_error("cursor", "bad position")]) from None
