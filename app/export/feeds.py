"""RSS 2.0 and Atom 1.0 feeds of a search, so a student or a career office can subscribe
to "本科, 广东, 计算机" in any feed reader.

Partner text is shown as text, never as markup: feed readers render an RSS ``<title>`` and
``<description>`` as HTML, so partner text is HTML-escaped first and then XML-escaped (a
description's ``<img onerror=…>`` reaches the reader as ``&lt;img…``, which it shows as is). Atom
says so explicitly: titles are ``type="text"``, summaries ``type="html"`` holding escaped text."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from email.utils import format_datetime
from html import escape as html_escape
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from .labels import EDUCATION, INDUSTRY, PERIOD


def _when(doc: Mapping[str, Any]) -> datetime:
    return datetime.fromisoformat(doc.get("posted_at") or doc["first_seen_at"]).astimezone(UTC)


def _place(doc: Mapping[str, Any]) -> str:
    places = [loc.get("city") or loc.get("province") or "" for loc in doc.get("locations") or []]
    return "、".join(dict.fromkeys(p for p in places if p))


def _salary(doc: Mapping[str, Any]) -> str:
    s = doc.get("salary") or {}
    if s.get("min") is None and s.get("max") is None:
        return "面议" if s.get("negotiable") else ""
    span = "-".join(str(v) for v in (s.get("min"), s.get("max")) if v is not None)
    return f"{span}元/{PERIOD.get(s.get('period') or 'month', '月')}"


def item_title(doc: Mapping[str, Any]) -> str:
    place = _place(doc)
    return f"{doc['title']} — {doc['employer']['name']}" + (f"（{place}）" if place else "")


def item_summary(doc: Mapping[str, Any]) -> str:
    parts = [_place(doc), _salary(doc), EDUCATION.get(doc.get("education") or "", ""),
             INDUSTRY.get(doc.get("industry") or "", ""), "、".join(doc.get("majors") or [])]
    head = " · ".join(p for p in parts if p)
    body = (doc.get("description") or "")[:500]
    return f"{head}\n{body}".strip()


def as_html(text: str) -> str:
    """Partner text as an HTML fragment that shows exactly that text, line breaks kept."""
    return html_escape(text, quote=False).replace("\r\n", "\n").replace("\n", "<br>")


def rss(docs: Iterable[Mapping[str, Any]], *, title: str, link: str, self_url: str, page_url: str) -> bytes:
    """RSS 2.0; ``page_url`` holds ``{id}``, replaced by each job's id."""
    items = []
    for doc in docs:
        url = page_url.replace("{id}", doc["id"])
        items.append(
            "<item>"
            f"<title>{escape(as_html(item_title(doc)))}</title><link>{escape(url)}</link>"
            f"<guid isPermaLink=\"false\">{escape(doc['id'])}</guid>"
            f"<pubDate>{format_datetime(_when(doc), usegmt=True)}</pubDate>"
            f"<description>{escape(as_html(item_summary(doc)))}</description>"
            + (f"<category>{escape(INDUSTRY[doc['industry']])}</category>" if doc.get("industry") in INDUSTRY else "")
            + "</item>")
    head = ('<?xml version="1.0" encoding="utf-8"?>\n'
            '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>'
            f"<title>{escape(as_html(title))}</title><link>{escape(link)}</link>"
            f"<description>{escape(as_html(title))}</description><language>zh-cn</language>"
            f"<atom:link href={quoteattr(self_url)} rel=\"self\" type=\"application/rss+xml\"/>")
    return (head + "".join(items) + "</channel></rss>").encode()


def atom(docs: Iterable[Mapping[str, Any]], *, title: str, link: str, self_url: str, page_url: str) -> bytes:
    """Atom 1.0, same content as ``rss``."""
    docs = list(docs)
    updated = max((datetime.fromisoformat(d["updated_at"]) for d in docs), default=datetime.now(UTC))
    entries = []
    for doc in docs:
        url = page_url.replace("{id}", doc["id"])
        entries.append(
            "<entry>"
            f"<title type=\"text\">{escape(item_title(doc))}</title><link href={quoteattr(url)}/>"
            f"<id>urn:hub24365:job:{escape(doc['id'])}</id>"
            f"<published>{_when(doc).isoformat()}</published><updated>{escape(doc['updated_at'])}</updated>"
            f"<author><name>{escape(doc['employer']['name'])}</name></author>"
            f"<summary type=\"html\">{escape(as_html(item_summary(doc)))}</summary></entry>")
    head = ('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh-CN">'
            f"<title type=\"text\">{escape(title)}</title><id>{escape(self_url)}</id><updated>{updated.isoformat()}</updated>"
            f"<link href={quoteattr(link)}/><link rel=\"self\" href={quoteattr(self_url)}/>")
    return (head + "".join(entries) + "</feed>").encode()
