"""Every adapter on small sample documents, good and malformed."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from app.sync.adapters import (
    ADAPTERS,
    FeedFormatError,
    ItemError,
    PageLink,
    ParsedPosting,
    get_adapter,
)
from app.sync.mapping import FieldMapping

BASE = "https://feeds.example.cn/partner/"
EMPLOYER = FieldMapping.model_validate({"defaults": {"employer_name": "某某科技有限公司"}})


def parse(fmt: str, body: bytes, content_type: str | None = None,
          mapping: FieldMapping | None = None) -> list[Any]:
    return list(get_adapter(fmt).parse(io.BytesIO(body), content_type=content_type,
                                       base_url=BASE, mapping=mapping))


def split(events: list[Any]) -> tuple[list[dict[str, Any]], list[ItemError], list[str]]:
    return ([e.data for e in events if isinstance(e, ParsedPosting)],
            [e for e in events if isinstance(e, ItemError)],
            [e.url for e in events if isinstance(e, PageLink)])


def sample(samples: Any, name: str, fmt: str, mapping: FieldMapping | None = None) -> Any:
    body, ctype = samples[name]
    return split(parse(fmt, body, ctype, mapping))


def test_registry() -> None:
    assert set(ADAPTERS) == {"json", "jsonld", "rss", "atom", "xml", "csv", "greenhouse",
                             "lever"}
    assert all(adapter.format == name for name, adapter in ADAPTERS.items())
    with pytest.raises(ValueError, match="known: json"):
        get_adapter("yaml")


def test_json_document_with_next_page(samples: Any) -> None:
    good, bad, links = sample(samples, "feed.json", "json")
    assert [p["external_id"] for p in good] == ["JOB-17", "18"] and not bad
    assert good[0]["salary"] == {"min": 8000, "max": 12000, "period": "month"}
    assert good[0]["description"] == "负责后端开发"
    assert good[1] == {"title": "测试工程师", "employer": {"name": "某公司"},
                       "locations": ["深圳-南山区"], "salary": "8k-12k/月", "external_id": "18"}
    assert links == ["https://feeds.example.cn/samples/page2.json"]
    good, bad, links = sample(samples, "page2.json", "json")
    assert [p["external_id"] for p in good] == ["JOB-19"] and links == []


def test_json_lines(samples: Any) -> None:
    body, _ = samples["feed.jsonl"]
    for ctype in ("application/x-ndjson", None):  # by Content-Type, or sniffed
        good, bad, _links = split(parse("json", body, ctype))
        assert [p["external_id"] for p in good] == ["JOB-17", "JOB-19"]
        assert [(e.index, e.reason[:18]) for e in bad] == [(2, "invalid JSON line:")]


def test_json_wrong_content_type_and_invalid_utf8(samples: Any) -> None:
    good, _, _ = sample(samples, "wrong-type.json", "json")
    assert good[0]["title"] == "Java开发工程师"
    good, _, _ = sample(samples, "invalid-utf8.json", "json")
    assert good == [{"title": "Java\ufffd\ufffd开发", "employer": {"name": "某公司"},
                     "external_id": "U1"}]


def test_json_records_and_next_page_paths() -> None:
    doc = {"code": 0, "data": {"page": {"rows": [{"gwmc": "会计", "dwmc": "某单位"}],
                                        "nextUrl": "?page=2"}}}
    mapping = FieldMapping(records="data.page.rows", next_page="data.page.nextUrl",
                           fields={"title": "gwmc", "employer.name": "dwmc"},
                           external_id_from="hash")
    good, _bad, links = split(parse("json", json.dumps(doc).encode(), mapping=mapping))
    assert good[0]["title"] == "会计" and good[0]["external_id"].startswith("sha1:")
    assert links == [BASE + "?page=2"]
    with pytest.raises(FeedFormatError, match="no list"):
        parse("json", json.dumps(doc).encode(), mapping=FieldMapping(records="data.nope"))


@pytest.mark.parametrize("body", [b"", b"not json", b"42", b'{"a": 1}', b"{\n  broken"])
def test_json_unparseable_documents(body: bytes) -> None:
    with pytest.raises(FeedFormatError):
        parse("json", body)


def test_json_single_object_and_common_wrappers() -> None:
    good, _, _ = split(parse("json", b'{"id": 1, "title": "t"}'))
    assert good == [{"title": "t", "external_id": "1"}]
    good, _, _ = split(parse("json", b'{"data": {"list": [{"id": 2, "title": "u"}]}}'))
    assert good == [{"title": "u", "external_id": "2"}]


def test_jsonld_in_html(samples: Any) -> None:
    good, bad, _ = sample(samples, "jobs.html", "jsonld")
    first, intern = good
    assert first["external_id"] == "DA-2022-01"
    assert first["employer"] == {"name": "某某集团有限公司", "credit_code": "91110000100000000X"}
    assert first["locations"] == [{"province": "广东省", "city": "深圳市",
                                   "address": "南山区科技园"}]
    assert first["salary"] == {"min": 10000, "max": 15000, "period": "month"}
    assert first["job_type"] == "full_time" and first["education"] == "bachelor"
    assert first["description"] == "负责数据分析&报表\n\nSQL"
    assert first["posted_at"] == "2022-05-09T00:00:00"
    assert intern["job_type"] == "internship" and intern["title"] == "暑期实习生"
    assert intern["salary"] == {"min": 200, "max": 200, "period": "day"}
    assert intern["external_id"] == intern["url"] == "https://feeds.example.cn/jobs/intern"
    assert [e.reason[:22] for e in bad] == ["invalid JSON-LD block:"]


def test_jsonld_documents(samples: Any) -> None:
    good, _, _ = sample(samples, "posting.jsonld", "jsonld")
    assert good[0]["title"] == "数据分析师"
    graph = {"@context": "https://schema.org", "@graph": [
        {"@type": "Organization", "name": "x"},
        {"@type": ["JobPosting"], "title": "会计", "hiringOrganization": {"name": "某单位"},
         "baseSalary": {"value": {"minValue": 5, "maxValue": 6, "unitText": "WEEK"}}}]}
    good, _, _ = split(parse("jsonld", json.dumps(graph).encode()))
    assert good[0]["salary"] == "5-6/week" and good[0]["external_id"].startswith("sha1:")
    with pytest.raises(FeedFormatError):
        parse("jsonld", b"<html><body>no data</body></html>")
    with pytest.raises(FeedFormatError):
        parse("jsonld", b"{broken")


def test_rss_with_job_extensions_and_categories(samples: Any) -> None:
    good, bad, links = sample(samples, "feed.rss", "rss")
    first, second = good
    assert first == {
        "title": "Java开发工程师", "employer": {"name": "深圳市某某科技有限公司"},
        "locations": [{"city": "深圳市"}], "description": "负责后端开发",
        "job_type": "full_time", "education": "本科", "tags": ["计算机"],
        "salary": {"min": 8000, "max": 12000, "period": "month"},
        "posted_at": "2022-05-09T01:00:00+00:00", "url": "https://career.example.edu.cn/job/1",
        "external_id": "EDU-1"}
    assert second["employer"] == {"name": "某公司"} and second["locations"] == ["广州"]
    assert [(e.index, e.reason) for e in bad] == [(2, "missing title")]
    assert links == ["https://career.example.edu.cn/rss?page=2"]


def test_atom(samples: Any) -> None:
    good, _bad, links = sample(samples, "feed.atom", "atom")
    assert good == [{"title": "算法工程师", "employer": {"name": "某某研究院"},
                     "locations": [{"region_code": "110108", "city": "北京"}],
                     "description": "机器学习", "headcount": 3,
                     "posted_at": "2022-05-09T01:00:00+00:00",
                     "url": "https://feeds.example.cn/jobs/1",
                     "external_id": "tag:career.example.cn,2022:job-1"}]
    assert links == ["https://feeds.example.cn/atom?page=2"]


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_feeds_refuse_garbage(fmt: str) -> None:
    with pytest.raises(FeedFormatError):
        parse(fmt, b"this is not a feed {}")


def test_indeed_xml(samples: Any) -> None:
    for name in ("feed.xml", "gbk.xml"):
        good, bad, _ = sample(samples, name, "xml")
        assert good[0] == {
            "title": "Java开发工程师", "employer": {"name": "深圳市某某科技有限公司"},
            "locations": [{"province": "广东省", "city": "深圳"}],
            "description": "负责后端开发", "job_type": "full_time", "education": "本科",
            "salary": "8千-1.2万/月", "posted_at": "2022-05-09T09:00:00",
            "url": "https://jobs.example.gov.cn/job/1", "external_id": "GD-0001"}
        assert good[1]["external_id"] == "GD-0002"
        assert [(e.index, e.reason, e.external_id) for e in bad] == [
            (2, "missing title", "GD-0003")]


def test_xml_with_a_mapping_and_nested_records() -> None:
    body = ("<?xml version='1.0'?><root xmlns='urn:x'><list><item><gw>会计</gw>"
            "<dw><mc>某单位</mc></dw><tag>a</tag><tag>b</tag></item></list></root>").encode()
    mapping = FieldMapping(records="item", fields={"title": "gw", "employer.name": "dw.mc",
                                                    "tags": "tag"})
    good, _, _ = split(parse("xml", body, mapping=mapping))
    assert good[0]["employer"] == {"name": "某单位"} and good[0]["tags"] == ["a", "b"]


def test_xml_broken_half_way_raises_after_the_good_items() -> None:
    body = b"<source><job><title>a</title></job><job><title>b</oops></job></source>"
    events = get_adapter("xml").parse(io.BytesIO(body), content_type=None, base_url=BASE,
                                      mapping=None)
    assert isinstance(next(events), ParsedPosting)
    with pytest.raises(FeedFormatError, match="after 1 items"):
        next(events)


def test_csv_in_every_charset(samples: Any) -> None:
    for name in ("feed.csv", "bom.csv", "gbk.csv", "gb18030.csv"):
        good, bad, _ = sample(samples, name, "csv")
        assert [p["external_id"] for p in good] == ["C1", "C4"], name
        assert good[0] == {"title": "Java开发工程师", "employer": {"name": "深圳市某某科技有限公司"},
                           "locations": [{"city": "深圳"}], "education": "本科",
                           "salary": "8k-12k/月", "url": "https://x.example.cn/1",
                           "external_id": "C1"}
        assert [(e.index, e.reason) for e in bad] == [
            (1, "missing title"), (2, "row has 8 fields, header has 7")]


def test_csv_tabs_mapping_and_short_rows() -> None:
    body = "职位\t单位\t城市\n会计\t某单位\n出纳\t某单位\t广州\n".encode("gbk")
    mapping = FieldMapping(fields={"title": "职位", "employer.name": "单位",
                                   "locations.city": "城市"})
    good, bad, _ = split(parse("csv", body, "text/csv", mapping))
    assert [p.get("locations") for p in good] == [None, [{"city": "广州"}]] and not bad
    with pytest.raises(FeedFormatError):
        parse("csv", b"")
    with pytest.raises(FeedFormatError):
        parse("csv", b"just one column\nvalue\n")


def test_greenhouse(samples: Any) -> None:
    good, bad, _ = sample(samples, "greenhouse.json", "greenhouse", EMPLOYER)
    assert good == [{
        "title": "Software Engineer, Shanghai", "employer": {"name": "某某科技有限公司"},
        "locations": ["Shanghai, China"], "description": "Build things & more",
        "tags": ["Engineering"], "posted_at": "2022-05-09T09:00:00-04:00",
        "apply_url": "https://boards.greenhouse.io/example/jobs/4012345",
        "url": "https://boards.greenhouse.io/example/jobs/4012345", "external_id": "4012345"}]
    assert [(e.reason, e.external_id) for e in bad] == [("missing title", "4012346")]
    with pytest.raises(FeedFormatError):
        parse("greenhouse", b'{"postings": []}')


def test_lever(samples: Any) -> None:
    good, bad, _ = sample(samples, "lever.json", "lever", EMPLOYER)
    first, intern = good
    assert first["external_id"] == "5ac21346-8e0c-4494-8e7a-3eb92ff77902"
    assert first["employer"] == {"name": "某某科技有限公司"} and first["job_type"] == "full_time"
    assert first["salary"] == {"min": 300000, "max": 450000, "period": "year"}
    assert first["posted_at"] == "2022-05-09T01:00:00+00:00"
    assert first["description"] == "Build pipelines.\n\nRequirements\nPython\n\nSQL"
    assert first["apply_url"].endswith("/apply") and first["tags"] == ["Data"]
    assert intern["job_type"] == "internship"
    assert [e.reason for e in bad] == ["item is str, not an object"]
    with pytest.raises(FeedFormatError):
        parse("lever", b'{"jobs": []}')


def test_outputs_satisfy_the_push_contract(samples: Any) -> None:
    """With employer and place filled by defaults, every posting is a valid PostingIn."""
    from app.schemas.posting import PostingIn

    mapping = FieldMapping(defaults={"employer_name": "某单位", "locations.city": "深圳"})
    names = {"feed.json": "json", "feed.jsonl": "json", "feed.rss": "rss", "feed.atom": "atom",
             "feed.xml": "xml", "gbk.csv": "csv", "jobs.html": "jsonld",
             "greenhouse.json": "greenhouse", "lever.json": "lever",
             "invalid-utf8.json": "json"}
    checked = 0
    for name, fmt in names.items():
        good, _, _ = sample(samples, name, fmt, mapping)
        for posting in good:
            PostingIn.model_validate(posting)
            checked += 1
    assert checked == 17


def test_defaults_do_not_override_item_values() -> None:
    mapping = FieldMapping(defaults={"employer_name": "默认单位", "locations.city": "默认城市",
                                     "salary.period": "year", "tags": ["默认"]})
    body = json.dumps([{"id": 1, "title": "t", "employer": "某公司", "locations": "深圳-南山区",
                        "salary": {"min": 1, "period": "month"}},
                       {"id": 2, "title": "u", "salary": "面议"}]).encode()
    first, second = split(parse("json", body, mapping=mapping))[0]
    assert first["employer"] == {"name": "某公司"} and first["locations"] == ["深圳-南山区"]
    assert first["salary"] == {"min": 1, "period": "month"} and first["tags"] == ["默认"]
    assert second["employer"] == {"name": "默认单位"}
    assert second["locations"] == [{"city": "默认城市"}] and second["salary"] == "面议"
