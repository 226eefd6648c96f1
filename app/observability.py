"""Structured JSON logs with a request id, and request metrics, as one pure ASGI middleware;
the logging set-up every process applies (uvicorn's worker processes too) and the metrics
exposition, summed over processes under ``hub serve --workers N``."""

from __future__ import annotations

import contextvars
import logging
import logging.config
import os
import time
import uuid
from typing import Any

import orjson
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from starlette.types import ASGIApp, Message, Receive, Scope, Send

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")

REQUESTS = Counter("hub_http_requests_total", "HTTP requests", ["method", "route", "status"])
LATENCY = Histogram("hub_http_request_seconds", "HTTP request latency", ["method", "route"],
                    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
# uvicorn adds ``color_message`` (the message with ANSI colour codes) to its records.
_RESERVED = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "color_message"}
# Loggers quiet by default: APScheduler logs every run of every job at INFO, httpx every request.
QUIET = ("apscheduler", "httpx", "httpcore")
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"


class JSONFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(), "logger": record.name, "msg": record.getMessage(),
            "request_id": request_id.get(), "pid": record.process,
        }
        out.update({k: v for k, v in record.__dict__.items() if k not in _RESERVED})
        if record.exc_info:
            out["exc"] = self.formatException(record.exc_info)
        return orjson.dumps(out, default=str).decode()


def logging_config(level: str = "INFO", json_logs: bool = True, quiet_level: str = "WARNING") -> dict[str, Any]:
    """A ``logging.config.dictConfig`` document: one handler on stderr, JSON or plain text;
    also handed to uvicorn, which applies it in each of its worker processes."""
    formatter = {"()": JSONFormatter} if json_logs else {"format": "%(levelname)s %(name)s %(message)s"}
    return {
        "version": 1, "disable_existing_loggers": False,
        "formatters": {"hub": formatter},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "hub", "stream": "ext://sys.stderr"}},
        "root": {"handlers": ["stderr"], "level": level.upper()},
        "loggers": {**{name: {"level": quiet_level.upper()} for name in QUIET},
                    "uvicorn.access": {"level": "WARNING", "propagate": False}},
    }


def configure_logging(level: str = "INFO", json_logs: bool = True, quiet_level: str = "WARNING") -> None:
    logging.config.dictConfig(logging_config(level, json_logs, quiet_level))


def metrics_registry() -> CollectorRegistry:
    """This process's metrics, or under ``hub serve --workers N`` (``PROMETHEUS_MULTIPROC_DIR``
    set) a registry that reads every API process's, summed."""
    if not os.environ.get(MULTIPROC_ENV):
        return REGISTRY
    from prometheus_client import multiprocess

    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    return registry


def metrics_text() -> bytes:
    """The Prometheus exposition of ``metrics_registry()``."""
    return generate_latest(metrics_registry())


access_log = logging.getLogger("hub.access")


class RequestContextMiddleware:
    """Gives each request an id (``X-Request-ID`` in and out), logs it, and times it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        rid = incoming if 0 < len(incoming) <= 128 and incoming.isprintable() else uuid.uuid4().hex
        token = request_id.set(rid)
        start = time.perf_counter()
        status = 500

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", rid.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            elapsed = time.perf_counter() - start
            route = getattr(scope.get("route"), "path", None) or "unmatched"
            REQUESTS.labels(scope["method"], route, str(status)).inc()
            LATENCY.labels(scope["method"], route).observe(elapsed)
            access_log.info("request", extra={"method": scope["method"], "path": scope["path"],
                                              "status": status, "ms": round(elapsed * 1000, 2)})
            request_id.reset(token)
