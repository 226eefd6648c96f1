"""Jinja2 rendering (autoescaped) and the headers every page carries."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from starlette.responses import HTMLResponse

from . import labels, view
from .assets import asset_url

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'none'")
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
}
PAGE_CACHE = "public, max-age=60"
NO_STORE = "no-store"

env = Environment(
    loader=FileSystemLoader(Path(__file__).resolve().parent / "templates"),
    autoescape=True, trim_blocks=True, lstrip_blocks=True, undefined=StrictUndefined,
)
env.globals.update(asset=asset_url, L=labels)
env.filters.update(
    highlight=view.highlight, snippet=view.snippet, salary=view.salary_text, places=view.places_text,
    place=view.place_text, day=view.date_text, safe_url=view.safe_url, label=view.label,
    description=view.description_text,
)


def page(template: str, *, status: int = 200, cache: str = PAGE_CACHE, data_ms: float | None = None,
         **context: Any) -> HTMLResponse:
    """A rendered page with the security headers (``text/html; charset=utf-8``).

    ``Server-Timing`` tells how long the data (``data``) and the template (``render``) took.
    """
    start = time.perf_counter()
    body = env.get_template(template).render(**context)
    timing = f"render;dur={(time.perf_counter() - start) * 1000:.2f}"
    if data_ms is not None:
        timing = f"data;dur={data_ms:.2f}, {timing}"
    return HTMLResponse(body, status_code=status,
                        headers={**SECURITY_HEADERS, "Cache-Control": cache, "Server-Timing": timing})


def error_page(status: int, title: str, message: str, *,
               errors: list[tuple[str, str]] | None = None, back: str = "/") -> HTMLResponse:
    """The friendly 404/422/… page."""
    return page("error.html", status=status, cache=NO_STORE, title=title, message=message,
                errors=errors or [], back=back, code=status)
