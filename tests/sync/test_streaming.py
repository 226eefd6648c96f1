"""Big documents are streamed (one item at a time) and read exactly as small ones are."""

from __future__ import annotations

import io
import json
import tracemalloc
from collections.abc import Iterator
from typing import Any

import pytest

from app.demo.feedgen import CONTENT_TYPES, write_feed
from app.sync.adapters import FeedFormatError, ParsedPosting, get_adapter, jsonstream
from app.sync.adapters.jsonstream import JsonStream
from tests.conftest import make_posting

SAME = [("feed.json", "json"), ("page2.json", "json"), ("wrong-type.json", "json"), ("invalid-utf8.json", "json"),
        ("feed.jsonl", "json"), ("feed.rss", "rss"), ("feed.atom", "atom"), ("feed.rss", "atom"),
        ("external-dtd.rss", "rss"), ("jobs.html", "jsonld"), ("posting.jsonld", "jsonld"),
        ("greenhouse.json", "greenhouse"), ("lever.json", "lever")]


def parse(fmt: str, body: bytes, ctype: str | None, stream_from: int) -> list[Any]:
    old = jsonstream.STREAM_BYTES
    jsonstream.STREAM_BYTES = stream_from
    try:
        return list(get_adapter(fmt).parse(io.BytesIO(body), content_type=ctype,
                                           base_url="https://feeds.example.cn/", mapping=None))
    finally:
        jsonstream.STREAM_BYTES = old


@pytest.mark.parametrize(("name", "fmt"), SAME)
def test_streamed_and_whole_document_reads_agree(samples: Any, name: str, fmt: str) -> None:
    body, ctype = samples[name]
    assert parse(fmt, body, ctype, 0) == parse(fmt, body, ctype, 1 << 40)


@pytest.mark.parametrize("fmt", ["json", "jsonld", "rss", "atom", "xml", "csv"])
def test_a_big_generated_feed_reads_the_same_streamed(fmt: str) -> None:
    """Half a megabyte: items straddle the reader's buffer boundaries."""
    out = io.BytesIO()
    write_feed(out, fmt, (make_posting(f"B{i}", title=f"数据分析师 {i}") for i in range(1200)))
    streamed = parse(fmt, out.getvalue(), CONTENT_TYPES[fmt], 0)
    assert len(streamed) == 1200 and all(isinstance(e, ParsedPosting) for e in streamed)
    assert streamed == parse(fmt, out.getvalue(), CONTENT_TYPES[fmt], 1 << 40)


def test_numbers_and_strings_cut_by_the_buffer_are_read_whole() -> None:
    stream = JsonStream(iter(['[12', '34, "ab', 'c", tr', 'ue, {"k": [1,', ' 2]}]']))
    stream.take("[")
    values = []
    while stream.peek() != "]":
        values.append(stream.value()[0])
        if stream.peek() == ",":
            stream.pos += 1
    assert values == [1234, "abc", True, {"k": [1, 2]}]


def test_a_document_broken_half_way_raises_after_the_good_items() -> None:
    body = b'{"postings": [' + b",".join(
        json.dumps(make_posting(f"K{i}")).encode() for i in range(50)) + b', {"title": oops}]}'
    events: list[Any] = []
    with pytest.raises(FeedFormatError):
        events.extend(_streamed(body))
    assert len(events) == 50


def _streamed(body: bytes) -> Iterator[Any]:
    old = jsonstream.STREAM_BYTES
    jsonstream.STREAM_BYTES = 0
    try:
        yield from get_adapter("json").parse(io.BytesIO(body), content_type=None, base_url="", mapping=None)
    finally:
        jsonstream.STREAM_BYTES = old


def test_next_page_links_beside_a_streamed_list_are_found() -> None:
    body = json.dumps({"data": {"list": [make_posting("N1")], "next": "/p2"}, "meta": {"n": 1}}).encode()
    events = parse("json", body, None, 0)
    assert [type(e).__name__ for e in events] == ["ParsedPosting", "PageLink"]
    assert events[-1].url == "https://feeds.example.cn/p2"


@pytest.mark.parametrize("fmt", ["json", "rss"])
def test_streaming_holds_no_items(fmt: str) -> None:
    """Memory still held after 2,000 streamed items stays far below what keeping them takes."""
    out = io.BytesIO()
    write_feed(out, fmt, (make_posting(f"M{i}") for i in range(6000)))
    held, count = 0, 0
    old = jsonstream.STREAM_BYTES
    jsonstream.STREAM_BYTES = 0
    try:
        for event in get_adapter(fmt).parse(io.BytesIO(out.getvalue()), content_type=CONTENT_TYPES[fmt],
                                            base_url="", mapping=None):
            count += 1
            if count == 2000:
                tracemalloc.start()
            elif count == 4000:
                held = tracemalloc.get_traced_memory()[0]
                tracemalloc.stop()
            del event
    finally:
        tracemalloc.stop()
        jsonstream.STREAM_BYTES = old
    assert count == 6000 and 0 < held < 1024 * 1024, held  # keeping 2,000 postings takes about 6.5 MB
