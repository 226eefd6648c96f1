"""Recruitment fairs (招聘会): organisers create, change and cancel theirs; anyone reads them."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from sqlalchemy.orm import Session

from app.errors import ValidationFailed, field_error
from app.models import utcnow
from app.schemas.campaign import (
    FairIn,
    FairKind,
    FairList,
    FairMode,
    FairOut,
    FairPatch,
    FairScope,
    FairSeriesIn,
    FairSeriesOut,
)
from app.schemas.common import SafeStr, problem_responses
from app.services.campaign import check_days
from app.services.fairs import (
    cancel_fair,
    create_fair,
    create_series,
    fair_documents,
    get_fair,
    get_series,
    list_fairs,
    own_fair,
    series_document,
    update_fair,
)

from .campaign_deps import Id, idempotent_create, region_code
from .deps import DbDep, IdempotencyKey, PartnerDep, SettingsDep, read_public

router = APIRouter(prefix="/api/v1/fairs", tags=["campaign"])
series_router = APIRouter(prefix="/api/v1/fair-series", tags=["campaign"])
ERRORS = problem_responses(401, 403, 404, 409, 413, 422)


@router.post("", status_code=201, response_model=FairOut, responses=ERRORS,
             summary="Announce a recruitment fair; you are its organiser")
async def post_fair(spec: FairIn, request: Request, partner: PartnerDep, db: DbDep, settings: SettingsDep,
                    idempotency_key: IdempotencyKey = None) -> Any:
    def work(session: Session) -> dict[str, Any]:
        fair = create_fair(session, partner.id, spec.model_dump(mode="python"), utcnow())
        session.flush()
        return fair_documents(session, [fair])[0]

    return await idempotent_create(request, db, settings, partner.id, idempotency_key, work)


@router.get("", response_model=FairList, responses=problem_responses(422),
            summary="Fairs (public): upcoming soonest first, or past most recent first")
def get_fairs(request: Request, db: DbDep, settings: SettingsDep,
              region: Annotated[str | None, Query(max_length=12, description="GB/T 2260 code; a province or "
                                                  "city matches every fair inside it")] = None,
              kind: FairKind | None = None, mode: FairMode | None = None,
              industry: Annotated[str | None, Query(pattern=r"^[A-Ta-t]$", description="GB/T 4754 section "
                                                    "letter of industry fairs")] = None,
              scope: FairScope | None = None,
              series: Annotated[SafeStr | None, Query(pattern=r"^[0-9A-Za-z]{1,64}$",
                                                      description="Only this series' fairs")] = None,
              date_from: Annotated[date | None, Query(description="Fairs still on at or after this Beijing day")
                                   ] = None,
              date_to: Annotated[date | None, Query(description="Fairs that start on or before this Beijing day")
                                 ] = None,
              when: Literal["upcoming", "past", "all"] = "upcoming",
              limit: Annotated[int, Query(ge=1, le=100)] = 20,
              cursor: Annotated[str | None, Query(max_length=2000)] = None) -> dict[str, Any]:
    code = region_code(region)
    check_days(date_from=date_from, date_to=date_to)
    if date_from and date_to and date_to < date_from:
        raise ValidationFailed("The dates are the wrong way round.",
                               errors=[field_error("date_to", "must not be before date_from")])

    def read(session: Session) -> dict[str, Any]:
        rows, nxt = list_fairs(session, region=code, kind=kind, mode=mode, when=when, now=utcnow(),
                               cursor=cursor, limit=limit, secret=settings.secret_key,
                               industry=industry.upper() if industry else None, scope=scope, series_id=series,
                               date_from=date_from, date_to=date_to)
        return {"items": fair_documents(session, rows), "next_cursor": nxt}

    return read_public(request, db, read)


@router.get("/{fair_id}", response_model=FairOut, responses=problem_responses(404, 422),
            summary="One fair (public), cancelled ones included")
def get_one_fair(request: Request, fair_id: Id, db: DbDep) -> dict[str, Any]:
    return read_public(request, db, lambda session: fair_documents(session, [get_fair(session, fair_id)])[0])


@router.patch("/{fair_id}", response_model=FairOut, responses=ERRORS,
              summary="Change your fair; job_ids and employers replace the lists")
def patch_fair(fair_id: Id, spec: FairPatch, partner: PartnerDep, db: DbDep) -> dict[str, Any]:
    with db.write() as session:
        fair = update_fair(session, own_fair(session, partner.id, fair_id),
                           spec.model_dump(mode="python", exclude_unset=True), utcnow())
        session.flush()
        return fair_documents(session, [fair])[0]


def _cancel(fair_id: str, partner_id: str, db: Any) -> dict[str, Any]:
    with db.write() as session:
        fair = cancel_fair(own_fair(session, partner_id, fair_id), utcnow())
        session.flush()
        return fair_documents(session, [fair])[0]


@router.post("/{fair_id}/cancel", response_model=FairOut, responses=ERRORS,
             summary="Cancel your fair; it stays visible, marked cancelled")
def post_cancel(fair_id: Id, partner: PartnerDep, db: DbDep) -> dict[str, Any]:
    return _cancel(fair_id, partner.id, db)


@router.delete("/{fair_id}", response_model=FairOut, responses=ERRORS,
               summary="Same as cancel: the fair stays visible, marked cancelled")
def delete_fair(fair_id: Id, partner: PartnerDep, db: DbDep) -> dict[str, Any]:
    return _cancel(fair_id, partner.id, db)


@series_router.post("", status_code=201, response_model=FairSeriesOut, responses=ERRORS,
                    summary="Start a series of fairs (a main venue and sub-venues); you are its organiser")
async def post_fair_series(spec: FairSeriesIn, request: Request, partner: PartnerDep, db: DbDep,
                           settings: SettingsDep, idempotency_key: IdempotencyKey = None) -> Any:
    """A series groups fairs of one campaign; each fair joins it with ``series_id`` and
    ``series_role`` (main or sub) when created or changed."""
    def work(session: Session) -> dict[str, Any]:
        return series_document(session, create_series(session, partner.id, spec.model_dump(mode="python"),
                                                       utcnow()))

    return await idempotent_create(request, db, settings, partner.id, idempotency_key, work)


@series_router.get("/{series_id}", response_model=FairSeriesOut, responses=problem_responses(404, 422),
                   summary="One series of fairs (public): its main venue first, then the sub-venues")
def get_fair_series(series_id: Id, db: DbDep) -> dict[str, Any]:
    """Public: the series and every fair in it, cancelled ones included."""
    with db.read() as session:
        return series_document(session, get_series(session, series_id))
