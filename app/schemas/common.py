"""Shared field types and the problem-details model."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    return value


SafeStr = Annotated[str, AfterValidator(_no_nul)]
NonBlank = Annotated[str, AfterValidator(_no_nul), AfterValidator(_not_blank)]


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
    """OpenAPI ``responses`` entries for error codes, all problem+json."""
    return {
        code: {"model": Problem, "content": {"application/problem+json": {}},
               "description": "Problem details"}
        for code in codes
    }
