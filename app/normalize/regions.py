"""Administrative divisions of mainland China (GB/T 2260) and location parsing.

Data: ``data/divisions.csv`` (see ``data/README.md``), loaded lazily once.
Model: three levels, province → city → district.  A municipality (北京, 天津,
上海, 重庆) is one province-level region that is also its own city
(``city_code == province_code``, e.g. 110000); its districts hang directly
below it.  County-level units under a province (济源, 仙桃, 石河子, 海南's
文昌/定安…) are level ``city``.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from app.normalize.text import clean_text, short_text_cache

__all__ = ["Region", "all_regions", "ancestors", "children", "region_by_code", "resolve_location"]

LEVELS = ("province", "city", "district")
MUNICIPALITIES = ("110000", "120000", "310000", "500000")


@dataclass(frozen=True, slots=True)
class Region:
    """One division with its names and codes up the hierarchy."""

    code: str
    name: str
    level: str
    province: str
    city: str | None
    district: str | None
    province_code: str
    city_code: str | None


# Ethnic group names as they appear inside autonomous-area names.
_ETHNIC = (
    "蒙古", "回", "藏", "维吾尔", "苗", "彝", "壮", "布依", "朝鲜", "满", "侗", "瑶", "白", "土家", "哈尼", "哈萨克",
    "傣", "黎", "傈僳", "佤", "畲", "拉祜", "水", "东乡", "纳西", "景颇", "柯尔克孜", "土", "达斡尔", "仫佬", "羌", "布朗",
    "撒拉", "毛南", "仡佬", "锡伯", "阿昌", "普米", "塔吉克", "怒", "乌孜别克", "俄罗斯", "鄂温克", "德昂", "保安", "裕固",
    "京", "塔塔尔", "独龙", "鄂伦春", "赫哲", "门巴", "珞巴", "基诺",
)
_ETHNIC_RE = re.compile("(?:" + "|".join(sorted(_ETHNIC, key=len, reverse=True)) + ")族?$")
_SUFFIXES = {
    "province": ("特别行政区", "自治区", "省", "市"),
    # Cities include county-level units under a province (定安县, 白沙黎族自治县).
    "city": ("自治州", "地区", "新区", "林区", "盟", "自治县", "县", "市"),
    "district": ("自治县", "自治旗", "联合旗", "新区", "林区", "特区", "区", "县", "市", "旗"),
}
_AUTONOMOUS = ("自治区", "自治州", "自治县", "自治旗")
# Whole inputs that mean "no particular place".
NOWHERE = frozenset((
    "全国", "不限", "不限地区", "地点不限", "全国各地", "多地", "异地", "海外", "国外",
    "境外", "远程", "在线", "其他", "其它", "中国", "无",
))
_SKIP_WORDS = ("中华人民共和国", "中国", "市辖区", "自治区直辖县级行政区划", "省直辖县级行政区划")
_SEPARATORS = frozenset(" -_/\\|,.;:·、，。()[]（）【】<>《》—–~+")


def _aliases(name: str, level: str) -> list[str]:
    """Short forms: 深圳市→深圳, 新疆维吾尔自治区→新疆, 延边朝鲜族自治州→延边/延边州."""
    out = []
    for suffix in _SUFFIXES[level]:
        if not name.endswith(suffix):
            continue
        base = name[: -len(suffix)]
        if suffix in _AUTONOMOUS:
            base = base.removesuffix("各族")  # 龙胜各族自治县
            while (m := _ETHNIC_RE.search(base)) and m.start() >= 2:
                base = base[: m.start()]
            base = base.removesuffix("族")  # 鄂温克族自治旗, 东乡族自治县
            if suffix == "自治州" and len(base) >= 2:
                out.append(base + "州")
        if len(base) >= 2:
            out.append(base)
            break
    return out


class _Index:
    """All lookup tables, built once from divisions.csv."""

    def __init__(self) -> None:
        rows = _read_rows()
        self.by_code: dict[str, Region] = {}
        self.kids: dict[str, list[Region]] = {}
        self.rank: dict[str, int] = {}
        parent_of = {code: parent for code, _n, _l, parent in rows}
        name_of = {code: name for code, name, _l, _p in rows}
        for code, name, level, parent in rows:
            prov = code[:2] + "0000"
            if level == "province":
                city_code = code if code in MUNICIPALITIES else None
                region = Region(code, name, level, name, name_of[city_code] if city_code else None,
                                None, code, city_code)
            elif level == "city":
                region = Region(code, name, level, name_of[prov], name, None, prov, code)
            else:
                region = Region(code, name, level, name_of[prov], name_of[parent], name, prov, parent)
            self.by_code[code] = region
            self.rank[code] = LEVELS.index(level)
            self.kids.setdefault(parent_of[code], []).append(region)
        for muni in MUNICIPALITIES:  # 110100/110200 placeholders of older data
            self.by_code.setdefault(muni[:3] + "100", self.by_code[muni])
            self.by_code.setdefault(muni[:3] + "200", self.by_code[muni])
        self.regions = [self.by_code[code] for code, _n, _l, _p in rows]
        self.ancestors = {r.code: tuple(dict.fromkeys(
            c for c in (r.code, r.city_code, r.province_code) if c is not None))
            for r in self.regions}
        keys: dict[str, list[str]] = {}
        for region in self.regions:
            for key in (region.name, *_aliases(region.name, region.level)):
                keys.setdefault(key, []).append(region.code)
        self.keys = {k: tuple(v) for k, v in keys.items()}
        prefix: dict[str, list[str]] = {}
        for key in sorted(self.keys, key=len, reverse=True):
            prefix.setdefault(key[:2], []).append(key)
        self.prefix = {k: tuple(v) for k, v in prefix.items()}


def _read_rows() -> list[tuple[str, str, str, str]]:
    path = resources.files("app.normalize").joinpath("data/divisions.csv")
    # typeshed's Traversable.open omits the keywords that Path.open and zipfile.Path.open pass on
    with path.open(encoding="utf-8", newline="") as f:  # type: ignore[call-overload]
        return [(r["code"], r["name"], r["level"], r["parent_code"]) for r in csv.DictReader(f)]


@cache
def _index() -> _Index:
    return _Index()


def region_by_code(code: str) -> Region | None:
    """The region for a 6-digit code (12-digit statistical codes use their first 6)."""
    if not isinstance(code, str):
        return None
    code = code.strip()
    if len(code) == 12 and code.isdigit():
        code = code[:6]
    return _index().by_code.get(code)


def ancestors(code: str) -> list[str]:
    """``[code, city_code, province_code]`` without repeats, most specific first."""
    region = region_by_code(code)
    return list(_index().ancestors[region.code]) if region else []


def all_regions() -> list[Region]:
    """Every division, sorted by code."""
    return list(_index().regions)


def children(code: str | None) -> list[Region]:
    """Direct subdivisions sorted by code; ``None`` or ``""`` gives the provinces."""
    idx = _index()
    if not code:
        return list(idx.kids.get("", []))
    region = region_by_code(code)
    return list(idx.kids.get(region.code, [])) if region else []


def resolve_location(text: str | None) -> Region | None:
    """Most specific division named in ``text``, or None if none or ambiguous.

    Reads names left to right, each one narrowing the previous ("广东深圳南山",
    "深圳-南山区", "北京市海淀区").  Scanning stops at the first word after a match
    that is not a subdivision of it, so street addresses are ignored.  An
    ambiguous name (朝阳区: 北京 or 长春) resolves only if a later name or an
    earlier one (北京朝阳区) decides it; otherwise the last certain region wins.
    Between levels the higher wins: 吉林 → 吉林省, 朝阳 → 朝阳市.
    """
    if not text or not isinstance(text, str):
        return None
    return _resolve_text(text)


@short_text_cache(8192)  # partners name the same few thousand places over and over
def _resolve_text(text: str) -> Region | None:
    s = clean_text(text)
    if not s or s in NOWHERE:
        return None
    idx = _index()
    ctx: str | None = None
    pending: tuple[str, ...] = ()
    pos, n, matched = 0, len(s), False
    while pos < n:
        if s[pos] in _SEPARATORS:
            pos += 1
            continue
        skip = next((w for w in _SKIP_WORDS if s.startswith(w, pos)), None)
        if skip:
            pos += len(skip)
            continue
        hit = _match_at(idx, s, pos, ctx, pending)
        if hit is None:
            if matched:
                break
            pos += 1
            continue
        key, cands = hit
        matched = True
        pos += len(key)
        if cands == (ctx,):
            continue  # the same region named twice: "北京市北京市海淀区"
        top = min(idx.rank[c] for c in cands)
        best = [c for c in cands if idx.rank[c] == top]
        if len(best) == 1:
            ctx, pending = best[0], ()
        else:
            pending = tuple(best)
    return idx.by_code[ctx] if ctx else None


def _match_at(idx: _Index, s: str, pos: int, ctx: str | None,
              pending: tuple[str, ...]) -> tuple[str, tuple[str, ...]] | None:
    """Longest key at ``pos`` with candidates consistent with what came before."""
    keys = idx.prefix.get(s[pos:pos + 2])
    if not keys:
        return None
    parents = pending or ((ctx,) if ctx else ())
    for key in keys:
        if not s.startswith(key, pos):
            continue
        cands = idx.keys[key]
        if not parents:
            return key, cands
        below = tuple(c for c in cands if c not in parents
                      and any(p in idx.ancestors[c] for p in parents))
        if below:
            return key, below
        if ctx in cands and not pending:
            return key, (ctx,)
    return None
