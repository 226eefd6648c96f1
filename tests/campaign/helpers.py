"""Campaign test helpers."""

from __future__ import annotations

from typing import Any

from tests.conftest import make_posting


def job(external_id: str, title: str, region: str, employer: str, credit_code: str | None = None,
        **overrides: Any) -> dict[str, Any]:
    """A posting with its own title, place and employer (so dedup keeps them apart)."""
    emp: dict[str, Any] = {"name": employer, "type": "private"}
    if credit_code:
        emp["credit_code"] = credit_code
    return make_posting(external_id, title=title, employer=emp, locations=[{"region_code": region}], **overrides)
