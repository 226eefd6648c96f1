"""Signatures: the comparable features of a posting (a newcomer) or of a job (its representative),
and the block hashes a job is filed under and a newcomer looks in."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from app.jobs.rows import BuiltJob, LocationDoc, PostingDoc
from app.normalize import monthly, region_by_code, resolve_location, short_text_cache

from .names import employer_name_key, is_weak_employer
from .titles import TitleKey, normalise_title, stem

DESC_CHARS = 600  # enough of a description to compare; partners cut them short anyway
DESC_RAW_CHARS = 900  # raw characters read from the database to get DESC_CHARS compact ones
Place = tuple[str, "str | None"]
# A newcomer is compared with at most this many jobs per block, the newest (ids are time
# ordered). Blocks are keyed employer × city × title stem, so only an employer with hundreds of
# open jobs under one title in one city (a chain's 销售代表 at every pay grade) reaches it; without
# the cap, that employer's every posting would be compared with all of them.
MAX_PER_BLOCK = 200


@dataclass(slots=True)
class Signature:
    employer_id: str
    name_key: str
    credit_code: str | None  # only a verified one
    weak: bool
    title: TitleKey
    job_type: str | None
    education: str | None
    salary_min: int | None  # monthly CNY
    salary_max: int | None
    places: tuple[Place, ...]
    posted_at: datetime | None
    description: str | None = None  # as stored (already clean); compacted on first use
    _desc: str | None = field(default=None, repr=False)
    _grams: dict[int, frozenset[str]] = field(default_factory=dict, repr=False)

    @property
    def desc(self) -> str:
        """The compact description prefix (computed once, only for pairs that get this far)."""
        if self._desc is None:
            self._desc = compact_description(self.description)
        return self._desc

    def shingles(self, limit: int) -> frozenset[str]:
        """Character 3-grams of the first ``limit`` compact description characters (cached)."""
        grams = self._grams.get(limit)
        if grams is None:
            text = self.desc[:limit]
            grams = self._grams[limit] = frozenset(text[i:i + 3] for i in range(len(text) - 2))
        return grams


_NOT_ALNUM = re.compile(r"[\W_]+")


def compact_description(text: str | None) -> str:
    """Letters and digits only, lower case (text on the road in is already clean_text-ed)."""
    if not text:
        return ""
    return _NOT_ALNUM.sub("", text[:DESC_RAW_CHARS].lower())[:DESC_CHARS]


def places_of(locations: Sequence[LocationDoc]) -> tuple[Place, ...]:
    """(city code, district code or None) per location; a province-only place uses its own code."""
    out: list[Place] = []
    for loc in locations or []:
        region = region_by_code(loc.get("region_code") or "")
        if region is None:
            continue
        if region.level == "district":
            place: Place = (region.city_code or region.province_code, region.code)
        elif region.level == "city":
            place = (region.code, None)
        else:
            place = (region.city_code or region.code, None)
        if place not in out:
            out.append(place)
    return tuple(out)


@short_text_cache(4096)
def _place_of(text: str) -> tuple[str, str, str] | None:
    """(level, own code, name) of a place named in a title."""
    region = resolve_location(text)
    if region is None:
        return None
    if region.level == "province":
        return "province", region.code, region.province
    return "city", region.city_code or region.code, region.city or region.name


def with_foreign_places(title: TitleKey, places: tuple[Place, ...]) -> TitleKey:
    """A title that names another city than the posting's ("架构师(东莞)" posted in 深圳) keeps it."""
    if not title.places or not places:
        return title
    cities = {city for city, _ in places}
    provinces = {city[:2] + "0000" for city in cities}
    foreign = set()
    for text in title.places:
        found = _place_of(text)
        if found and found[1] not in (provinces if found[0] == "province" else cities):
            foreign.add(found[2])
    if not foreign:
        return title
    tag = "@" + "+".join(sorted(foreign))
    return replace(title, key=title.key + tag, core=title.core + tag)


def _education(value: str | None) -> str | None:
    return None if value in (None, "any") else value


def from_posting(employer_id: str, data: PostingDoc, made: Signature | None = None) -> Signature:
    """A newcomer's signature, from its normalised posting document; ``made``: the one
    ``posting_signature`` made for this document (only the employer id is added)."""
    if made is not None:
        return replace(made, employer_id=employer_id)
    emp = data["employer"]
    salary: Mapping[str, Any] = data.get("salary") or {}
    posted = data.get("posted_at")
    places = places_of(data.get("locations") or [])
    return Signature(
        employer_id=employer_id,
        name_key=employer_name_key(emp["name"]),
        credit_code=emp.get("credit_code") if emp.get("credit_code_verified") else None,
        weak=is_weak_employer(emp["name"]),
        title=with_foreign_places(normalise_title(data["title"]), places),
        job_type=data.get("job_type"),
        education=_education(data.get("education")),
        salary_min=monthly(salary.get("min"), salary.get("period")),
        salary_max=monthly(salary.get("max"), salary.get("period")),
        places=places,
        posted_at=datetime.fromisoformat(posted) if isinstance(posted, str) else posted,
        description=data.get("description"),
    )


def posting_signature(data: PostingDoc) -> Signature:
    """A posting's signature before its employer is known (``employer_id`` empty): everything
    else comes from the document alone, so ``prepare`` makes it outside the write transaction."""
    return from_posting("", data)


def from_job(row: BuiltJob, canonical: PostingDoc) -> Signature:
    """A job's representative: its canonical fields (``row`` as built by ``build_job``) and the
    employer as its canonical posting (``canonical``, a posting document) names it."""
    emp = canonical["employer"]
    places = places_of(row.get("locations") or [])
    return Signature(
        employer_id=row["employer_id"],
        name_key=employer_name_key(emp["name"]),
        credit_code=emp.get("credit_code") if emp.get("credit_code_verified") else None,
        weak=is_weak_employer(emp["name"]),
        title=with_foreign_places(normalise_title(row["title"]), places),
        job_type=row.get("job_type"),
        education=_education(row.get("education")),
        salary_min=row.get("salary_month_min"),
        salary_max=row.get("salary_month_max"),
        places=places,
        posted_at=row.get("posted_at"),
        description=row.get("description"),
    )


def block_hash(key: str) -> int:
    """A signed 64-bit hash of a block key (a BIGINT column and a PostgreSQL advisory lock id)."""
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "big", signed=True)


@short_text_cache(16384, limit=256)  # a posting's lock keys, lookups and its job's blocks share most arguments
def _keys(employer_id: str, name_key: str, title: TitleKey, places: tuple[Place, ...], *, text: bool,
          hidden: bool, filing: bool) -> tuple[int, ...]:
    """Block hashes. A job with a requisition code is filed under its code and under "some code"; a
    newcomer with a code looks for that code and for jobs without one; a newcomer without a code
    looks for both kinds. So one employer's hundred 开发工程师(00xxxx) never share one block.

    ``text`` adds the title × city block (``t:``) every job is filed under and a newcomer with a
    weak employer name looks in; ``hidden`` adds the block (``w:``) that only jobs first seen with a
    weak employer name are filed under, where a newcomer that names its employer looks. Both key
    on the title's core (codes left out: the score tells codes apart), never on its stem: a weak
    employer name says nothing, so the title has to say it.

    Only the ``e:`` blocks need the employer's id; the rest (``_named_keys``) ``prepare`` makes
    outside the write transaction (``prime``), so a writer hashes about half as many keys."""
    tails = _tails(title, filing)
    out = [block_hash(f"e:{employer_id}|{city}|{tail}") for city in _cities(places) for tail in tails]
    named = _named_keys(name_key, title, places, text=text, hidden=hidden, filing=filing)
    return tuple(sorted({*out, *named}))


@short_text_cache(16384, limit=256)
def _named_keys(name_key: str, title: TitleKey, places: tuple[Place, ...], *, text: bool, hidden: bool,
                filing: bool) -> tuple[int, ...]:
    """The blocks of ``_keys`` that do not name the employer's id: its name × city × title stem,
    title × city (``t:``) and hidden title × city (``w:``)."""
    out: list[int] = []
    tails = _tails(title, filing)
    for city in _cities(places):
        out.extend(block_hash(f"n:{name_key}|{city}|{tail}") for tail in tails)
        if title.key:
            if text:
                out.append(block_hash(f"t:{title.core}|{city}"))
            if hidden:
                out.append(block_hash(f"w:{title.core}|{city}"))
    return tuple(out)


def _cities(places: tuple[Place, ...]) -> dict[str, None]:
    return dict.fromkeys(city for city, _ in places)


@short_text_cache(16384, limit=128)
def _tails(title: TitleKey, filing: bool) -> tuple[str, ...]:
    """The title part of the employer blocks (see ``_keys``)."""
    title_stem = stem(title.core)
    if title.codes:
        return f"{title_stem}|{title.codes}", f"{title_stem}|*" if filing else f"{title_stem}|"
    return (f"{title_stem}|",) if filing else (f"{title_stem}|", f"{title_stem}|*")


def prime(sig: Signature) -> None:
    """Make, ahead of the write transaction, the block hashes of a posting's signature that do not
    depend on its employer's id (``_named_keys`` remembers them): the ones ``lock_keys``, ``lookups``
    and ``blocks`` of a job it opens will ask for."""
    for text, hidden, filing in ((sig.weak, not sig.weak, False), (True, sig.weak, True)):
        _named_keys(sig.name_key, sig.title, sig.places, text=text, hidden=hidden, filing=filing)


def blocks(sig: Signature) -> tuple[int, ...]:
    """Where a job is filed: employer × city × title stem, employer name × city × title stem, title
    × city (where a newcomer with a weak employer name such as "某知名公司" looks) and, for a job
    whose representative names no employer, hidden title × city (where every other newcomer looks).
    Keying on the title stem keeps blocks small however many jobs one employer has."""
    return _keys(sig.employer_id, sig.name_key, sig.title, sig.places, text=True, hidden=sig.weak, filing=True)


def lookups(sig: Signature) -> tuple[int, ...]:
    """Where a newcomer looks for candidates (and what it locks on PostgreSQL): its own employer's
    blocks, and the jobs of the other kind of name (a weak name looks at every job with its title;
    a real name at the jobs that hid theirs)."""
    return _keys(sig.employer_id, sig.name_key, sig.title, sig.places, text=sig.weak, hidden=not sig.weak,
                 filing=False)


def stored_fields(sig: Signature) -> dict[str, Any]:
    """The ``job_signatures`` columns for a signature (without job id, posting, status, blocks)."""
    return {
        "employer_id": sig.employer_id, "name_key": sig.name_key[:300], "credit_code": sig.credit_code,
        "weak": sig.weak, "title_key": sig.title.key[:500], "title_core": sig.title.core[:500],
        "seniority": sig.title.seniority[:64], "codes": sig.title.codes[:200], "job_type": sig.job_type,
        "education": sig.education, "salary_min": sig.salary_min, "salary_max": sig.salary_max,
        "places": [list(p) for p in sig.places], "posted_at": sig.posted_at,
    }


def from_stored(row: Any, description: str | None) -> Signature:
    """A representative read back from ``job_signatures`` (plus its job's description)."""
    return Signature(
        employer_id=row.employer_id, name_key=row.name_key, credit_code=row.credit_code, weak=row.weak,
        title=TitleKey(row.title_key, row.title_core, row.seniority, row.codes),
        job_type=row.job_type, education=row.education, salary_min=row.salary_min,
        salary_max=row.salary_max, places=tuple((p[0], p[1]) for p in row.places),
        posted_at=row.posted_at, description=description,
    )


def lock_keys(employer_id: str, data: PostingDoc, made: Signature | None = None) -> tuple[int, ...]:
    """What a posting locks before dedup runs (from its document alone): the blocks it looks in
    and the blocks a job it opens is filed under. Two writers that could make one job share a
    key whichever way round they see each other: a hidden-name posting looks in ``t:`` and files
    under ``w:``, a named one looks in ``w:`` and files under ``t:``. ``made``: as for ``from_posting``."""
    sig = made if made is not None else posting_signature(data)
    key, title, places, weak = sig.name_key, sig.title, sig.places, sig.weak
    looks = _keys(employer_id, key, title, places, text=weak, hidden=not weak, filing=False)
    files = _keys(employer_id, key, title, places, text=True, hidden=weak, filing=True)
    return tuple(sorted(set(looks + files)))
