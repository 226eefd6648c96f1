"""Pulling changes (partner key): the change feed and the snapshot a new mirror starts from."""

from __future__ import annotations

import hashlib
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Query
from starlette.responses import Response

from app.cursor import decode_cursor, encode_cursor
from app.errors import ValidationFailed, field_error
from app.jsonutil import ORJSONResponse
from app.schemas.changes import ChangePage, SnapshotPage
from app.schemas.common import problem_responses
from app.services.changes import (
    ChangeFilter,
    change_cursor,
    change_position,
    head,
    horizon,
    read_changes,
    snapshot_page,
)

from .deps import DbDep, PartnerDep, SettingsDep

router = APIRouter(prefix="/api/v1/changes", tags=["changes"])

Cursor = Annotated[str | None, Query(max_length=2000, description="next_cursor from the previous page")]
Region = Annotated[list[str] | None, Query(
    description="GB/T 2260 code; a province or city matches everything inside it; repeatable")]
Industry = Annotated[list[str] | None, Query(description="GB/T 4754 section letter A–T; repeatable")]
JobType = Annotated[list[str] | None, Query(description="full_time, part_time, internship or other; repeatable")]


@router.get("", response_model=ChangePage, responses=problem_responses(401, 403, 410, 422),
            summary="Changes after a cursor, in commit order (every committed change at least once)")
def get_changes(partner: PartnerDep, db: DbDep, settings: SettingsDep, cursor: Cursor = None,
                limit: Annotated[int, Query(ge=1, le=1000)] = 100, region: Region = None,
                industry: Industry = None, job_type: JobType = None) -> Response:
    flt = ChangeFilter.parse(region, industry, job_type)
    after, seen = change_position(cursor, settings.secret_key)
    with db.read() as session:
        page = read_changes(session, after, limit, flt, seen)
    nxt = change_cursor(page.position, page.horizon, settings.secret_key)
    body = {"changes": page.changes, "next_cursor": nxt, "has_more": page.more}
    return Response(orjson.dumps(body), media_type="application/json")


def _snapshot_state(given: Any, digest: str) -> tuple[int, int, str]:
    """(change mark, horizon, last job id) from a snapshot cursor made for these filters."""
    if not (isinstance(given, dict) and given.get("k") == "snapshot" and given.get("f") == digest
            and isinstance(given.get("m"), int) and isinstance(given.get("h"), int)
            and isinstance(given.get("a"), str)):
        raise ValidationFailed("The cursor is not valid.", errors=[field_error(
            "cursor", "not a snapshot cursor for these filters")])
    return int(given["m"]), int(given["h"]), str(given["a"])


@router.get("/snapshot", response_model=SnapshotPage, responses=problem_responses(401, 403, 422),
            summary="Every open job (in the filter), paged, and the change cursor to continue from")
def get_snapshot(partner: PartnerDep, db: DbDep, settings: SettingsDep, cursor: Cursor = None,
                 limit: Annotated[int, Query(ge=1, le=1000)] = 500, region: Region = None,
                 industry: Industry = None, job_type: JobType = None) -> Response:
    flt = ChangeFilter.parse(region, industry, job_type)
    digest = hashlib.sha256(orjson.dumps(flt.as_dict())).hexdigest()[:16]
    with db.read() as session:
        if cursor:
            mark, seen, after = _snapshot_state(decode_cursor(cursor, settings.secret_key), digest)
        else:  # the change position first: every change after it is replayed later
            seen = horizon(session)
            mark, after = head(session), ""
        docs, last, more = snapshot_page(session, after, limit, flt)
    state = {"k": "snapshot", "m": mark, "h": seen, "a": last, "f": digest}
    nxt = encode_cursor(state, settings.secret_key) if more else None
    return ORJSONResponse({"jobs": docs, "next_cursor": nxt,
                           "changes_cursor": change_cursor(mark, seen, settings.secret_key)})
