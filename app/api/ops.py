"""Operations: liveness, readiness and Prometheus metrics."""

from __future__ import annotations

from fastapi import APIRouter, Response
from fastapi.security import HTTPAuthorizationCredentials
from prometheus_client import CONTENT_TYPE_LATEST
from sqlalchemy import text

from app.config import Settings
from app.errors import NotFound, Unauthorized, problem_response
from app.observability import metrics_text
from app.schemas.common import problem_responses
from app.security import same_token

from .deps import Credentials, DbDep, SettingsDep

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


def metrics_allowed(settings: Settings, creds: HTTPAuthorizationCredentials | None) -> None:
    """``HUB_METRICS_ACCESS``: token (``HUB_METRICS_TOKEN`` or the admin token), public, or off (404)."""
    if settings.metrics_access == "public":
        return
    if settings.metrics_access == "off":
        raise NotFound("Metrics are served on their own listener (HUB_METRICS_PORT).")
    token = creds.credentials if creds is not None else ""
    if not token:
        raise Unauthorized("The metrics token is required (HUB_METRICS_TOKEN, or the admin token).")
    if not any(same_token(token, t) for t in (settings.metrics_token, settings.admin_token) if t):
        raise Unauthorized("The metrics token is not valid.")


@router.get("/metrics", summary="Prometheus metrics (Bearer HUB_METRICS_TOKEN or the admin token)",
            response_class=Response,
            responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}},
                             "description": "Prometheus text exposition format"},
                       **problem_responses(401, 404)})
def metrics(settings: SettingsDep, creds: Credentials) -> Response:
    metrics_allowed(settings, creds)
    return Response(metrics_text(), media_type=CONTENT_TYPE_LATEST)
