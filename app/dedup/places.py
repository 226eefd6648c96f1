"""Place names as they appear inside employer names and job titles (深圳市, 深圳, 南山区, 南山).

Two sets from GB/T 2260: *major* (provinces and cities, with or without their
suffix) and *minor* (districts and counties; their short form without 区/县 is
only trusted where a place is clearly meant, e.g. alone inside brackets).
Lookups are set membership over prefixes and suffixes, so no giant regex.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from app.normalize import all_regions

_SHORT_PROVINCES = {"内蒙古自治区": "内蒙古", "广西壮族自治区": "广西", "西藏自治区": "西藏",
                    "宁夏回族自治区": "宁夏", "新疆维吾尔自治区": "新疆"}
_CITY_SUFFIXES = ("特别行政区", "自治州", "地区", "新区", "省", "市", "盟")
_DISTRICT_SUFFIXES = ("自治县", "自治旗", "新区", "区", "县", "市", "旗")
# Words that wrap a place in a title: "(驻点深圳)", "(地点: 深圳)", "深圳工作".
PLACE_WRAPPERS = ("工作地点", "工作地", "地点", "驻点", "驻地", "常驻", "base", "坐标", "办公", "工作", "驻", "在")
MAX_LEN = 8


@dataclass(frozen=True, slots=True)
class PlaceNames:
    major: frozenset[str]
    minor_full: frozenset[str]
    minor_short: frozenset[str]

    def is_place(self, s: str, *, loose: bool = False) -> bool:
        return s in self.major or s in self.minor_full or (loose and s in self.minor_short)


def _short(name: str, suffixes: tuple[str, ...]) -> str | None:
    for suffix in suffixes:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return None


@cache
def place_names() -> PlaceNames:
    major: set[str] = set()
    minor_full: set[str] = set()
    minor_short: set[str] = set()
    for region in all_regions():
        if region.level == "district":
            minor_full.add(region.name)
            short = _short(region.name, _DISTRICT_SUFFIXES)
            if short:
                minor_short.add(short)
            continue
        major.add(region.name)
        short = _SHORT_PROVINCES.get(region.name) or _short(region.name, _CITY_SUFFIXES)
        if short:
            major.add(short)
    return PlaceNames(frozenset(major), frozenset(minor_full), frozenset(minor_short - major))


def strip_leading_places(s: str, *, min_rest: int, loose: bool = False) -> str:
    """Remove place names at the start of ``s`` (广东省深圳市…) while at least ``min_rest`` characters remain."""
    names = place_names()
    changed = True
    while changed:
        changed = False
        for n in range(min(MAX_LEN, len(s) - min_rest), 1, -1):
            head = s[:n]
            if names.is_place(head, loose=loose):
                s = s[n:]
                changed = True
                break
    return s


def strip_trailing_places(s: str, *, min_rest: int, loose: bool = False) -> str:
    """Remove place names at the end of ``s`` (…工程师深圳南山区) while at least ``min_rest`` characters remain."""
    names = place_names()
    changed = True
    while changed:
        changed = False
        for n in range(min(MAX_LEN, len(s) - min_rest), 1, -1):
            tail = s[-n:]
            if names.is_place(tail, loose=loose):
                s = s[:-n]
                changed = True
                break
    return s


_FILLERS = ("高新区", "开发区", "新区", "园区", "片区", "街道", "区", "市", "县", "镇")


def only_places(s: str) -> bool:
    """True if ``s`` is nothing but place names and place wrappers ("驻点深圳南山", "地点:广州", "深圳龙华新区")."""
    for word in PLACE_WRAPPERS:
        s = s.replace(word, "")
    s = "".join(ch for ch in s if ch.isalnum())
    if not s:
        return False
    while s:
        rest = strip_leading_places(s, min_rest=0, loose=True)
        if rest == s:
            return False
        s = rest
        while s and (filler := next((f for f in _FILLERS if s.startswith(f)), None)):
            s = s[len(filler):]
    return True
