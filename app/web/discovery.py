"""Being found: robots.txt, a sitemap index with paged sitemaps of the open jobs, and the
fairs' and pages' sitemap.

A million open jobs make 50 files of 20,000: the index lists each file by the first job id it
holds (ids in order), so a file is one range read of the primary key, however many there are.
The index finds those first ids with one pass over the open jobs' ids, cached for ten minutes.
"""

from __future__ import annotations

import threading
import time
from typing import Any
from xml.sax.saxutils import escape

from fastapi import APIRouter
from sqlalchemy import select, text
from starlette.responses import Response

from app.api.deps import DbDep, SettingsDep
from app.models import Fair, Job, utcnow
from app.schemas.common import SafeStr

from .render import SECURITY_HEADERS

router = APIRouter(include_in_schema=False)
PER_FILE = 20_000
REFRESH_S = 600.0
XML = "application/xml; charset=utf-8"
_starts: dict[str, tuple[float, list[str]]] = {}
_lock = threading.Lock()


def _xml(body: str) -> Response:
    return Response('<?xml version="1.0" encoding="UTF-8"?>\n' + body, media_type=XML, headers=SECURITY_HEADERS)


@router.get("/robots.txt")
def robots(settings: SettingsDep) -> Response:
    body = ("User-agent: *\nAllow: /\nDisallow: /api/\nDisallow: /docs\nDisallow: /redoc\n"
            "Disallow: /*cursor=\n\n" f"Sitemap: {settings.base_url}/sitemap.xml\n")
    return Response(body, media_type="text/plain; charset=utf-8", headers=SECURITY_HEADERS)


def chunk_starts(db: Any, url_key: str) -> list[str]:
    """The first open job id of each sitemap file (cached per database for ten minutes)."""
    now = time.monotonic()
    hit = _starts.get(url_key)
    if hit is not None and now - hit[0] < REFRESH_S:
        return hit[1]
    with db.read() as session:
        starts = list(session.execute(text(
            "SELECT id FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM jobs WHERE status = 'open') s "
            "WHERE (n - 1) % :per = 0 ORDER BY id"), {"per": PER_FILE}).scalars())
    with _lock:
        _starts[url_key] = (now, starts)
    return starts


@router.get("/sitemap.xml")
def sitemap_index(db: DbDep, settings: SettingsDep) -> Response:
    base = settings.base_url
    files = [f"{base}/sitemaps/pages.xml"] + [f"{base}/sitemaps/jobs-{s}.xml"
                                              for s in chunk_starts(db, settings.database_url)]
    entries = "".join(f"<sitemap><loc>{escape(u)}</loc></sitemap>" for u in files)
    return _xml(f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</sitemapindex>')


def _urlset(rows: list[tuple[str, Any]]) -> Response:
    entries = "".join(f"<url><loc>{escape(loc)}</loc>" + (f"<lastmod>{when.date().isoformat()}</lastmod>" if when else "")
                      + "</url>" for loc, when in rows)
    return _xml(f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>')


@router.get("/sitemaps/pages.xml")
def sitemap_pages(db: DbDep, settings: SettingsDep) -> Response:
    base = settings.base_url
    with db.read() as session:
        fairs = session.execute(select(Fair.id, Fair.updated_at).where(Fair.ends_at >= utcnow(),
                                                                       Fair.status == "scheduled")
                                .order_by(Fair.starts_at).limit(PER_FILE)).all()
    return _urlset([(f"{base}/", None), (f"{base}/fairs", None),
                    *((f"{base}/fairs/{fid}", when) for fid, when in fairs)])


@router.get("/sitemaps/jobs-{start}.xml")
def sitemap_jobs(start: SafeStr, db: DbDep, settings: SettingsDep) -> Response:
    if not (start.isascii() and start.isalnum() and len(start) <= 64):
        return Response("not found", status_code=404, media_type="text/plain", headers=SECURITY_HEADERS)
    with db.read() as session:
        rows = session.execute(select(Job.id, Job.updated_at).where(Job.id >= start, Job.status == "open")
                               .order_by(Job.id).limit(PER_FILE)).all()
    base = settings.base_url
    return _urlset([(f"{base}/jobs/{jid}", when) for jid, when in rows])
