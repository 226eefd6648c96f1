"""create_app(): routers, middleware, lifespan. Nothing else."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

from fastapi import FastAPI

from app import __version__, apidocs, console, web
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
    staff,
    suggest,
    visits,
    webhooks,
)
from app.config import Settings, get_settings
from app.db import Database, ReadReplicas
from app.errors import install_error_handlers
from app.hosts import TrustedHostMiddleware
from app.housekeeping import block_merger, memory_trimmer, search_merger, sweeper, wal_checkpointer
from app.httpcache import HttpCacheMiddleware
from app.jsonutil import ORJSONResponse
from app.observability import RequestContextMiddleware
from app.openapi import install_openapi, operation_id
from app.ratelimit import RateLimitMiddleware
from app.runtime import tune_gc
from app.search.facets import CountsPolicy
from app.shared import SharedCache


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
            if shared is not None:
                shared.close()

    app = FastAPI(title="Hub 24365", version=__version__, lifespan=lifespan,
                  default_response_class=ORJSONResponse, docs_url=None, redoc_url=None,
                  generate_unique_id_function=operation_id,
                  description="The national job-sharing hub for college graduates (24365).")
    app.state.settings = settings
    app.state.db = db or Database(settings.database_url, pool_size=settings.db_pool_size)
    if settings.read_urls() and app.state.db.replicas is None:
        app.state.db.replicas = ReadReplicas(app.state.db, settings.read_urls(), max_lag_s=settings.read_max_lag_s,
                                             check_interval_s=settings.read_check_interval_s,
                                             pool_size=settings.db_pool_size)
    shared = SharedCache(settings.redis_url, settings.redis_prefix) if settings.redis_url else None
    app.state.counts = CountsPolicy(settings.counts_max_age_s, shared)
    app.add_middleware(HttpCacheMiddleware, max_age=settings.http_cache_max_age_s)
    if settings.rate_limit:
        app.add_middleware(RateLimitMiddleware, anonymous=settings.rate_limit_anonymous,
                           partner=settings.rate_limit_partner, redis_url=settings.redis_url,
                           prefix=settings.redis_prefix, trusted_proxies=settings.forwarded_allow_ips,
                           client_header=settings.client_address_header)
    app.add_middleware(RequestContextMiddleware)
    app.add_middleware(TrustedHostMiddleware, patterns=settings.trusted_host_list())
    install_error_handlers(app)
    for module in (ops, partners, postings, changes, webhooks, exports, jobs, dedup, sources,
                   fairs, visits, cases, reports, rules, oversight, staff):
        app.include_router(module.router)
    app.include_router(fairs.series_router)
    app.include_router(suggest.router)
    web.install(app)
    console.install(app)
    apidocs.install(app)
    install_openapi(app)
    return app


def app_factory() -> Any:
    """For ``uvicorn --factory app.main:app_factory``."""
    return create_app()
