"""iCalendar (RFC 5545) for fairs: "add to calendar" for one fair or a filtered list.

Times go out in UTC (``...Z``), which every calendar shows in its own zone; text is escaped
and lines folded at 75 octets, as the RFC asks. A cancelled fair keeps its event, marked
``STATUS:CANCELLED``, so a calendar that imported it learns of the cancellation.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

PRODID = "-//Hub 24365//Fairs//ZH"


def _escape(text: str) -> str:
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def _fold(line: str) -> list[str]:
    """One content line cut into pieces of at most 75 octets (never inside a character)."""
    out: list[str] = []
    current, size = "", 0
    for ch in line:
        n = len(ch.encode())
        if size + n > (75 if not out else 74):
            out.append(current)
            current, size = "", 0
        current += ch
        size += n
    out.append(current)
    return [out[0], *(" " + part for part in out[1:])]


def _stamp(value: Any) -> str:
    when = datetime.fromisoformat(value) if isinstance(value, str) else value
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def calendar(fairs: Iterable[dict[str, Any]], base_url: str, host: str, now: datetime) -> bytes:
    """The fairs (``FairOut`` documents) as one ``text/calendar`` body."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
             "X-WR-CALNAME:" + _escape("24365 招聘会"), "X-WR-TIMEZONE:Asia/Shanghai"]
    for f in fairs:
        place = "，".join(p for p in (f.get("venue"), f.get("address")) if p) or f.get("url") or (
            "线上" if f.get("mode") == "online" else "")
        page = f"{base_url}/fairs/{f['id']}"
        about = [f.get("description") or "", f"主办：{f.get('organiser_name') or ''}", f"详情：{page}"]
        if f.get("url"):
            about.append(f"线上会场：{f['url']}")
        lines += ["BEGIN:VEVENT", f"UID:fair-{f['id']}@{host}", f"DTSTAMP:{_stamp(now)}",
                  f"DTSTART:{_stamp(f['starts_at'])}", f"DTEND:{_stamp(f['ends_at'])}",
                  "SUMMARY:" + _escape(f["title"]), "DESCRIPTION:" + _escape("\n".join(a for a in about if a)),
                  f"URL:{page}", f"LAST-MODIFIED:{_stamp(f['updated_at'])}",
                  "STATUS:" + ("CANCELLED" if f.get("status") == "cancelled" else "CONFIRMED")]
        if place:
            lines.append("LOCATION:" + _escape(place))
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return ("\r\n".join(part for line in lines for part in _fold(line)) + "\r\n").encode()
