"""The console's pages: Jinja2 (autoescaped), its stylesheet, never cached (the pages are private)."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta, timezone
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from starlette.responses import HTMLResponse, Response

from app.web.render import SECURITY_HEADERS

from . import labels

HERE = Path(__file__).resolve().parent
NO_STORE = "no-store"


@cache
def stylesheet() -> tuple[bytes, str]:
    body = (HERE / "static" / "console.css").read_bytes()
    return body, hashlib.sha256(body).hexdigest()[:12]


def asset(name: str) -> str:
    return f"/console/static/console.{stylesheet()[1]}.css"


def static_response(name: str) -> Response:
    body, digest = stylesheet()
    if name not in ("console.css", f"console.{digest}.css"):
        return Response(b"not found", status_code=404, media_type="text/plain")
    cache_control = "public, max-age=31536000, immutable" if digest in name else "public, max-age=300"
    return Response(body, media_type="text/css; charset=utf-8",
                    headers={**SECURITY_HEADERS, "Cache-Control": cache_control})


BEIJING = timezone(timedelta(hours=8))


def beijing(value: Any) -> str:
    """A timestamp (ISO text or datetime) as Beijing time, to the minute."""
    if not value:
        return "—"
    when = datetime.fromisoformat(value) if isinstance(value, str) else value
    return str(when.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M"))


def pct(value: float | None) -> str:
    return "—" if value is None else f"{round(value * 100)}%"


def bar_width(done: int | float, target: int | float) -> int:
    """Percent of a bar to fill (0–100)."""
    return 100 if target <= 0 else max(0, min(100, round(done * 100 / target)))


env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True, trim_blocks=True, lstrip_blocks=True,
                  undefined=StrictUndefined)
env.globals.update(asset=asset, L=labels, bar_width=bar_width)
env.filters.update(pct=pct, ts=beijing)


class Values(dict[str, Any]):
    """A form's values: a field never filled in reads as None (the templates are strict otherwise)."""

    def __missing__(self, key: str) -> None:
        return None


def page(template: str, *, status: int = 200, **context: Any) -> HTMLResponse:
    if "values" in context:
        context["values"] = Values(context["values"] or {})
    body = env.get_template(template).render(**context)
    return HTMLResponse(body, status_code=status, headers={**SECURITY_HEADERS, "Cache-Control": NO_STORE})


def error_page(status: int, title: str, message: str, staff: Any = None,
               errors: list[tuple[str, str]] | None = None) -> HTMLResponse:
    return page("error.html", status=status, title=title, message=message, staff=staff, errors=errors or [],
                code=status)
