"""Minimum education requirement → one of ``EDUCATION_LEVELS``.

"本科及以上" → bachelor, "大专/本科" → associate (the lowest level named is the
minimum), "学历不限" → any.  初中/小学 requirements count as "any": the scale
has nothing below secondary school.  Unknown text gives None.
"""

from __future__ import annotations

from app.normalize.text import clean_text

__all__ = ["EDUCATION_LEVELS", "parse_education"]

EDUCATION_LEVELS = ("any", "secondary", "associate", "bachelor", "master", "doctorate")

# Longer words first where one contains another (博士研究生 before 研究生).
_REWRITES = (("博士研究生", "博士"), ("硕士研究生", "硕士"), ("博士后", "博士"),
             ("在读研究生", "硕士"), ("专升本", "本科"))
_WORDS: tuple[tuple[str, str], ...] = (
    ("初中", "any"), ("小学", "any"),
    ("中专", "secondary"), ("中技", "secondary"), ("技校", "secondary"), ("中职", "secondary"),
    ("职高", "secondary"), ("高中", "secondary"), ("中等专业", "secondary"),
    ("大专", "associate"), ("专科", "associate"), ("高职", "associate"), ("高专", "associate"),
    ("本科", "bachelor"), ("学士", "bachelor"), ("大学", "bachelor"),
    ("硕士", "master"), ("研究生", "master"), ("mba", "master"), ("mpa", "master"),
    ("博士", "doctorate"),
)
_ENGLISH = {
    **{level: level for level in EDUCATION_LEVELS},
    "none": "any", "no requirement": "any", "unlimited": "any",
    "high school": "secondary", "vocational": "secondary",
    "associate's": "associate", "associate degree": "associate", "junior college": "associate",
    "college": "associate",
    "bachelor's": "bachelor", "bachelor's degree": "bachelor", "undergraduate": "bachelor",
    "master's": "master", "master's degree": "master", "postgraduate": "master",
    "phd": "doctorate", "ph.d.": "doctorate", "doctoral": "doctorate", "doctor": "doctorate",
}


def parse_education(value: str | None) -> str | None:
    """Map a partner's education text to an ``EDUCATION_LEVELS`` value or None."""
    if not value or not isinstance(value, str):
        return None
    s = clean_text(value).lower()
    if s in _ENGLISH:
        return _ENGLISH[s]
    s = s.replace(" ", "")
    for old, new in _REWRITES:
        s = s.replace(old, new)
    found = [level for word, level in _WORDS if word in s]
    if found:
        return min(found, key=EDUCATION_LEVELS.index)
    if "不限" in s or "无要求" in s or "无学历" in s:
        return "any"
    return None
