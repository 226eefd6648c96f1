"""Targets from above: the rule that applies to a university is the highest one set for it.

Levels, from the top: ``national`` (the ministry; the notice's defaults until it sets one),
``province`` (a province for all its universities), ``province_university`` (a province for one
university), ``university`` (the university for itself). Each level may only set a rule at or
above the levels over it (a 422 naming the field otherwise), and because the one that applies
is the highest, a later rise above a lower level's value simply overrides it: nobody can lower
a rule set above them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.db import dialect_insert
from app.errors import ValidationFailed, field_error
from app.models import RULE_LEVELS, RULES, CampaignRule, Partner, UniversityFlag

from .campaign import province_of

TABLE = CampaignRule.__table__


@dataclass(slots=True)
class Applied:
    """One rule for one university: the value that applies, where it comes from, every level's value."""

    rule: str
    value: int
    source: str
    levels: dict[str, int | None] = field(default_factory=dict)
    applies: bool = True

    def document(self) -> dict[str, Any]:
        return {"rule": self.rule, "value": self.value, "source": self.source, "levels": dict(self.levels),
                "applies": self.applies}


def _stored(session: Session, level: str, scopes: Iterable[str]) -> dict[str, dict[str, int]]:
    """scope → rule → value at one level."""
    wanted = list(dict.fromkeys(scopes))
    out: dict[str, dict[str, int]] = {}
    for i in range(0, len(wanted), 500):
        rows = session.execute(select(CampaignRule.scope, CampaignRule.rule, CampaignRule.value).where(
            CampaignRule.level == level, CampaignRule.scope.in_(wanted[i:i + 500])))
        for scope, rule, value in rows:
            out.setdefault(scope, {})[rule] = value
    return out


def _combine(rule: str, levels: dict[str, int | None]) -> Applied:
    value, source = RULES[rule], "default"
    for level in RULE_LEVELS:  # the top wins a tie: the rule is the ministry's, the aim the same
        v = levels.get(level)
        if v is not None and (v > value or level == "national"):
            value, source = v, level
    return Applied(rule, value, source, {level: levels.get(level) for level in RULE_LEVELS})


def flags(session: Session, university_ids: Iterable[str]) -> dict[str, bool]:
    """Universities flagged below the local placement rate."""
    ids = list(dict.fromkeys(university_ids))
    out: dict[str, bool] = {}
    for i in range(0, len(ids), 500):
        out.update(dict(session.execute(select(UniversityFlag.partner_id, UniversityFlag.below_placement_rate)
                                        .where(UniversityFlag.partner_id.in_(ids[i:i + 500]))).all()))
    return out


def applied_rules(session: Session, partners: list[Partner]) -> dict[str, dict[str, Applied]]:
    """university id → rule → what applies, for many universities in a few queries."""
    national = _stored(session, "national", [""]).get("", {})
    provinces = _stored(session, "province", {province_of(p.region_code) or "" for p in partners})
    ids = [p.id for p in partners]
    by_province = _stored(session, "province_university", ids)
    own = _stored(session, "university", ids)
    flagged = flags(session, ids)
    out: dict[str, dict[str, Applied]] = {}
    for p in partners:
        prov = provinces.get(province_of(p.region_code) or "", {})
        rules = {}
        for rule in RULES:
            applied = _combine(rule, {"national": national.get(rule), "province": prov.get(rule),
                                      "province_university": by_province.get(p.id, {}).get(rule),
                                      "university": own.get(p.id, {}).get(rule)})
            applied.applies = rule != "new_employers" or flagged.get(p.id, False)
            rules[rule] = applied
        out[p.id] = rules
    return out


def floor_for(session: Session, level: str, scope: str, province: str | None) -> dict[str, Applied]:
    """What a rule set at ``level`` must be at least: the levels above it, combined."""
    above = RULE_LEVELS[:RULE_LEVELS.index(level)]
    values: dict[str, dict[str, int | None]] = {rule: {} for rule in RULES}
    if "national" in above:
        for rule, v in _stored(session, "national", [""]).get("", {}).items():
            values[rule]["national"] = v
    if "province" in above and province:
        for rule, v in _stored(session, "province", [province]).get(province, {}).items():
            values[rule]["province"] = v
    if "province_university" in above:
        for rule, v in _stored(session, "province_university", [scope]).get(scope, {}).items():
            values[rule]["province_university"] = v
    return {rule: _combine(rule, values[rule]) for rule in RULES}


def set_rules(session: Session, level: str, scope: str, values: dict[str, int | None], *, province: str | None,
              by_partner_id: str | None, now: datetime, field_names: dict[str, str] | None = None) -> None:
    """Set (or, with None, clear) rules at one level. Below the national level each value must be
    at least what the levels above say (a 422 naming the field)."""
    names = field_names or {}
    if level != "national":
        floor = floor_for(session, level, scope, province)
        errors = [field_error(names.get(rule, rule), f"must be at least {floor[rule].value}, the {floor[rule].source} "
                              "rule; a rule from above can be raised, never lowered", "below_rule")
                  for rule, v in values.items() if v is not None and v < floor[rule].value]
        if errors:
            raise ValidationFailed("A rule cannot be set below the one above it.", errors=errors)
    for rule, value in values.items():
        if value is None:
            session.execute(delete(CampaignRule).where(CampaignRule.level == level, CampaignRule.scope == scope,
                                                       CampaignRule.rule == rule))
            continue
        stmt = dialect_insert(session, TABLE)
        stmt = stmt.on_conflict_do_update(index_elements=["level", "scope", "rule"], set_={
            "value": stmt.excluded.value, "set_by_partner_id": stmt.excluded.set_by_partner_id,
            "updated_at": stmt.excluded.updated_at})
        session.execute(stmt, {"level": level, "scope": scope, "rule": rule, "value": value,
                               "set_by_partner_id": by_partner_id, "updated_at": now})


def set_flag(session: Session, university_id: str, below: bool, *, by_partner_id: str | None,
             now: datetime) -> None:
    table = UniversityFlag.__table__
    stmt = dialect_insert(session, table)
    stmt = stmt.on_conflict_do_update(index_elements=["partner_id"], set_={
        "below_placement_rate": stmt.excluded.below_placement_rate,
        "set_by_partner_id": stmt.excluded.set_by_partner_id, "updated_at": stmt.excluded.updated_at})
    session.execute(stmt, {"partner_id": university_id, "below_placement_rate": below,
                           "set_by_partner_id": by_partner_id, "updated_at": now})


def rules_view(session: Session, level: str, scope: str, province: str | None) -> list[dict[str, Any]]:
    """The rules as seen from one level: for the ministry the national ones, for a province
    the national and its own, each with where the value that applies comes from."""
    stored: dict[str, dict[str, int | None]] = {rule: {} for rule in RULES}
    for rule, v in _stored(session, "national", [""]).get("", {}).items():
        stored[rule]["national"] = v
    if level == "province" and province:
        for rule, v in _stored(session, "province", [province]).get(province, {}).items():
            stored[rule]["province"] = v
    return [_combine(rule, stored[rule]).document() for rule in RULES]
