"""The API's documentation pages, ``/docs`` (Swagger UI) and ``/redoc`` (ReDoc), served with
their scripts from this package (vendored from pinned npm packages by
``scripts/vendor_apidocs.sh``), so they work offline and load nothing from a CDN."""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html

from app.schemas.common import SafeStr

STATIC = Path(__file__).resolve().parent / "static"
ASSETS = ("swagger-ui-bundle.js", "swagger-ui.css", "redoc.standalone.js")
_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
router = APIRouter(include_in_schema=False)
# The pages may load only the hub's own files (the inline start-up script FastAPI writes, and
# ReDoc's worker from a blob): a browser refuses anything else before it reaches the network,
# e.g. the logo ReDoc's footer fetches from its vendor's CDN.
CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data:; font-src 'self' data:; worker-src 'self' blob:; connect-src 'self'; "
       "frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin"}


@dataclass(frozen=True, slots=True)
class _Asset:
    body: bytes
    gzipped: bytes
    etag: str
    media_type: str


@cache
def _asset(name: str) -> _Asset:
    """Read and gzip once per process, on first use (not at start-up: 3 MB nobody may ask for)."""
    body = (STATIC / name).read_bytes()
    return _Asset(body, gzip.compress(body, 6, mtime=0), f'"{hashlib.sha256(body).hexdigest()[:16]}"',
                  _TYPES[Path(name).suffix])


@cache
def _stamp() -> str:
    """Changes whenever the vendored versions do, so the asset URLs can be cached for a year."""
    return hashlib.sha256((STATIC / "VERSIONS.txt").read_bytes()).hexdigest()[:10]


def _url(name: str) -> str:
    return f"/docs/assets/{name}?v={_stamp()}"


@router.get("/docs")
def swagger_ui(request: Request) -> Response:
    return _with_headers(get_swagger_ui_html(openapi_url="/openapi.json", title=f"{request.app.title} — API",
                               swagger_js_url=_url("swagger-ui-bundle.js"), swagger_css_url=_url("swagger-ui.css"),
                               swagger_favicon_url="/static/favicon.svg",
                               swagger_ui_parameters={"validatorUrl": None, "persistAuthorization": True,
                                                      "displayOperationId": True, "tryItOutEnabled": False}))


@router.get("/redoc")
def redoc(request: Request) -> Response:
    return _with_headers(get_redoc_html(openapi_url="/openapi.json", title=f"{request.app.title} — API",
                                        redoc_js_url=_url("redoc.standalone.js"),
                                        redoc_favicon_url="/static/favicon.svg", with_google_fonts=False))


def _with_headers(page: Response) -> Response:
    page.headers.update(HEADERS)
    return page


@router.get("/docs/assets/{name}")
def asset(name: SafeStr, request: Request) -> Response:
    if name not in ASSETS:
        return Response(b"not found", status_code=404, media_type="text/plain")
    found = _asset(name)
    headers = {"Cache-Control": "public, max-age=31536000, immutable", "ETag": found.etag,
               "Vary": "Accept-Encoding", "X-Content-Type-Options": "nosniff"}
    if request.headers.get("if-none-match") == found.etag:
        return Response(status_code=304, headers=headers)
    if "gzip" in request.headers.get("accept-encoding", ""):
        return Response(found.gzipped, media_type=found.media_type, headers={**headers, "Content-Encoding": "gzip"})
    return Response(found.body, media_type=found.media_type, headers=headers)


def install(app: FastAPI) -> None:
    """Add the pages (create the app with ``docs_url=None, redoc_url=None``)."""
    app.include_router(router)
