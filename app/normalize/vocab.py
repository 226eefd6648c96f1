"""Small vocabularies: employer type and job type.

Employer type is about ownership.  Decisions for words that do not say who
owns the employer: 上市公司 (listed), 股份制企业 (joint-stock), 社会团体/非营利
and 其它 → "other"; 港澳台公司 and 代表处 (almost always a foreign company's
representative office) → "foreign".
"""

from __future__ import annotations

from app.normalize.text import clean_text

__all__ = ["EMPLOYER_TYPES", "JOB_TYPES", "parse_employer_type", "parse_job_type"]

EMPLOYER_TYPES = ("soe", "private", "foreign", "public_institution", "government", "other")
JOB_TYPES = ("full_time", "part_time", "internship", "other")

_EMPLOYER_EXACT = {
    "国企": "soe", "国有企业": "soe", "央企": "soe", "中央企业": "soe", "国有控股": "soe",
    "国有控股企业": "soe", "地方国企": "soe", "市属国企": "soe", "省属国企": "soe",
    "民营": "private", "民营企业": "private", "私营": "private", "私营企业": "private",
    "民企": "private", "个体": "private", "个体工商户": "private", "私企": "private",
    "外商独资": "foreign", "外资": "foreign", "外资企业": "foreign", "合资": "foreign",
    "中外合资": "foreign", "中外合作": "foreign", "外企": "foreign", "外企代表处": "foreign",
    "代表处": "foreign", "港澳台公司": "foreign", "港澳台企业": "foreign", "台资": "foreign",
    "港资": "foreign",
    "事业单位": "public_institution", "学校": "public_institution",
    "学校/下级学院": "public_institution", "高等院校": "public_institution",
    "高校": "public_institution", "医院": "public_institution",
    "科研院所": "public_institution", "科研单位": "public_institution",
    "政府机关": "government", "机关": "government", "国家机关": "government",
    "党政机关": "government", "行政机关": "government", "政府": "government",
    "上市公司": "other", "股份制企业": "other", "股份制": "other", "社会团体": "other",
    "非营利组织": "other", "民办非企业": "other", "社会组织": "other",
    "其它": "other", "其他": "other",
}
# Substring rules for longer phrases, in priority order.
_EMPLOYER_WORDS = (
    (("国有", "国企", "央企"), "soe"),
    (("外资", "外商", "合资", "外企", "港澳台", "代表处"), "foreign"),
    (("民营", "私营", "民企"), "private"),
    (("事业单位", "学校", "学院", "大学", "医院", "科研"), "public_institution"),
    (("机关", "政府"), "government"),
    (("上市", "股份", "社会团体", "非营利"), "other"),
)

_JOB_EXACT = {
    "全职": "full_time", "full-time": "full_time", "full time": "full_time", "fulltime": "full_time",
    "兼职": "part_time", "part-time": "part_time", "part time": "part_time", "parttime": "part_time",
    "实习": "internship", "实习生": "internship", "intern": "internship",
}
_JOB_WORDS = (("实习", "internship"), ("兼职", "part_time"), ("全职", "full_time"))


def parse_employer_type(value: str | None) -> str | None:
    """Chinese employer-nature words (民营, 国企, 外商独资…) → ``EMPLOYER_TYPES``."""
    s = _clean(value)
    if not s:
        return None
    if s in EMPLOYER_TYPES:
        return s
    if s in _EMPLOYER_EXACT:
        return _EMPLOYER_EXACT[s]
    for words, kind in _EMPLOYER_WORDS:
        if any(w in s for w in words):
            return kind
    return None


def parse_job_type(value: str | None) -> str | None:
    """全职/兼职/实习 (or the enum values) → ``JOB_TYPES``; mixed text gives None."""
    s = _clean(value)
    if not s:
        return None
    if s in JOB_TYPES:
        return s
    if s in _JOB_EXACT:
        return _JOB_EXACT[s]
    kinds = {kind for word, kind in _JOB_WORDS if word in s}
    return kinds.pop() if len(kinds) == 1 else None


def _clean(value: str | None) -> str:
    if not value or not isinstance(value, str):
        return ""
    return clean_text(value).lower()
