"""Per-source field mapping: read partner records with their own key names, no code.

Stored per source as JSON, e.g. for the Zhilian scrape::

    {"fields": {"title": "jobName", "employer.name": "companyName",
                "employer.type": "companyNature", "locations.city": "location",
                "salary": "salary", "salary.min": "minSalary", "salary.max": "maxSalary",
                "education": "edu", "url": "jobUrl", "description": "deatil"},
     "defaults": {"salary.period": "month"},
     "external_id_from": "jobUrl"}

* ``fields``: target posting key -> source key. Targets are posting keys, dotted for
  nested ones (``employer.name``, ``salary.min``, ``locations.city``). Sources are
  dotted paths into the record (``location.name``, ``categories.0``); a literal key
  containing dots is tried first. A list of sources means "first non-empty".
* ``defaults``: target -> constant, used when the item has no value (``employer_name``
  is accepted as an alias of ``employer.name``; ``salary.*`` defaults only apply to a
  structured salary).
* ``external_id_from``: a source key, or ``"hash"`` (sha1 of the url, else of
  title|employer|place). Without it: ``external_id``/``id``/``guid``/... then the url.
* ``records``: JSON, dotted path of the item list (``data.list``); XML, the item
  element name (default ``job``). ``next_page``: JSON, dotted path of the next-page URL.
* ``passthrough``: record keys already named like posting keys are kept (default).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from functools import cached_property
from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator

SCALARS = frozenset({"external_id", "title", "description", "job_type", "education",
                     "industry", "headcount", "posted_at", "valid_through", "apply_url", "url"})
LISTS = frozenset({"majors", "tags"})
EMPLOYER_KEYS = ("name", "credit_code", "type")
SALARY_KEYS = ("min", "max", "period", "negotiable")
LOCATION_KEYS = ("region_code", "province", "city", "district", "address")
TARGETS = frozenset(
    SCALARS | LISTS | {"employer", "salary", "locations"}
    | {f"employer.{k}" for k in EMPLOYER_KEYS} | {f"salary.{k}" for k in SALARY_KEYS}
    | {f"locations.{k}" for k in LOCATION_KEYS})
ALIASES = {"employer_name": "employer.name", "company": "employer.name",
           "location": "locations", "city": "locations.city"}
ID_KEYS = ("external_id", "id", "guid", "identifier", "job_id", "jobId", "reference")
SALARY_TEXT = "_text"  # raw salary text kept beside structured parts until finalising


def _target(name: str) -> str:
    name = ALIASES.get(name, name)
    if name not in TARGETS:
        raise ValueError(f"unknown posting key {name!r}")
    return name


def is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {} or (
        isinstance(value, str) and not value.strip())


def lookup(record: Any, path: str) -> Any:
    """Value at ``path`` (literal key first, then dotted: dict keys and list indexes)."""
    if isinstance(record, Mapping) and path in record:
        return record[path]
    value = record
    for part in path.split("."):
        if isinstance(value, Mapping):
            value = value.get(part)
        elif isinstance(value, list) and part.lstrip("-").isdigit() and value:
            index = int(part)
            value = value[index] if -len(value) <= index < len(value) else None
        else:
            return None
        if value is None:
            return None
    return value


def get_target(data: Mapping[str, Any], target: str) -> Any:
    head, _, tail = target.partition(".")
    value = data.get(head)
    if not tail:
        return value
    if head == "locations":
        value = value[0] if isinstance(value, list) and value else value
    if isinstance(value, str):  # an employer or a place given as text: its name/city
        return value if (head, tail) in (("employer", "name"), ("locations", "city")) else None
    return value.get(tail) if isinstance(value, Mapping) else None


def assign(data: dict[str, Any], target: str, value: Any) -> None:
    """Set ``target`` (a posting key, dotted for nested parts) in ``data``."""
    head, _, tail = target.partition(".")
    if not tail:
        if head == "salary" and isinstance(value, str) and isinstance(data.get("salary"), dict):
            data["salary"][SALARY_TEXT] = value  # structured parts win, text is the fallback
        elif head == "salary" and isinstance(value, Mapping):
            data["salary"] = {**data.get("salary", {}), **value} if isinstance(
                data.get("salary"), dict) else dict(value)
        else:
            data[head] = value
        return
    if isinstance(value, list) and value:
        value = value[0]
    if head == "locations":
        places = data.get("locations")
        if isinstance(places, (str, Mapping)):
            places = [places]
        if not isinstance(places, list) or not places:
            places = [{}]
        first = places[0]
        places[0] = {"city": first} if isinstance(first, str) else dict(first)
        places[0][tail] = value
        data["locations"] = places
        return
    current = data.get(head)
    if isinstance(current, str):
        current = {"name": current} if head == "employer" else {SALARY_TEXT: current}
    elif not isinstance(current, dict):
        current = {}
    current[tail] = value
    data[head] = current


def natural_id(record: Mapping[str, Any]) -> str | None:
    for key in ID_KEYS:
        value = record.get(key)
        if isinstance(value, (str, int)) and not isinstance(value, bool) and not is_empty(value):
            return str(value)
    return None


class FieldMapping(BaseModel):
    """See the module docstring; build with ``FieldMapping.model_validate(json_obj)``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    fields: dict[str, str | list[str]] = {}
    defaults: dict[str, Any] = {}
    external_id_from: str | None = None
    records: str | None = None
    next_page: str | None = None
    passthrough: bool = True

    @field_validator("fields", "defaults", mode="before")
    @classmethod
    def _targets(cls, value: Any) -> Any:
        if not isinstance(value, Mapping):
            return value
        return {_target(str(key)): item for key, item in value.items()}

    @property
    def hash_ids(self) -> bool:
        return self.external_id_from == "hash"

    @cached_property
    def _sources(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        return tuple((target, (sources,) if isinstance(sources, str) else tuple(sources))
                     for target, sources in self.fields.items())

    def apply(self, record: Mapping[str, Any], base: dict[str, Any] | None = None
              ) -> dict[str, Any]:
        return apply_mapping(self, record, base)


def _first(record: Mapping[str, Any], sources: tuple[str, ...]) -> Any:
    for source in sources:
        value = record[source] if source in record else lookup(record, source)
        if not is_empty(value):
            return value
    return None


def apply_mapping(mapping: FieldMapping | None, record: Mapping[str, Any],
                  base: dict[str, Any] | None = None) -> dict[str, Any]:
    """A raw posting dict from ``record``: ``base`` (what an adapter already knows) or
    the record's posting-named keys, then mapped fields, then defaults and the id.

    ``base`` is updated in place and record values are taken, not copied: both are
    expected to be fresh per item (only the shared ``defaults`` are copied)."""
    data: dict[str, Any]
    if base is not None:
        data = base
    elif mapping is None or mapping.passthrough:
        data = _posting_keys(record)
    else:
        data = {}
    if mapping is not None:
        _map_into(data, mapping, record)
    if is_empty(data.get("external_id")) and (mapping is None or not mapping.hash_ids):
        found = natural_id(record)
        if found is not None:
            data["external_id"] = found
    return data


def _posting_keys(record: Mapping[str, Any]) -> dict[str, Any]:
    """The record's keys that name posting fields (or their aliases), with a value."""
    data: dict[str, Any] = {}
    for key, value in record.items():
        target = ALIASES.get(str(key), str(key))
        if target in TARGETS and not is_empty(value):
            assign(data, target, value)
    return data


def _map_into(data: dict[str, Any], mapping: FieldMapping, record: Mapping[str, Any]) -> None:
    """The mapping's fields, then its defaults where still empty, then its external id."""
    for target, sources in mapping._sources:
        value = _first(record, sources)
        if value is not None:
            assign(data, target, value)
    for target, value in mapping.defaults.items():
        if target.startswith("salary.") and not isinstance(data.get("salary"), dict):
            continue
        if is_empty(get_target(data, target)):
            assign(data, target, copy.deepcopy(value))
    if mapping.external_id_from and not mapping.hash_ids:
        value = lookup(record, mapping.external_id_from)
        if not is_empty(value) and not isinstance(value, (dict, list)):
            data["external_id"] = str(value)
