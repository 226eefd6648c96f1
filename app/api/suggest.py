"""Search suggestions (public): completions for the search box from real titles and employers."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from app.schemas.common import SafeStr, problem_responses
from app.schemas.search import SuggestList
from app.search.suggest import LIMIT, suggest_index

from .deps import DbDep, SettingsDep

router = APIRouter(prefix="/api/v1", tags=["jobs"])


@router.get("/suggest", response_model=SuggestList, responses=problem_responses(422),
            summary="Complete what a student types: Chinese prefixes, pinyin (kuaiji) and initials (kj)")
def get_suggest(db: DbDep, settings: SettingsDep,
                q: Annotated[SafeStr, Query(max_length=100, description="What was typed so far",
                                            examples=["kuaiji"])] = "",
                limit: Annotated[int, Query(ge=1, le=LIMIT)] = LIMIT) -> dict[str, Any]:
    """Up to ``limit`` real job titles and employer names of open jobs that start with ``q``, or
    whose pinyin or pinyin initials do; the most common first. An empty ``q`` gives none."""
    if not q.strip():
        return {"q": q, "suggestions": []}
    with db.read() as session:
        index = suggest_index(session, settings.database_url)
    found = index.suggest(q, limit)
    return {"q": q, "suggestions": [{"text": e.text, "kind": e.kind, "jobs": e.weight} for e in found]}
