"""Targets from above (any key reads; each level sets its own): the ministry's national rules, a
province's rules for its universities, a university's own higher aims."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from app.models import utcnow
from app.schemas.common import problem_responses
from app.schemas.oversight import RuleSet, RulesIn
from app.services.roles import Caller, require_role
from app.services.rules import applied_rules, rules_view, set_rules

from .campaign_deps import CallerDep
from .deps import DbDep

router = APIRouter(prefix="/api/v1/rules", tags=["campaign"])
ERRORS = problem_responses(401, 403, 422)


def _view(session: Any, caller: Caller) -> dict[str, Any]:
    if caller.role == "university" and caller.partner is not None:
        applied = applied_rules(session, [caller.partner])[caller.partner.id]
        return {"scope": "university", "province_code": caller.province, "university_id": caller.partner.id,
                "rules": [a.document() for a in applied.values()]}
    if caller.role == "provincial_platform":
        return {"scope": "province", "province_code": caller.province, "university_id": None,
                "rules": rules_view(session, "province", caller.province or "", caller.province)}
    return {"scope": "national", "province_code": None, "university_id": None,
            "rules": rules_view(session, "national", "", None)}


@router.get("", response_model=RuleSet, responses=ERRORS,
            summary="The rules as they apply to you, with where each comes from")
def get_rules(caller: CallerDep, db: DbDep) -> dict[str, Any]:
    """The campaign's rules as they apply to the caller, with every level (default, national, province,
    university) and where each applying value comes from."""
    with db.read() as session:
        return _view(session, caller)


def _put(caller: Caller, db: Any, level: str, scope: str, spec: RulesIn) -> dict[str, Any]:
    values = spec.model_dump(exclude_unset=True)
    with db.write() as session:
        set_rules(session, level, scope, values, province=caller.province,
                  by_partner_id=caller.partner.id if caller.partner else None, now=utcnow())
        return _view(session, caller)


@router.put("", response_model=RuleSet, responses=ERRORS,
            summary="The ministry sets the national rules (national key)")
def put_national(spec: RulesIn, caller: CallerDep, db: DbDep) -> dict[str, Any]:
    """Set the national rules (the ministry's key): employers visited per university, newly developed
    employers for flagged universities, matched pushes per open case."""
    require_role(caller, "national", what="set the national rules")
    return _put(caller, db, "national", "", spec)


@router.put("/province", response_model=RuleSet, responses=ERRORS,
            summary="A province raises rules for all its universities (never below the national ones)")
def put_province(spec: RulesIn, caller: CallerDep, db: DbDep) -> dict[str, Any]:
    """Raise a rule for every university of your province (provincial platform key); a value below the
    national rule is a 422 naming the field."""
    require_role(caller, "provincial_platform", what="set a province's rules")
    return _put(caller, db, "province", caller.province or "", spec)


@router.put("/university", response_model=RuleSet, responses=ERRORS,
            summary="A university aims higher for itself (never below the rules that apply to it)")
def put_university(spec: RulesIn, caller: CallerDep, db: DbDep) -> dict[str, Any]:
    """Aim higher for your own university (university key); a value below the rules above is a 422
    naming the field."""
    require_role(caller, "university", what="set a university's own aims")
    assert caller.partner is not None
    return _put(caller, db, "university", caller.partner.id, spec)
