"""Adapters on small real samples (Zhilian postings, see tests/fixtures/README.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from app.sync.adapters import ItemError, ParsedPosting, get_adapter
from app.sync.mapping import FieldMapping

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
ZHILIAN_JSON = FieldMapping.model_validate({
    "fields": {"title": "jobName", "employer.name": "companyName",
               "employer.type": "companyNature", "locations.city": "location",
               "salary": "salary", "salary.min": "minSalary", "salary.max": "maxSalary",
               "education": "edu", "url": "jobUrl", "description": "deatil"},
    "defaults": {"salary.period": "month"}, "external_id_from": "jobUrl"})
ZHILIAN_CSV = FieldMapping.model_validate({
    "fields": {"locations.city": "address", "description": "requirements", "tags": "welfare"}})


def parse(name: str, fmt: str, mapping: FieldMapping) -> list[Any]:
    with (FIXTURES / name).open("rb") as body:
        return list(get_adapter(fmt).parse(body, content_type=None,
                                           base_url="https://jobs.zhaopin.com/",
                                           mapping=mapping))


def test_zhilian_jsonl() -> None:
    events = parse("zhilian_java_sample.jsonl", "json", ZHILIAN_JSON)
    good = [e.data for e in events if isinstance(e, ParsedPosting)]
    bad = [e for e in events if isinstance(e, ItemError)]
    assert len(good) == 19
    assert [(e.index, e.reason) for e in bad] == [(19, "missing title")]
    assert bad[0].external_id == "http://jobs.zhaopin.com/495056821250609.htm"
    first = good[0]
    assert first["title"] == "程序员/Programmer"
    assert first["employer"] == {"name": "深圳市骏龙电子有限公司", "type": "外商独资"}
    assert first["locations"] == [{"city": "深圳-南山区"}]
    assert first["salary"] == {"min": 8001, "max": 10000, "period": "month"}
    assert first["external_id"] == first["url"] == "http://jobs.zhaopin.com/572689728250067.htm"
    assert all(len(p["external_id"]) <= 128 and p["employer"]["name"] for p in good)


def test_zhilian_csv() -> None:
    events = parse("zhilian_sample.csv", "csv", ZHILIAN_CSV)
    good = [e.data for e in events if isinstance(e, ParsedPosting)]
    assert len(good) == 10 and len(events) == 10
    first = good[0]
    assert first["title"] == "电商数据分析(双休+五险一金+餐补)"
    assert first["employer"] == {"name": "杭州挪蒙广告设计有限公司"}
    assert first["locations"] == [{"city": "杭州"}] and first["salary"] == "6千-8千"
    assert first["education"] == "中专" and "五险一金" in first["tags"]
    assert first["description"].startswith("职位描述")
    assert first["external_id"] == first["url"].strip()
