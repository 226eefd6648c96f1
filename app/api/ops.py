"""Operations: liveness, readiness and Prometheus metrics."""

from __future__ import annotations

from fastapi import APIRouter, Response
from prometheus_client import CONTENT_TYPE_LATEST
from sqlalchemy import text

from app.errors import problem_response
from app.observability import metrics_text

from .deps import DbDep

router = APIRouter(tags=["operations"])


@router.get("/healthz", summary="The process is alive")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", summary="The database answers and the schema is migrated",
            responses={503: {"description": "Not ready"}})
def readyz(db: DbDep) -> Response:
    try:
        with db.read() as session:
            session.execute(text("SELECT value FROM counters WHERE name = 'changes'")).one()
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready"
        return problem_response(503, "Not ready", f"database not ready: {type(exc).__name__}")
    return Response(b'{"status":"ready"}', media_type="application/json")


@router.get("/metrics", summary="Prometheus metrics", response_class=Response,
            responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}}}})
def metrics() -> Response:
    return Response(metrics_text(), media_type=CONTENT_TYPE_LATEST)
