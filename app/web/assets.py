"""Static files served from memory under content-hashed names (``app.3f9c2a1b7d.css``).

A fingerprinted URL never changes meaning, so it is cached for a year; the
plain name still answers, briefly cached, for hand-typed links. Files are
gzipped once at start-up for clients that accept it.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import mimetypes
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from app.normalize import children

STATIC_DIR = Path(__file__).resolve().parent / "static"
PREFIX = "/static/"
LONG = "public, max-age=31536000, immutable"
SHORT = "public, max-age=300"
_TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8",
          ".json": "application/json", ".svg": "image/svg+xml"}


@dataclass(frozen=True)
class Asset:
    name: str
    hashed: str
    body: bytes
    gzipped: bytes | None
    media_type: str
    etag: str


def regions_json() -> bytes:
    """Province code → its cities (or a municipality's districts), for the region picker."""
    data = {p.code: [[c.code, c.name] for c in children(p.code)] for p in children(None)}
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def _asset(name: str, body: bytes) -> Asset:
    digest = hashlib.sha256(body).hexdigest()[:12]
    stem, dot, ext = name.rpartition(".")
    suffix = "." + ext if dot else ""
    media = _TYPES.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"
    packed = gzip.compress(body, 9, mtime=0) if len(body) > 512 else None
    return Asset(name, f"{stem}.{digest}{suffix}" if dot else f"{name}.{digest}", body,
                 packed if packed and len(packed) < len(body) else None, media, f'"{digest}"')


@cache
def assets() -> dict[str, Asset]:
    """Every served name (plain and hashed) → its asset; built once per process."""
    found = [_asset(p.name, p.read_bytes()) for p in sorted(STATIC_DIR.iterdir()) if p.is_file()]
    found.append(_asset("regions.json", regions_json()))
    table: dict[str, Asset] = {}
    for a in found:
        table[a.name] = a
        table[a.hashed] = a
    return table


def asset_url(name: str) -> str:
    """The fingerprinted URL of a static file (templates call this as ``asset('app.css')``)."""
    return PREFIX + assets()[name].hashed
