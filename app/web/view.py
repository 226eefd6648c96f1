"""Presentation helpers for the templates: highlighting, salaries, places, dates, JSON-LD.

Everything that returns ``Markup`` escapes its input first; nothing else may.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from markupsafe import Markup, escape

from app.export.jsonld import job_posting
from app.normalize.headings import strip_leading_heading, tidy_headings

from .labels import EDUCATION, EMPLOYER_TYPE, INDUSTRY, JOB_TYPE, PERIOD
from .query import CHINA

_SPACES = re.compile(r"\s+")


def _terms_re(terms: list[str]) -> re.Pattern[str] | None:
    """One pattern finding every (even overlapping) occurrence of any term."""
    words = sorted({t.strip() for t in terms if t and t.strip()}, key=len, reverse=True)[:64]
    if not words:
        return None
    return re.compile("(?=(" + "|".join(re.escape(w) for w in words) + "))", re.IGNORECASE)


def _marked(text: str, pattern: re.Pattern[str]) -> list[tuple[int, int]]:
    """Maximal runs of ``text`` covered by term occurrences (overlaps and neighbours merged)."""
    runs: list[tuple[int, int]] = []
    for m in pattern.finditer(text):
        start, end = m.start(), m.start() + len(m.group(1))
        if end == start:
            continue
        if runs and start <= runs[-1][1]:
            runs[-1] = (runs[-1][0], max(runs[-1][1], end))
        else:
            runs.append((start, end))
    return runs


def highlight(text: str | None, terms: list[str]) -> Markup:
    """``text`` escaped, with every stretch matching a query term wrapped in ``<mark>``."""
    text = text or ""
    pattern = _terms_re(terms)
    if pattern is None:
        return escape(text)
    out, pos = [], 0
    for start, end in _marked(text, pattern):
        out.append(escape(text[pos:start]))
        out.append(Markup("<mark>") + escape(text[start:end]) + Markup("</mark>"))
        pos = end
    out.append(escape(text[pos:]))
    return Markup("").join(out)


def snippet(text: str | None, terms: list[str], width: int = 90) -> Markup:
    """A short, highlighted excerpt of ``text`` around its first matching term ("" if nothing to say)."""
    flat = _SPACES.sub(" ", text or "").strip()
    if not any(ch.isalnum() for ch in flat[:200]):
        return Markup("")
    pattern = _terms_re(terms)
    m = pattern.search(flat) if pattern else None
    start = max(0, m.start() - width // 4) if m else 0
    part = flat[start:start + width]
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + width < len(flat) else ""
    return escape(prefix) + highlight(part, terms) + escape(suffix)


def money(n: int) -> str:
    if n >= 10000 and n % 1000 == 0:
        return f"{n / 10000:g}万"
    if n >= 1000 and n % 100 == 0:
        return f"{n / 1000:g}千"
    return f"{n:,}"


def salary_text(salary: dict[str, Any] | None) -> str:
    """``8千–1.2万 元/月``; ``面议`` when negotiable; ``""`` when unknown."""
    if not salary:
        return ""
    lo, hi, period = salary.get("min"), salary.get("max"), PERIOD.get(salary.get("period") or "month", "月")
    if lo and hi and lo != hi:
        return f"{money(lo)}–{money(hi)} 元/{period}"
    if lo or hi:
        return f"{money(int(lo or hi or 0))}{'' if hi else ' 起'} 元/{period}"
    if salary.get("negotiable"):
        return "面议"
    return str(salary.get("text") or "")


def place_text(loc: dict[str, Any]) -> str:
    """``深圳市·南山区`` (province omitted where the city names it)."""
    parts = [loc.get("city") or loc.get("province"), loc.get("district")]
    return "·".join(p for p in parts if p) or (loc.get("address") or "")


def places_text(locations: list[dict[str, Any]], limit: int = 3) -> str:
    names = list(dict.fromkeys(place_text(loc) for loc in locations if place_text(loc)))
    more = f" 等 {len(names)} 地" if len(names) > limit else ""
    return "、".join(names[:limit]) + more


def _parse(ts: str | None) -> datetime.datetime | None:
    if not ts:
        return None
    try:
        value = datetime.datetime.fromisoformat(ts)
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=datetime.UTC)


def date_text(ts: str | None) -> str:
    """The calendar date in China time, ``2026-05-09``."""
    value = _parse(ts)
    return value.astimezone(CHINA).date().isoformat() if value else ""


def safe_url(url: str | None) -> str | None:
    """Only http(s) links are shown; anything else (``javascript:``…) is dropped."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    return url.strip() if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def label(table: str, value: str | None) -> str:
    tables = {"education": EDUCATION, "job_type": JOB_TYPE, "employer_type": EMPLOYER_TYPE,
              "industry": INDUSTRY}
    return tables[table].get(value or "", "") if value else ""


def job_posting_ld(job: Mapping[str, Any], page_url: str) -> Markup:
    """The job's schema.org JobPosting (the export's own mapping, ``app.export.jsonld``) as JSON,
    safe inside ``<script type="application/ld+json">``."""
    data = job_posting(job, page_url=page_url)
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    # Inside <script>, "</script>" or "<!--" in the data would end or confuse the block.
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def apply_path(job: dict[str, Any], sites: dict[str, str]) -> dict[str, str] | None:
    """Where a student applies, best first: the job's own apply link, a source's page, the
    career site or contact page of a partner that shares it (``data.partner_sites``)."""
    active = [s for s in job.get("sources") or [] if s.get("status") == "active"] or job.get("sources") or []
    if url := safe_url(job.get("apply_url")):
        return {"url": url, "label": "去申请", "how": "打开单位的申请页面"}
    for s in active:
        if url := safe_url(s.get("url")):
            return {"url": url, "label": "到发布方页面申请", "how": f"{s.get('partner_name', '')}的职位页面"}
    for s in active:
        if url := safe_url(sites.get(s.get("partner_id") or "")):
            return {"url": url, "label": f"到{s.get('partner_name', '')}申请", "how": "发布方的招聘网站或联系方式"}
    return None


def description_text(text: str | None) -> str:
    """The description as the page shows it: repeated scraped headings once, no leading heading
    (the page's own "职位描述" stands above it)."""
    return strip_leading_heading(tidy_headings(text or "")).strip()
