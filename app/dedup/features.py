"""Compare a newcomer with a job's representative: features, then a score.

The score is a sum of points (log-odds in spirit), easy to read in an explain
record. Some features veto a match outright because merging two different jobs
is worse than missing a duplicate: another city, another district, another
seniority, another requisition code, another verified employer, another job type,
an unrelated title.
"""

from __future__ import annotations

import re
from typing import Any

from rapidfuzz.distance import Indel

from .signature import Signature
from .titles import TitleKey, stem

THRESHOLD = 4.0        # join a job at or above this score
STAY_THRESHOLD = 3.5   # an updated posting stays in its job at or above this (hysteresis)
SHORT_DESC = 300       # compact characters of the shorter description compared
MIN_DESC = 12          # below this a description says nothing
# A weak employer name ("某知名企业", "保密") says nothing about who is hiring: such a pair also
# needs the descriptions to agree (the shorter one mostly found in the longer), or 开发工程师 at
# one company would absorb every hidden 开发工程师 in town.
WEAK_MIN_DESC = 0.8

# Titles that are not the same once normalised ("contained": 软件测试 ~ 软件测试工程师; "similar")
# need every other feature to agree: one employer often reuses one description for many titles.
TITLE_POINTS = {"exact": 3.0, "same_core": 2.5, "contained": 0.0, "similar": -0.5, "uninformative": 0.5}
CLOSE_TITLES = ("exact", "same_core")
_DIGITS = re.compile(r"\d+")


def _generic(extra: str) -> bool:
    return not stem(extra)


def title_match(a: TitleKey, b: TitleKey) -> tuple[str, float]:
    """(level, similarity): exact | same_core | code_conflict | contained | similar | uninformative
    (both titles are only decoration, such as "急聘") | different."""
    sim = round(Indel.normalized_similarity(a.core, b.core), 3)
    if not a.key or not b.key:
        return ("uninformative" if not a.key and not b.key else "different"), sim
    if a.key == b.key:
        return "exact", 1.0
    if a.core == b.core:
        return ("code_conflict" if a.codes and b.codes else "same_core"), 1.0
    if _DIGITS.findall(a.core) != _DIGITS.findall(b.core):  # 工程师1 / 工程师2, (JOB-1) / (JOB-2)
        return "different", sim
    short, long = sorted((a.core, b.core), key=len)
    if len(short) >= 4 and short in long and _generic(long.replace(short, "", 1)):
        return "contained", sim
    if sim >= 0.92:
        return "similar", sim
    return "different", sim


def ruled_out(new: Signature, rep: Signature) -> bool:
    """A cheap early no for most candidates (another title, seniority, code or place), before the
    full comparison: a block of a big employer holds many jobs with other titles."""
    a, b = new.title, rep.title
    if a.key != b.key:
        if not a.key or not b.key:
            return True
        if a.core != b.core:
            short, long = sorted((a.core, b.core), key=len)
            if short not in long and 2 * len(short) / (len(short) + len(long)) < 0.92:
                return True
    if a.seniority != b.seniority or (a.codes and b.codes and a.codes != b.codes):
        return True
    # Another pay bracket costs more points than the best of everything else can make up
    # (``max_score_with_salary``): one employer's many 销售代表 at other pay end here, cheaply.
    if salary_match(new, rep) in ("partial", "disjoint"):
        return True
    return place_match(new.places, rep.places) in ("other_city", "district_conflict")


SALARY_POINTS = {"overlap": 0.5, "partial": -4.0, "disjoint": -5.0}


def max_score_with_salary(level: str) -> float:
    """The best score a pair can reach when its salaries compare as ``level``."""
    best = max(TITLE_POINTS.values()) + 2.0 + 0.5 + 2.0 + 0.3  # title, employer, district, description, education
    return best + SALARY_POINTS.get(level, 0.0)


def place_match(a: tuple[tuple[str, str | None], ...], b: tuple[tuple[str, str | None], ...]) -> str:
    """same_district | same_city (one of them names only the city) | district_conflict | other_city."""
    best = "other_city"
    for city, district in a:
        for city2, district2 in b:
            if city != city2:
                continue
            if district and district2:
                if district == district2:
                    return "same_district"
                best = "district_conflict" if best == "other_city" else best
            else:
                best = "same_city"
    return best


def containment(a: Signature, b: Signature) -> float | None:
    """Share of the shorter description's 3-grams found in the longer one (cut-short texts still match)."""
    short, long = (a, b) if len(a.desc) <= len(b.desc) else (b, a)
    if len(short.desc) < MIN_DESC:
        return None
    grams = short.shingles(SHORT_DESC)
    return round(len(grams & long.shingles(len(long.desc))) / len(grams), 3) if grams else None


def salary_match(a: Signature, b: Signature) -> str | None:
    """overlap (mostly the same range) | partial (barely touching: 10-15k and 15-20k) | disjoint |
    None (one side says nothing)."""
    lo1, hi1 = a.salary_min, a.salary_max
    lo2, hi2 = b.salary_min, b.salary_max
    if (lo1 is None and hi1 is None) or (lo2 is None and hi2 is None):
        return None
    lo1, hi1 = (lo1 if lo1 is not None else hi1), (hi1 if hi1 is not None else lo1)
    lo2, hi2 = (lo2 if lo2 is not None else hi2), (hi2 if hi2 is not None else lo2)
    assert lo1 is not None and hi1 is not None and lo2 is not None and hi2 is not None
    shared = min(hi1, hi2) - max(lo1, lo2)
    if shared < 0:
        return "disjoint"
    narrower = min(hi1 - lo1, hi2 - lo2)
    return "overlap" if narrower == 0 or shared / narrower >= 0.5 else "partial"


def _same_or(a: Any, b: Any) -> str | None:
    if a is None or b is None or a == "" or b == "":
        return None
    return "same" if a == b else "conflict"


def compare(new: Signature, rep: Signature) -> dict[str, Any]:
    """The features of ``new`` against a representative ``rep`` (JSON-ready, for explain)."""
    title, similarity = title_match(new.title, rep.title)
    if new.credit_code and rep.credit_code:
        employer = "same" if new.credit_code == rep.credit_code else "conflict"
    elif new.weak or rep.weak:  # "某知名公司" from two agencies says nothing about sameness
        employer = "weak"
    elif new.employer_id == rep.employer_id or new.name_key == rep.name_key:
        employer = "same"
    else:
        employer = "different"
    days = None
    if new.posted_at and rep.posted_at:
        days = abs((new.posted_at - rep.posted_at).days)
    return {
        "employer": employer, "place": place_match(new.places, rep.places),
        "title": title, "title_similarity": similarity,
        "seniority": "same" if new.title.seniority == rep.title.seniority else "conflict",
        "codes": _same_or(new.title.codes, rep.title.codes),
        "job_type": _same_or(new.job_type, rep.job_type),
        "education": _same_or(new.education, rep.education),
        "salary": salary_match(new, rep), "description": containment(new, rep), "days_apart": days,
    }


def veto(f: dict[str, Any]) -> str | None:
    """The first feature that rules a match out, or None."""
    if f["employer"] in ("conflict", "different"):
        return "employer"
    if f["employer"] == "weak" and (f["description"] is None or f["description"] < WEAK_MIN_DESC):
        return "weak_employer"
    if f["place"] in ("other_city", "district_conflict"):
        return "place"
    if f["title"] in ("different", "code_conflict"):
        return "title"
    if f["seniority"] == "conflict":
        return "seniority"
    if f["codes"] == "conflict":
        return "codes"
    if f["job_type"] == "conflict":
        return "job_type"
    return None


def points(f: dict[str, Any]) -> dict[str, float]:
    """Each feature's contribution to the score."""
    out = {"title": TITLE_POINTS.get(f["title"], 0.0), "employer": 2.0 if f["employer"] == "same" else 0.0,
           "place": 0.5 if f["place"] == "same_district" else 0.0}
    c = f["description"]
    top = 2.0 if f["title"] in CLOSE_TITLES else 1.0
    out["description"] = 0.0 if c is None else max(-2.0, min(top, 4.0 * (c - 0.5)))
    # Another pay bracket is another vacancy even with the same text (one employer, one description).
    out["salary"] = SALARY_POINTS.get(f["salary"] or "", 0.0)
    out["education"] = {"same": 0.3, "conflict": -1.0}.get(f["education"] or "", 0.0)
    days = f["days_apart"]
    out["posted_at"] = 0.0 if days is None or days <= 60 else (-1.5 if days <= 180 else -3.0)
    return out


def score(f: dict[str, Any]) -> float:
    """The match score (vetoed pairs score 0)."""
    if veto(f):
        return 0.0
    return round(sum(points(f).values()), 3)
