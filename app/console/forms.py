"""Turning posted forms into the API's own input models, and their errors into (field, message) pairs.

The console validates with the same Pydantic models as the API (``VisitIn``, ``CaseIn``, …), so a
rule is written once.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pydantic

from app.errors import HubError, pydantic_errors

from .auth import Form

BEIJING = timezone(timedelta(hours=8))
Errors = list[tuple[str, str]]


def errors_of(exc: Exception) -> Errors:
    if isinstance(exc, pydantic.ValidationError):
        return [(e["field"], e["message"]) for e in pydantic_errors(list(exc.errors()))]
    if isinstance(exc, HubError):
        return [(e.get("field", ""), e.get("message", "")) for e in exc.errors or []] or [("", exc.detail)]
    raise exc


def beijing_time(value: str | None) -> str | None:
    """``2026-05-09T10:00`` (a datetime-local field, Beijing) as RFC 3339 text; other text as it is."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return value
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=BEIJING)).isoformat()


def local_input(value: Any) -> str:
    """A stored datetime (or ISO text) as a datetime-local field's value, in Beijing time."""
    if not value:
        return ""
    when = datetime.fromisoformat(value) if isinstance(value, str) else value
    return str(when.astimezone(BEIJING).strftime("%Y-%m-%dT%H:%M"))


def some(form: Form, *names: str) -> dict[str, Any]:
    """The named fields that were filled in."""
    return {n: form.get(n) for n in names if form.get(n) is not None}


def flag(form: Form, name: str) -> bool | None:
    value = form.get(name)
    return None if value in (None, "auto") else value == "yes"


def visit_fields(form: Form) -> dict[str, Any]:
    data = some(form, "employer_name", "credit_code", "leader_name", "leader_title", "region_code",
                "jobs_promised", "notes", "employer_size")
    data["visited_at"] = beijing_time(form.get("visited_at"))
    data["new_employer"] = flag(form, "new_employer")
    return data


def plan_fields(form: Form) -> dict[str, Any]:
    return {"text": form.get("plan_text"), "goals": form.lines("plan_goals")}


def case_fields(form: Form) -> dict[str, Any]:
    data = some(form, "student_ref", "category", "education", "major", "expected_salary", "status",
                "graduation_year")
    data["region_codes"] = form.getlist("region_codes") or [c for c in (form.get("region_code"),) if c]
    data["job_types"] = form.getlist("job_types")
    data["plan"] = plan_fields(form)
    return data
