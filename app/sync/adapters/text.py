"""Small text helpers for adapters: HTML to text, dates to ISO 8601."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from typing import Any

_BLOCK = frozenset({"p", "div", "br", "li", "ul", "ol", "tr", "h1", "h2", "h3", "h4", "h5",
                    "h6", "section", "article", "table", "blockquote", "pre", "dd", "dt"})
_SKIP = frozenset({"script", "style", "template", "noscript", "head"})
_TAG_RE = re.compile(r"</?[a-zA-Z][^>]*>|<!--|&[#\w]+;")


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in _SKIP:
            self._skip += 1
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def looks_like_html(text: str) -> bool:
    return bool(_TAG_RE.search(text))


def html_to_text(markup: str) -> str:
    """Visible text of an HTML fragment; block elements become line breaks."""
    if not looks_like_html(markup):
        return markup.strip()
    parser = _TextExtractor()
    parser.feed(markup)
    parser.close()
    text = "".join(parser.parts).replace("\xa0", " ")
    lines = (re.sub(r"[ \t\r\f\v]+", " ", line).strip() for line in text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def unescape_html(markup: str) -> str:
    """Greenhouse sends HTML escaped once more (``&lt;p&gt;``)."""
    return html.unescape(markup)


def to_iso(value: Any) -> str | None:
    """ISO 8601 text for datetimes, epoch seconds/milliseconds, ISO or RFC 2822 text.

    Values without a zone stay without one (the hub reads them as Beijing time);
    anything unreadable gives None (the field is then left out).
    """
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and re.fullmatch(r"\s*\d{9,13}(\.\d+)?\s*", value):
        value = float(value)
    if isinstance(value, (int, float)):
        seconds = value / 1000 if value > 1e11 else value
        try:
            return datetime.fromtimestamp(seconds, tz=UTC).isoformat()
        except (OverflowError, OSError, ValueError):
            return None
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    iso = text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text
    iso = re.sub(r"^(\d{4})[/.年-](\d{1,2})[/.月-](\d{1,2})日?", _pad_date, iso)
    try:
        return datetime.fromisoformat(iso).isoformat()
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(text).isoformat()
    except (TypeError, ValueError, IndexError):
        return None


def _pad_date(match: re.Match[str]) -> str:
    year, month, day = match.groups()
    return f"{year}-{int(month):02d}-{int(day):02d}"
