"""Shared field types and the problem-details model."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import Path
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

# What neither database can hold in a text column: PostgreSQL refuses NUL (psycopg raises
# DataError), and an unpaired surrogate cannot be encoded as UTF-8 for either of them.
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
UNSTORABLE_MESSAGE = "must not contain NUL (U+0000) or unpaired surrogate characters"


def storable(value: str) -> str:
    """Refuse text the databases cannot store, so it is a 422 naming the field on both, not a 500."""
    if UNSTORABLE.search(value):
        raise ValueError(UNSTORABLE_MESSAGE)
    return value


def storable_or_none(value: Any) -> str | None:
    """A partner's own value echoed back (an id in a rejection): itself if it is storable text, else None."""
    return value if isinstance(value, str) and not UNSTORABLE.search(value) else None


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    return value


STORABLE = AfterValidator(storable)
SafeStr = Annotated[str, STORABLE]
NonBlank = Annotated[str, STORABLE, AfterValidator(_not_blank)]


def _storable_json(value: Any) -> Any:
    """Every key and string inside a JSON value must be storable (PostgreSQL's jsonb refuses \\u0000)."""
    if isinstance(value, str):
        storable(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            _storable_json(key)
            _storable_json(item)
    elif isinstance(value, list):
        for item in value:
            _storable_json(item)
    return value


StorableJson = Annotated[dict[str, Any], AfterValidator(_storable_json)]

# The hub's own ids (32 hex characters; anything else up to 64 is simply not found), in bodies,
# paths and queries. Every id the API takes is one of these, so none reaches SQL unchecked.
# The served document says so too (``storable`` itself cannot be a JSON Schema): a client learns the
# rule, and a fuzzer's negative cases send the NUL the rule is about.
NO_NUL = {"pattern": "^[^\\x00]*$"}
ID_DOC = "An id the hub gave (at most 64 characters)"
Id = Annotated[str, Field(min_length=1, max_length=64, description=ID_DOC, json_schema_extra=NO_NUL), STORABLE]
IdPath = Annotated[str, Path(min_length=1, max_length=64, description=ID_DOC, json_schema_extra=NO_NUL), STORABLE]
# A partner's own id for its posting (any text up to 128 characters), in the path.
ExternalIdPath = Annotated[str, Path(min_length=1, max_length=128, json_schema_extra=NO_NUL,
                                     description="Your id for the posting (at most 128 characters)"), STORABLE]


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)


class FieldError(BaseModel):
    field: str = Field(description="Where the problem is, e.g. `postings[3].title`")
    message: str
    type: str


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    instance: str | None = None
    errors: list[FieldError] | None = None


def problem_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries for error codes, all problem+json (``app.openapi`` fills in
    the ``Problem`` schema and a description, and adds the codes every operation of a kind has)."""
    return {code: {"description": "Problem details", "content": {"application/problem+json": {}}}
            for code in codes}
