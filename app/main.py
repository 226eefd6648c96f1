"""create_app(): routers, middleware, lifespan. Nothing else."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

from fastapi import FastAPI

from app import __version__, apidocs, web
from app.api import (
    cases,
    changes,
    dedup,
    exports,
    fairs,
    jobs,
    ops,
    oversight,
    partners,
    postings,
    reports,
    rules,
    sources,
    visits,
    webhooks,
)
from app.config import Settings, get_settings
from app.db import Database
from app.errors import install_error_handlers
from app.hosts import TrustedHostMiddleware
from app.housekeeping import block_merger, memory_trimmer, search_merger, sweeper, wal_checkpointer
from app.jsonutil import ORJSONResponse
from app.observability import RequestContextMiddleware
from app.openapi import install_openapi, operation_id
from app.runtime import tune_gc


def create_app(settings: Settings | None = None, *, db: Database | None = None,
               background: bool = True) -> FastAPI:
    settings = settings or get_settings()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if background:  # a real server process, not a test's app
            tune_gc()
        loops = (sweeper, search_merger, wal_checkpointer, block_merger, memory_trimmer)
        tasks = [asyncio.create_task(loop(app.state.db, settings)) for loop in loops] if background else []
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            if db is None:
                app.state.db.dispose()

    app = FastAPI(title="Hub 24365", version=__version__, lifespan=lifespan,
                  default_response_class=ORJSONResponse, docs_url=None, redoc_url=None,
                  generate_unique_id_function=operation_id,
                  description="The national job-sharing hub for college graduates (24365).")
    app.state.settings = settings
    app.state.db = db or Database(settings.database_url, pool_size=settings.db_pool_size)
    app.add_middleware(RequestContextMiddleware)
    app.add_middleware(TrustedHostMiddleware, patterns=settings.trusted_host_list())
    install_error_handlers(app)
    for module in (ops, partners, postings, changes, webhooks, exports, jobs, dedup, sources,
                   fairs, visits, cases, reports, rules, oversight):
        app.include_router(module.router)
    web.install(app)
    apidocs.install(app)
    install_openapi(app)
    return app


def app_factory() -> Any:
    """For ``uvicorn --factory app.main:app_factory``."""
    return create_app()
