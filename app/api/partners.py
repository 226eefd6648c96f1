"""Partners (admin): register organisations, issue, list and revoke their API keys."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from app.cursor import decode_cursor, encode_cursor
from app.errors import NotFound
from app.models import utcnow
from app.schemas.common import IdPath, problem_responses
from app.schemas.partner import (
    ApiKeyCreated,
    ApiKeyIn,
    ApiKeyList,
    ApiKeyOut,
    PartnerCreated,
    PartnerIn,
    PartnerKind,
    PartnerList,
    PartnerListed,
    PartnerOut,
    PartnerPatch,
)
from app.services.linkup import link_status, status_of
from app.services.partners import (
    create_partner,
    get_partner,
    list_keys,
    list_partners,
    new_key,
    revoke_key,
    revoke_keys,
    update_partner,
)
from app.services.roles import check_partner_region

from .campaign_deps import province_param
from .deps import AdminDep, DbDep, PartnerDep, SettingsDep

router = APIRouter(prefix="/api/v1", tags=["partners"])
ERRORS = problem_responses(401, 403, 404, 422)


def _out(p: object) -> dict[str, object]:
    return PartnerOut.model_validate(p, from_attributes=True).model_dump(mode="json")


def _key(k: object) -> dict[str, object]:
    return ApiKeyOut.model_validate(k, from_attributes=True).model_dump(mode="json")


@router.post("/partners", status_code=201, response_model=PartnerCreated, responses=ERRORS,
             summary="Register a partner (admin); the API key is shown once")
def post_partner(body: PartnerIn, _: AdminDep, db: DbDep, settings: SettingsDep) -> dict[str, object]:
    region = check_partner_region(body.kind, body.region_code)
    with db.write() as session:
        partner, key = create_partner(session, name=body.name, kind=body.kind,
                                      region_code=region, secret=settings.secret_key, website=body.website)
        return {**_out(partner), "api_key": key, "api_key_id": list_keys(session, partner.id)[0].id}


@router.get("/partners", response_model=PartnerList, responses=ERRORS,
            summary="List partners (admin), each with its link-up status; filter who has not linked up yet")
def get_partners(request: Request, _: AdminDep, db: DbDep, settings: SettingsDep,
                 cursor: Annotated[str | None, Query(max_length=2000)] = None,
                 limit: Annotated[int, Query(ge=1, le=200)] = 50,
                 kind: PartnerKind | None = None,
                 province: Annotated[str | None, Query(max_length=12, description="A province code")] = None,
                 linked: Annotated[bool | None, Query(description="Has shared a posting or synced a feed")] = None,
                 ) -> dict[str, object]:
    code = province_param(request, province)
    after = decode_cursor(cursor, settings.secret_key) if cursor else None
    with db.read() as session:
        rows = list_partners(session, after=str(after) if after else None, limit=limit + 1, kind=kind,
                             province=code, linked=linked)
        links = link_status(session, [p.id for p in rows[:limit]])
    nxt = encode_cursor(rows[limit - 1].id, settings.secret_key) if len(rows) > limit else None
    return {"items": [{**_out(p), "link": status_of(links, p.id)} for p in rows[:limit]], "next_cursor": nxt}


@router.get("/partners/{partner_id}", response_model=PartnerListed, responses=ERRORS,
            summary="One partner (admin), with its link-up status")
def get_one_partner(partner_id: IdPath, _: AdminDep, db: DbDep) -> dict[str, object]:
    with db.read() as session:
        partner = get_partner(session, partner_id)
        if partner is None:
            raise NotFound("no such partner")
        return {**_out(partner), "link": status_of(link_status(session, [partner.id]), partner.id)}


@router.patch("/partners/{partner_id}", response_model=PartnerListed, responses=ERRORS,
              summary="Correct a partner's name or region (admin)")
def patch_partner(partner_id: IdPath, body: PartnerPatch, _: AdminDep, db: DbDep) -> dict[str, object]:
    """Correct a partner's name or region (admin). A university's or provincial platform's region stays
    required (a province for a platform); its records count where it is now, in every report."""
    with db.write() as session:
        partner = get_partner(session, partner_id)
        if partner is None:
            raise NotFound("no such partner")
        changes = body.model_dump(exclude_unset=True)
        if "region_code" in changes:
            changes["region_code"] = check_partner_region(partner.kind, changes["region_code"])
        update_partner(partner, changes)
        session.flush()
        return {**_out(partner), "link": status_of(link_status(session, [partner.id]), partner.id)}


@router.post("/partners/{partner_id}/keys", status_code=201, response_model=ApiKeyCreated,
             responses=ERRORS, summary="Issue another API key (admin), e.g. to rotate keys")
def post_key(partner_id: IdPath, _: AdminDep, db: DbDep, settings: SettingsDep,
             body: ApiKeyIn | None = None) -> dict[str, object]:
    """The new key works at once and the old ones keep working: switch your systems over, then
    revoke the old key by its id. The secret is in this answer only."""
    with db.write() as session:
        if get_partner(session, partner_id) is None:
            raise NotFound("no such partner")
        row, key = new_key(session, partner_id, settings.secret_key, body.name if body else None)
        return {**_key(row), "api_key": key}


@router.get("/partners/{partner_id}/keys", response_model=ApiKeyList, responses=ERRORS,
            summary="List a partner's API keys (admin): ids, names, last use; never the secret")
def get_keys(partner_id: IdPath, _: AdminDep, db: DbDep) -> dict[str, object]:
    with db.read() as session:
        if get_partner(session, partner_id) is None:
            raise NotFound("no such partner")
        return {"items": [_key(k) for k in list_keys(session, partner_id)]}


@router.delete("/partners/{partner_id}/keys/{key_id}", status_code=204, responses=ERRORS,
               summary="Revoke one API key (admin); the partner's other keys keep working")
def delete_key(partner_id: IdPath, key_id: IdPath, _: AdminDep, db: DbDep) -> Response:
    with db.write() as session:
        if revoke_key(session, partner_id, key_id, utcnow()) is None:
            raise NotFound("no such key for this partner")
    return Response(status_code=204)


@router.delete("/partners/{partner_id}/keys", status_code=204, responses=ERRORS,
               summary="Revoke every API key of a partner (admin)")
def delete_keys(partner_id: IdPath, _: AdminDep, db: DbDep) -> Response:
    with db.write() as session:
        if get_partner(session, partner_id) is None:
            raise NotFound("no such partner")
        revoke_keys(session, partner_id)
    return Response(status_code=204)


@router.get("/me", response_model=PartnerOut, responses=ERRORS, summary="The partner this key belongs to")
def get_me(partner: PartnerDep) -> dict[str, object]:
    return _out(partner)
