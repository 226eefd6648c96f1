"""FieldMapping: construction from JSON, dotted paths, defaults, ids; posting shaping."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from app.sync.adapters.posting import ItemInvalid, finalize
from app.sync.mapping import FieldMapping, apply_mapping, lookup

ZHILIAN = {
    "fields": {"title": "jobName", "employer.name": "companyName",
               "employer.type": "companyNature", "locations.city": "location",
               "salary": "salary", "salary.min": "minSalary", "salary.max": "maxSalary",
               "education": "edu", "url": "jobUrl", "description": "deatil"},
    "defaults": {"salary.period": "month"}, "external_id_from": "jobUrl",
}
RECORD = {"salary": "8001-10000", "companyName": "深圳市骏龙电子有限公司",
          "jobUrl": "http://jobs.zhaopin.com/572689728250067.htm", "minSalary": "8001",
          "jobName": "程序员/Programmer ", "location": "深圳-南山区", "companyNature": "外商独资",
          "edu": "大专", "maxSalary": "10000", "deatil": "  职位要求： 1.计算机专业大专及以上学历",
          "workYear": ""}


def test_zhilian_record() -> None:
    mapping = FieldMapping.model_validate(ZHILIAN)
    posting = finalize(mapping.apply(RECORD), force_hash=mapping.hash_ids)
    assert posting == {
        "external_id": "http://jobs.zhaopin.com/572689728250067.htm",
        "title": "程序员/Programmer",
        "employer": {"name": "深圳市骏龙电子有限公司", "type": "外商独资"},
        "locations": [{"city": "深圳-南山区"}],
        "description": "职位要求： 1.计算机专业大专及以上学历", "education": "大专",
        "salary": {"min": 8001, "max": 10000, "period": "month"},
        "url": "http://jobs.zhaopin.com/572689728250067.htm",
    }


def test_salary_text_is_the_fallback_when_min_and_max_are_empty() -> None:
    mapping = FieldMapping.model_validate(ZHILIAN)
    record = {**RECORD, "salary": "面议", "minSalary": "", "maxSalary": ""}
    assert finalize(mapping.apply(record))["salary"] == "面议"


def test_mapping_is_strict_about_targets_and_keys() -> None:
    with pytest.raises(ValidationError, match="unknown posting key"):
        FieldMapping.model_validate({"fields": {"titel": "jobName"}})
    with pytest.raises(ValidationError):
        FieldMapping.model_validate({"feilds": {}})
    alias = FieldMapping.model_validate({"defaults": {"employer_name": "某大学"}})
    assert alias.defaults == {"employer.name": "某大学"}
    assert FieldMapping.model_validate(alias.model_dump()) == alias


def test_dotted_sources_lists_and_first_non_empty() -> None:
    record = {"job": {"names": ["", "运维"]}, "co": {"name": ""}, "corp": "某公司",
              "a.b": "literal"}
    assert lookup(record, "job.names.1") == "运维" and lookup(record, "a.b") == "literal"
    assert lookup(record, "job.names.9") is None and lookup(record, "nope.x") is None
    mapping = FieldMapping(fields={"title": "job.names.1", "employer.name": ["co.name", "corp"]})
    assert mapping.apply(record) == {"title": "运维", "employer": {"name": "某公司"}}


def test_external_id_sources() -> None:
    record = {"id": 7, "title": "岗位", "url": "https://x.cn/7", "employer": "某公司"}
    assert finalize(apply_mapping(None, record))["external_id"] == "7"
    hashed = FieldMapping(external_id_from="hash")
    first = finalize(hashed.apply(record), force_hash=True)["external_id"]
    assert first.startswith("sha1:") and len(first) == 45
    assert finalize(hashed.apply({**record, "id": 8}), force_hash=True)["external_id"] == first
    no_url = finalize({"title": "岗位", "employer": "某公司", "locations": ["深圳"]})
    assert no_url["external_id"].startswith("sha1:")
    long_id = finalize({"title": "岗位", "external_id": "x" * 200})["external_id"]
    assert long_id.startswith("sha1:") and long_id == finalize(
        {"title": "岗位", "external_id": "x" * 200})["external_id"]
    assert finalize({"title": "岗位", "url": "https://x.cn/1"})["external_id"] == "https://x.cn/1"


def test_finalize_shapes_values_to_the_contract() -> None:
    posting = finalize({
        "title": "  Java   开发 ", "employer": {"name": "某公司", "size": "100人"},
        "locations": [{"region_code": 440305, "city": "深圳"}, {"region_code": "44030"}, ""],
        "industry": "信息技术", "headcount": "5人", "tags": "五险一金，双休、餐补",
        "majors": ["计算机", "计算机"], "job_type": "Full-Time", "posted_at": 1652058000,
        "valid_through": "2022/6/30", "url": "/jobs/1", "apply_url": "mailto:hr@x.cn",
        "salary": {"min": "8000.5", "max": "x", "period": "per month"},
        "description": "a\x00b", "unknown": 1, "education": None,
    }, base_url="https://x.cn/feed")
    assert posting == {
        "title": "Java 开发", "employer": {"name": "某公司"},
        "locations": [{"region_code": "440305", "city": "深圳"}], "description": "ab",
        "job_type": "full_time", "majors": ["计算机"], "tags": ["五险一金", "双休", "餐补"],
        "salary": {"min": 8000, "period": "month"}, "headcount": 5,
        "posted_at": "2022-05-09T01:00:00+00:00", "valid_through": "2022-06-30T00:00:00",
        "url": "https://x.cn/jobs/1", "external_id": "https://x.cn/jobs/1",
    }
    assert finalize({"title": "t", "industry": "i"})["industry"] == "I"
    assert finalize({"title": "t", "salary": {"min": 1, "period": "fortnight",
                                              "_text": "1/两周"}})["salary"] == "1/两周"


@pytest.mark.parametrize("data", [{}, {"title": ""}, {"title": {"zh": "x"}}, {"title": None}])
def test_finalize_requires_a_title(data: dict[str, object]) -> None:
    with pytest.raises(ItemInvalid, match="missing title"):
        finalize(data)
