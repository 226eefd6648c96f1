"""Employer names → one comparable key: 深圳市腾讯计算机系统有限公司 = 腾讯计算机系统(深圳)有限公司.

The key drops what partners vary (full-width forms, traditional characters,
letter case, spaces and punctuation, legal suffixes such as 有限公司 or
股份有限公司, a bracketed place such as (深圳), a leading place such as 深圳市)
and keeps what tells employers apart: a branch (…深圳分公司) stays its own key,
and an institution keeps its place (北京大学 ≠ 南京大学, 深圳市人民医院).
"""

from __future__ import annotations

import re

from app.normalize import clean_text, short_text_cache

from .places import only_places, place_names, strip_leading_places, strip_trailing_places

_LEGAL_SUFFIXES = (
    "集团股份有限公司", "集团有限责任公司", "集团有限公司", "股份有限公司", "有限责任公司", "有限公司",
    "股份公司", "集团公司", "总公司", "公司", "集团", "控股", "有限合伙", "普通合伙", "合伙企业",
)
_EN_SUFFIX = re.compile(
    r"(?:\s|,|\.)*(?:co\.?,?\s*ltd|company\s+limited|limited|ltd|inc|incorporated|corp|corporation|"
    r"company|co|llc|gmbh|plc|group|holdings?)\.?$"
)
# Brackets whose content is legal form or country, never identity: (集团) (中国) (有限合伙).
_BRACKET_NOISE = {"集团", "中国", "有限合伙", "普通合伙", "控股", "股份", "总部", "总公司", "china"}
_BRACKET = re.compile(r"[(\[【〔{「『〖]([^()\[\]【】〔〕{}「」『』〖〗]*)[)\]】〕}」』〗]")
_BRANCH = re.compile(r"(分公司|分行|支行|分院|办事处|营业部|分部|分中心|分所|分店|分厂|分校)$")
# Names whose place is part of the identity (北京大学, 深圳市人民医院, 江苏银行).
_INSTITUTION = re.compile(
    r"(大学|学院|学校|中学|小学|幼儿园|医院|银行|政府|委员会|局|厅|报社|电视台|出版社|图书馆|博物馆|法院|检察院)$"
)
# What is left after a leading place when the place is the employer's identity: 深圳航空 ≠ 海南航空,
# 深圳地铁, 广州日报. Any other rest of two characters or more is a name: 深圳越众 = 越众.
_CIVIC = re.compile(
    r"(航空|地铁|机场|港务|电信|移动|联通|燃气|水务|供水|供电|电力|公交|巴士|交通|城建|建工|城投|国资|投资|"
    r"报业|日报|晚报|广电|电视|农商|农信|证券|保险|人才|能源|水利|轨道|发展|控股|港口|航运|物流)$"
)
_WEAK = re.compile(r"某|保密|匿名|知名|不公开|未公开|隐藏|500强|五百强|猎头")
_PROVINCE_CITY_SUFFIX = re.compile(r"(省|市)")


def _drop_brackets(s: str) -> str:
    def repl(m: re.Match[str]) -> str:
        inner = m.group(1).strip()
        if not inner or inner in _BRACKET_NOISE or only_places(inner):
            return ""
        return inner

    prev = None
    while prev != s:
        prev, s = s, _BRACKET.sub(repl, s)
    return s


def _strip_suffixes(s: str) -> str:
    changed = True
    while changed:
        changed = False
        for suffix in _LEGAL_SUFFIXES:
            if s.endswith(suffix) and len(s) - len(suffix) >= 2:
                s = s[: -len(suffix)]
                changed = True
                break
        m = _EN_SUFFIX.search(s)
        if m and m.start() >= 2 and s.isascii():
            s = s[: m.start()]
            changed = True
    return s


def _alnum(s: str) -> str:
    return "".join(ch for ch in s if ch.isalnum())


def _base_key(s: str) -> str:
    s = _strip_suffixes(s.strip(" -_,.;:·、"))
    compact = _alnum(s)
    if not _INSTITUTION.search(compact):
        rest = strip_leading_places(compact, min_rest=2)
        if len(rest) <= 3 and _CIVIC.fullmatch(rest):  # the place stays, in its short form
            compact = _PROVINCE_CITY_SUFFIX.sub("", compact[: len(compact) - len(rest)]) + rest
        else:
            compact = rest
    return _strip_suffixes(compact)


@short_text_cache(65536)
def employer_name_key(name: str) -> str:
    """The comparable key of an employer's name ('' only for a name with no letters or digits)."""
    s = clean_text(name).lower()
    s = _drop_brackets(s)
    branch = ""
    compact = _alnum(s)
    m = _BRANCH.search(compact)
    if m and m.start() >= 2:
        head = compact[: m.start()]
        base = strip_trailing_places(head, min_rest=2)
        branch = _PROVINCE_CITY_SUFFIX.sub("", head[len(base):]) + m.group(1)
        s = base
    key = _base_key(s) + branch
    return key or _alnum(s)


@short_text_cache(65536)
def is_weak_employer(name: str) -> bool:
    """A name that does not identify an employer: "某知名互联网公司", "保密"."""
    key = employer_name_key(name)
    return len(key) < 2 or _WEAK.search(clean_text(name)) is not None


__all__ = ["employer_name_key", "is_weak_employer", "place_names"]
