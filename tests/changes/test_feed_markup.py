"""RSS and Atom feeds show partner markup as text: a reader never renders a partner's ``<img onerror>``,
``<script>`` or ``javascript:`` link (readers render RSS titles and descriptions as HTML)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from typing import Any

import feedparser
from fastapi.testclient import TestClient

from tests.conftest import make_posting, push

EVIL_TITLE = '<b onmouseover="alert(1)">Java</b> & 开发'
EVIL_DESCRIPTION = ('岗位职责：<img src=x onerror="alert(1)">\n'
                    '<a href="javascript:alert(2)">点此申请</a><script>alert(3)</script>\x01\x0b')
ATOM = "{http://www.w3.org/2005/Atom}"


class Tags(HTMLParser):
    """What an HTML renderer would make of a fragment: its tags and its text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.text = ""

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text += data


def rendered(fragment: str) -> Tags:
    parser = Tags()
    parser.feed(fragment)
    parser.close()
    return parser


def _push_evil(client: TestClient, key: str) -> None:
    push(client, key, make_posting("EVIL", title=EVIL_TITLE, description=EVIL_DESCRIPTION,
                                   employer={"name": "<i>某某</i>科技有限公司", "type": "private"}))


def test_rss_items_render_partner_markup_as_text(client: TestClient, partner: tuple[str, str]) -> None:
    _push_evil(client, partner[1])
    resp = client.get("/api/v1/jobs/feed.rss")
    assert resp.status_code == 200
    item = ET.fromstring(resp.content).find("channel/item")
    assert item is not None
    title, description = item.findtext("title") or "", item.findtext("description") or ""
    # What the reader gets after XML decoding is HTML; rendered, it holds no partner tags and shows the text.
    shown_title = rendered(title)
    assert shown_title.tags == [] and shown_title.text.startswith(EVIL_TITLE)
    shown = rendered(description)
    assert set(shown.tags) <= {"br"}, shown.tags
    assert '<img src=x onerror="alert(1)">' in shown.text and "javascript:alert(2)" in shown.text
    assert "<script>alert(3)</script>" in shown.text
    feed = feedparser.parse(resp.content, sanitize_html=False)
    assert not feed.bozo, feed.bozo_exception
    assert "<img" not in feed.entries[0].summary and "&lt;img" in feed.entries[0].summary


def test_the_rss_channel_title_shows_the_query_as_text(client: TestClient) -> None:
    resp = client.get("/api/v1/jobs/feed.rss", params={"q": "<script>alert(1)</script>"})
    assert resp.status_code == 200
    channel = ET.fromstring(resp.content).find("channel")
    assert channel is not None
    shown = rendered(channel.findtext("title") or "")
    assert shown.tags == [] and "<script>alert(1)</script>" in shown.text


def test_atom_entries_declare_text_and_escaped_html(client: TestClient, partner: tuple[str, str]) -> None:
    _push_evil(client, partner[1])
    resp = client.get("/api/v1/jobs/feed.atom")
    assert resp.status_code == 200
    entry = ET.fromstring(resp.content).find(f"{ATOM}entry")
    assert entry is not None
    title, summary = entry.find(f"{ATOM}title"), entry.find(f"{ATOM}summary")
    assert title is not None and summary is not None
    assert title.get("type") == "text" and (title.text or "").startswith(EVIL_TITLE)
    assert summary.get("type") == "html"
    shown = rendered(summary.text or "")
    assert set(shown.tags) <= {"br"}, shown.tags
    assert '<img src=x onerror="alert(1)">' in shown.text
    feed = feedparser.parse(resp.content, sanitize_html=False)
    assert not feed.bozo, feed.bozo_exception
    assert "<img" not in feed.entries[0].summary
