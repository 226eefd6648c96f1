"""A job's subscription scope: the keys a change-feed or webhook filter matches on."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from app.normalize import ancestors


def scope_of(locations: Iterable[Mapping[str, Any]] | None, industry: str | None, job_type: str | None) -> str:
    """The keys a subscription filter matches on, as ``" r:440305 r:440300 r:440000 i:I t:full_time "``."""
    keys: list[str] = []
    for loc in locations or ():
        code = loc.get("region_code") if isinstance(loc, dict) else None
        if code:
            keys.extend(f"r:{c}" for c in ancestors(code) if f"r:{c}" not in keys)
    if industry:
        keys.append(f"i:{industry}")
    if job_type:
        keys.append(f"t:{job_type}")
    return " " + " ".join(keys) + " "
