"""Divisions data, region lookups and resolve_location."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest

from app.normalize.regions import (
    all_regions,
    ancestors,
    children,
    region_by_code,
    resolve_location,
)

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "normalize_real_values.json"
REAL_LOCATIONS: list[str] = json.loads(FIXTURE.read_text(encoding="utf-8"))["location"]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("深圳", "440300"),
        ("深圳市", "440300"),
        ("深圳-南山区", "440305"),
        ("广东省深圳市南山区", "440305"),
        ("广东深圳南山", "440305"),
        ("广东省深圳市南山区科技园1号", "440305"),
        ("中国广东省广州市天河区", "440106"),
        ("廣東省深圳市南山區", "440305"),
        ("海淀区", "110108"),
        ("浦东", "310115"),
        ("北京", "110000"),
        ("北京市海淀区", "110108"),
        ("北京朝阳区", "110105"),
        ("长春朝阳区", "220104"),
        ("北京市北京市海淀区", "110108"),
        ("上海-浦东新区", "310115"),
        ("重庆市渝中区", "500103"),
        ("天津滨海新区", "120116"),
        ("杭州", "330100"),
        ("石家庄", "130100"),
        ("内蒙古", "150000"),
        ("广西", "450000"),
        ("新疆", "650000"),
        ("宁夏", "640000"),
        ("西藏", "540000"),
        ("黑龙江哈尔滨", "230100"),
        ("吉林", "220000"),
        ("吉林省吉林市", "220200"),
        ("朝阳", "211300"),
        ("东莞", "441900"),
        ("中山市", "442000"),
        ("儋州", "460400"),
        ("嘉峪关", "620200"),
        ("济源", "419001"),
        ("仙桃", "429004"),
        ("石河子", "659001"),
        ("神农架", "429021"),
        ("延边", "222400"),
        ("恩施州", "422800"),
        ("大兴安岭", "232700"),
        ("长阳", "420528"),
        ("海南定安", "469021"),
        ("琼中", "469030"),
        ("龙胜", "450328"),
        ("鄂温克旗", "150724"),
        ("河南省省直辖县级行政区划济源市", "419001"),
        ("南京鼓楼", "320106"),
        ("深圳-龙华新区", "440309"),  # 2018 name of today's 龙华区
        ("深圳-大鹏新区", "440300"),  # functional area, not a division: the city
        ("江苏鼓楼区", "320000"),  # 鼓楼区 of 南京 or 徐州: only the province is certain
    ],
)
def test_resolve_location_finds_most_specific_division(text: str, code: str) -> None:
    region = resolve_location(text)
    assert region is not None and region.code == code


@pytest.mark.parametrize("text", ["朝阳区", "南山区", "鼓楼区", "通州", "龙华区"])
def test_resolve_location_returns_none_for_ambiguous_district_without_city(text: str) -> None:
    assert resolve_location(text) is None


@pytest.mark.parametrize("text", ["全国", "不限", "", "  ", None, "异地", "香港", "台北", "远程办公"])
def test_resolve_location_returns_none_for_no_place_or_outside_mainland(text: str | None) -> None:
    assert resolve_location(text) is None


def test_every_real_location_value_resolves_to_a_region_with_a_province() -> None:
    assert len(REAL_LOCATIONS) > 40
    for text in REAL_LOCATIONS:
        region = resolve_location(text)
        assert region is not None and region.province and region.province_code, text
        if "-" in text and "大鹏" not in text:
            assert region.level == "district", text


def test_region_fields_for_district_city_and_province() -> None:
    nanshan = region_by_code("440305")
    assert nanshan is not None
    assert (nanshan.name, nanshan.level, nanshan.province, nanshan.city, nanshan.district) == (
        "南山区", "district", "广东省", "深圳市", "南山区")
    assert (nanshan.province_code, nanshan.city_code) == ("440000", "440300")
    shenzhen = region_by_code("440300")
    assert shenzhen is not None and (shenzhen.level, shenzhen.city, shenzhen.district) == (
        "city", "深圳市", None)
    guangdong = region_by_code("440000")
    assert guangdong is not None and (guangdong.level, guangdong.city, guangdong.city_code) == (
        "province", None, None)


@pytest.mark.parametrize("code", ["110000", "120000", "310000", "500000"])
def test_municipality_is_a_province_that_is_its_own_city(code: str) -> None:
    muni = region_by_code(code)
    assert muni is not None and muni.level == "province"
    assert muni.city == muni.name and muni.city_code == code
    kids = children(code)
    assert kids and all(k.level == "district" and k.city_code == code for k in kids)
    assert region_by_code(code[:3] + "100") == muni  # old 110100-style placeholder codes


def test_ancestors_lists_code_city_and_province_most_specific_first() -> None:
    assert ancestors("440305") == ["440305", "440300", "440000"]
    assert ancestors("440300") == ["440300", "440000"]
    assert ancestors("440000") == ["440000"]
    assert ancestors("110108") == ["110108", "110000"]
    assert ancestors("110000") == ["110000"]
    assert ancestors("419001") == ["419001", "410000"]
    assert ancestors("999999") == []


@pytest.mark.parametrize("code", ["441900", "442000", "460400", "620200"])
def test_prefecture_cities_without_districts_are_leaf_cities(code: str) -> None:
    city = region_by_code(code)
    assert city is not None and city.level == "city" and children(code) == []


def test_county_level_units_under_a_province_are_cities() -> None:
    names = {r.name for r in children("460000")}
    assert {"海口市", "儋州市", "文昌市", "定安县", "琼中黎族苗族自治县"} <= names
    assert all(r.level == "city" for r in children("460000"))
    assert region_by_code("659001") is not None  # 石河子市, 自治区直辖县级行政区划


def test_region_by_code_accepts_12_digit_codes_and_rejects_junk() -> None:
    assert region_by_code("440305000000") == region_by_code("440305")
    assert region_by_code(" 440305 ") == region_by_code("440305")
    for junk in ("", "44030", "abcdef", "710000", "810000", "990000"):
        assert region_by_code(junk) is None


def test_division_table_is_complete_and_consistent() -> None:
    regions = all_regions()
    codes = [r.code for r in regions]
    assert codes == sorted(codes) and len(set(codes)) == len(codes)
    assert all(len(c) == 6 and c.isdigit() for c in codes)
    levels = {lvl: sum(r.level == lvl for r in regions) for lvl in ("province", "city", "district")}
    assert levels["province"] == 31
    assert 360 <= levels["city"] <= 380 and 2750 <= levels["district"] <= 2900
    for r in regions:
        assert region_by_code(r.province_code) is not None
        if r.level == "district":
            assert r.city_code is not None and r.code in {k.code for k in children(r.city_code)}
    assert [r.name for r in children(None)][:3] == ["北京市", "天津市", "河北省"]
    assert sum(len(children(p.code)) for p in children(None)) == levels["city"] + sum(
        1 for r in regions if r.level == "district" and r.city_code == r.province_code)

def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_divisions", ROOT / "scripts" / "gen_divisions.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generator_models_municipalities_direct_counties_and_drops_non_mainland() -> None:
    gen = _generator()
    rows = gen.build([
        ("110000", "北京市"), ("110100", "北京市"), ("110108", "海淀区"),
        ("410000", "河南省"), ("419001", "济源市"), ("440000", "广东省"), ("440300", "深圳市"),
        ("440305", "南山区"), ("810000", "香港特别行政区"), ("990000", "苏鲁交界"),
    ])
    assert rows == [
        ("110000", "北京市", "province", ""), ("110108", "海淀区", "district", "110000"),
        ("410000", "河南省", "province", ""), ("419001", "济源市", "city", "410000"),
        ("440000", "广东省", "province", ""), ("440300", "深圳市", "city", "440000"),
        ("440305", "南山区", "district", "440300"),
    ]
    with pytest.raises(ValueError, match="parent 440300 missing"):
        gen.build([("440000", "广东省"), ("440305", "南山区")])
