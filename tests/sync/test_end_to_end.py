"""Fetch over real HTTP, then parse: every format, paging, a 10,000-item feed."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from app.outbound.fetch import RetryPolicy, fetch, make_client
from app.sync.adapters import FeedFormatError, ItemError, PageLink, ParsedPosting, get_adapter
from app.sync.mapping import FieldMapping

EMPLOYER = FieldMapping(defaults={"employer_name": "某某科技有限公司"})


def fetch_and_parse(url: str, fmt: str, mapping: FieldMapping | None = None) -> list[Any]:
    async def main() -> list[Any]:
        async with make_client() as client:
            result = await fetch(client, url, allow_private=True, deadline_s=10,
                                 retry=RetryPolicy(max_attempts=1))
        with result:
            return list(get_adapter(fmt).parse(result.body, content_type=result.content_type,
                                               base_url=result.final_url, mapping=mapping))
    return asyncio.run(main())


@pytest.mark.parametrize(("name", "fmt", "postings", "errors"), [
    ("feed.json", "json", 2, 0), ("feed.jsonl", "json", 2, 1), ("feed.rss", "rss", 2, 1),
    ("feed.atom", "atom", 1, 0), ("feed.xml", "xml", 2, 1), ("gbk.xml", "xml", 2, 1),
    ("feed.csv", "csv", 2, 2), ("gbk.csv", "csv", 2, 2), ("jobs.html", "jsonld", 2, 1),
    ("greenhouse.json", "greenhouse", 1, 1), ("lever.json", "lever", 2, 1),
])
def test_every_format_over_http(feed_server: Any, name: str, fmt: str, postings: int,
                                errors: int) -> None:
    events = fetch_and_parse(feed_server.url("/samples/" + name), fmt, EMPLOYER)
    good = [e for e in events if isinstance(e, ParsedPosting)]
    bad = [e for e in events if isinstance(e, ItemError)]
    assert (len(good), len(bad)) == (postings, errors)
    assert all(p["title"] and p["external_id"] and len(p["external_id"]) <= 128
               for p in (e.data for e in good))


def test_paging_follows_page_links(feed_server: Any) -> None:
    url: str | None = feed_server.url("/samples/feed.json")
    titles: list[str] = []
    pages = 0
    while url and pages < 5:
        pages += 1
        next_url = None
        for event in fetch_and_parse(url, "json"):
            if isinstance(event, PageLink):
                next_url = event.url
            elif isinstance(event, ParsedPosting):
                titles.append(event.data["title"])
        url = next_url
    assert pages == 2 and titles == ["Java开发工程师", "测试工程师", "运维工程师"]


def test_ten_thousand_items_three_malformed(feed_server: Any) -> None:
    events = fetch_and_parse(feed_server.url("/many.json"), "json")
    good = [e for e in events if isinstance(e, ParsedPosting)]
    bad = [e for e in events if isinstance(e, ItemError)]
    assert len(good) == 9_997
    assert [(e.index, e.reason, e.external_id) for e in bad] == [
        (17, "item is int, not an object", None),
        (5000, "missing title", "J5000"),
        (9999, "missing title", "J9999"),
    ]
    assert good[0].data == {"title": "岗位 0", "employer": {"name": "某公司"},
                            "locations": ["深圳"], "external_id": "J0"}


@pytest.mark.parametrize(("name", "fmt"), [("billion-laughs.xml", "xml"), ("xxe.xml", "xml"),
                                           ("xxe.rss", "rss"), ("billion-laughs.xml", "atom")])
def test_hostile_xml_over_http_is_refused(feed_server: Any, name: str, fmt: str) -> None:
    with pytest.raises(FeedFormatError, match="unsafe XML"):
        fetch_and_parse(feed_server.url("/samples/" + name), fmt)


def test_invalid_utf8_over_http(feed_server: Any) -> None:
    events = fetch_and_parse(feed_server.url("/samples/invalid-utf8.json"), "json")
    assert [e.data["title"] for e in events] == ["Java\ufffd\ufffd开发"]
