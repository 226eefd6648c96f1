"""The students' pages: server-rendered search, job and employer pages (``web.install(app)``)."""

from __future__ import annotations

from fastapi import FastAPI

from .discovery import router as discovery_router
from .errors import install_page_errors
from .fair_pages import router as fair_router
from .routes import router


def install(app: FastAPI) -> None:
    """Add the pages and their friendly error pages (after the API's error handlers)."""
    app.include_router(router)
    app.include_router(fair_router)
    app.include_router(discovery_router)
    install_page_errors(app)


__all__ = ["install", "router"]
