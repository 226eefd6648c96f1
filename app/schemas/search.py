"""A search of the shared job index: one model that every search surface accepts.

``SearchQuery`` (what to find, and in which order) is the query string of ``GET /api/v1/jobs``,
of the feeds and the CSV export, and of the students' search page; ``app.search.service`` runs
it. A new filter is one field here and one clause in ``app.search.service.build_plan``.
List filters take repeated parameters or comma-separated values; an invalid value is a 422
naming the parameter.
"""

from __future__ import annotations

import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    Field,
    ValidationError,
    ValidatorFunctionWrapHandler,
    WrapValidator,
)
from pydantic_core import PydanticCustomError

from app.normalize import region_by_code

from .common import STORABLE, SafeStr

__all__ = ["Education", "EmployerType", "FacetName", "FeedQuery", "JobSearch", "JobType", "SearchQuery", "Sort",
           "Status"]

Education = Literal["any", "secondary", "associate", "bachelor", "master", "doctorate"]
JobType = Literal["full_time", "part_time", "internship", "other"]
EmployerType = Literal["soe", "private", "foreign", "public_institution", "government", "other"]
FacetName = Literal["region", "industry", "education", "job_type", "employer_type"]
Sort = Literal["relevance", "newest", "salary"]
Status = Literal["open", "closed", "any"]
Id = Annotated[str, Field(pattern=r"^[0-9A-Za-z]{1,64}$"), STORABLE]


def _region(code: str) -> str:
    region = region_by_code(code) if len(code) == 6 and code.isdigit() else None
    if region is None:
        raise ValueError(f"unknown GB/T 2260 region code {code[:20]!r}")
    return region.code


def _industry(letter: str) -> str:
    if len(letter) != 1 or not "A" <= letter.upper() <= "T":
        raise ValueError("must be a GB/T 4754 section letter A-T")
    return letter.upper()


def _split(value: Any) -> Any:
    """Repeated values and comma-separated ones alike, blanks and repeats dropped."""
    if isinstance(value, str):
        value = [value]
    if isinstance(value, (list, tuple)):
        parts = [p.strip() for raw in value for p in (raw.split(",") if isinstance(raw, str) else [raw])]
        return list(dict.fromkeys(p for p in parts if p != ""))
    return value


def _whole(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    """An invalid item is an error of the parameter itself (``education``, not ``education[1]``);
    ``ctx.value`` holds the item."""
    try:
        return handler(value)
    except ValidationError as exc:
        err = exc.errors()[0]
        message = str(err["msg"]).replace("{", "{{").replace("}", "}}")
        raise PydanticCustomError(err["type"], message, {"value": err.get("input")}) from None


# List parameters: split, then each item validated (an invalid one names the whole parameter).
Regions = Annotated[list[Annotated[str, AfterValidator(_region)]], WrapValidator(_whole), BeforeValidator(_split)]
Industries = Annotated[list[Annotated[str, AfterValidator(_industry)]], WrapValidator(_whole),
                       BeforeValidator(_split)]
Educations = Annotated[list[Education], WrapValidator(_whole), BeforeValidator(_split)]
JobTypes = Annotated[list[JobType], WrapValidator(_whole), BeforeValidator(_split)]
EmployerTypes = Annotated[list[EmployerType], WrapValidator(_whole), BeforeValidator(_split)]
Facets = Annotated[list[FacetName], WrapValidator(_whole), BeforeValidator(_split)]
_LISTS = "Repeat the parameter or separate values with commas."


class SearchQuery(BaseModel):
    """What to find, and in which order: invalid values are a 422 naming the parameter."""

    q: SafeStr | None = Field(None, max_length=200, description="Words to find (Chinese needs no spaces)")
    region: Regions = Field([], max_length=50, description="GB/T 2260 codes; a province or city matches "
                                                            "everything inside it. " + _LISTS)
    industry: Industries = Field([], max_length=20, description="GB/T 4754 section letters A-T. " + _LISTS)
    education: Educations = Field([], max_length=6, description="Education asked. " + _LISTS)
    job_type: JobTypes = Field([], max_length=4, description=_LISTS)
    employer_type: EmployerTypes = Field([], max_length=6, description=_LISTS)
    salary_min: int | None = Field(None, ge=0, le=10_000_000, examples=[8000],
                                    description="Monthly CNY the job's range must reach")
    posted_since: datetime.date | None = Field(None, description="Posted on or after this day (China time)")
    sort: Sort = Field("relevance", examples=["salary"])
    status: Status = "open"
    employer_id: Id | None = Field(None, description="Only this employer's jobs")
    fair: Id | None = Field(None, description="Only the jobs on offer at this fair (`GET /api/v1/fairs`)")


class JobSearch(SearchQuery):
    """``GET /api/v1/jobs``: a search, one page of it and its facets."""

    limit: int = Field(20, ge=1, le=100)
    cursor: str | None = Field(None, max_length=2000, description="`next_cursor` of the page before")
    facets: Facets = Field([], max_length=5, description="Among region, industry, education, job_type, "
                                                         "employer_type. " + _LISTS)


class FeedQuery(SearchQuery):
    """The feeds and the CSV export: a search, newest first unless told otherwise."""

    sort: Sort = Field("newest", examples=["salary"])


class Suggestion(BaseModel):
    text: str = Field(description="A real job title or employer name", examples=["会计"])
    kind: Literal["title", "employer"]
    jobs: int = Field(description="Open jobs with this title or employer")


class SuggestList(BaseModel):
    q: str
    suggestions: list[Suggestion] = Field(description="At most 10, the best first")
