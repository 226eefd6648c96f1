"""A job page's "similar jobs": the same title family, the same city first.

A title's family is the title without what only tells one vacancy from another: bracketed
notes (``（2026届校招）``, ``(J10093)``), seniority words (高级, 资深, 初级…) and trailing
place names after a dash. Searching the family (relevance order) finds the same kind of work.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy.orm import Session

from app.normalize import ancestors
from app.schemas.search import SearchQuery
from app.search.service import search_jobs

_BRACKETS = re.compile(r"[（(【\[<《][^）)】\]>》]*[）)】\]>》]")
_SENIORITY = re.compile(r"^(?:急招|急聘|诚聘|高级|资深|初级|中级|见习|实习|兼职|储备|首席|主任|助理(?=[\u4e00-\u9fff]{3}))+")
_TAIL = re.compile(r"\s*[-—–_/|·]\s*[^-—–_/|·]*$")
SIMILAR = 6


def _city(code: str) -> str:
    """The city a code lies in (a district's city; a province stays itself)."""
    chain = ancestors(code)
    return chain[1] if len(chain) > 2 else chain[0]


def title_family(title: str) -> str:
    """``高级Java开发工程师（2026届）-深圳`` → ``Java开发工程师``."""
    core = _BRACKETS.sub(" ", title).strip()
    if _TAIL.search(core) and len(_TAIL.sub("", core).strip()) >= 2:
        core = _TAIL.sub("", core).strip()
    stripped = _SENIORITY.sub("", core).strip()
    return (stripped if len(stripped) >= 2 else core)[:60] or title[:60]


def similar_jobs(session: Session, job: dict[str, Any], secret: str) -> list[dict[str, Any]]:
    """Up to six open jobs of the same family, those in the job's city first; never the job itself."""
    family = title_family(job["title"])
    cities = list(dict.fromkeys(_city(loc["region_code"]) for loc in job.get("locations") or []
                                if loc.get("region_code") and ancestors(loc["region_code"])))[:3]
    out: dict[str, dict[str, Any]] = {}
    for region in ([cities] if cities else []) + [[]]:
        try:
            found = search_jobs(session, SearchQuery(q=family, region=region), limit=SIMILAR + 1, secret=secret)
        except ValueError:
            continue
        for j in found.items:
            if j["id"] != job["id"] and len(out) < SIMILAR:
                out.setdefault(j["id"], dict(j))
        if len(out) >= SIMILAR:
            break
    return list(out.values())
