"""A real HTTP server on 127.0.0.1 that serves good feeds and misbehaves on purpose."""

from __future__ import annotations

import gzip
import importlib.util
import json
import struct
import threading
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest


def _load_samples() -> Any:
    """``feed_samples.py`` beside this file, whatever pytest's import mode."""
    spec = importlib.util.spec_from_file_location(
        "hub_sync_feed_samples", Path(__file__).with_name("feed_samples.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SAMPLES: dict[str, tuple[bytes, str]] = _load_samples().SAMPLES


@pytest.fixture(scope="session")
def samples() -> dict[str, tuple[bytes, str]]:
    """Sample documents by name: ``(body, content_type)``."""
    return SAMPLES


def gzip_bomb(megabytes: int = 1100) -> bytes:
    """~1 MB of gzip that inflates to ``megabytes`` MiB of zeros (valid CRC and size)."""
    block = bytes(1 << 20)
    squeeze = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    piece = squeeze.compress(block) + squeeze.flush(zlib.Z_FULL_FLUSH)
    tail = squeeze.flush(zlib.Z_FINISH)
    crc = 0
    for _ in range(megabytes):
        crc = zlib.crc32(block, crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    return header + piece * megabytes + tail + struct.pack(
        "<II", crc, (megabytes << 20) & 0xFFFFFFFF)


def ten_thousand_items() -> bytes:
    items: list[object] = [{"id": f"J{i}", "title": f"岗位 {i}", "employer": "某公司",
                            "locations": ["深圳"]} for i in range(10_000)]
    items[17] = 42
    items[5000] = {"id": "J5000", "employer": "某公司"}
    items[9999] = {"id": "J9999", "title": {"zh": "对象"}}
    return json.dumps({"postings": items}, ensure_ascii=False).encode()


@dataclass
class FeedServer:
    base_url: str
    port: int
    hits: Counter[str] = field(default_factory=Counter)
    docs: dict[str, tuple[bytes, str, dict[str, str]]] = field(default_factory=dict)

    def url(self, path: str) -> str:
        return self.base_url + path

    def put(self, path: str, body: bytes, ctype: str = "application/json", **headers: str) -> str:
        """Serve ``body`` at ``path`` (``/doc/...``) from now on; returns its URL."""
        self.docs[path] = (body, ctype, headers)
        return self.url(path)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    stop = threading.Event()
    hits: Counter[str]
    docs: dict[str, tuple[bytes, str, dict[str, str]]]
    bomb: bytes
    many: bytes

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # clients hang up on purpose


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, *args: object) -> None:
        pass

    def raw(self, status: str, headers: dict[str, str], body: bytes) -> None:
        """Status line, headers and body in one write (one TCP segment, usually)."""
        head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        self.wfile.write(f"HTTP/1.1 {status}\r\n{head}\r\n".encode() + body)

    def send(self, body: bytes, status: int = 200, ctype: str = "application/json",
             **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for key, value in headers.items():
            self.send_header(key.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        self.server.hits[parts.path + ("?" + parts.query if parts.query else "")] += 1
        route = ROUTES.get(parts.path)
        if parts.path in self.server.docs:
            body, ctype, headers = self.server.docs[parts.path]
            if headers.get("ETag") and self.headers.get("If-None-Match") == headers["ETag"]:
                return self.send(b"", 304, ETag=headers["ETag"])
            return self.send(body, ctype=ctype, **headers)
        if route is None and parts.path.startswith("/samples/"):
            name = parts.path.removeprefix("/samples/")
            if name in SAMPLES:
                body, ctype = SAMPLES[name]
                return self.send(body, ctype=ctype)
        if route is None:
            return self.send(b"not found", 404, "text/plain")
        try:
            route(self, query)
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            self.close_connection = True


def _flaky(h: Handler, q: dict[str, str]) -> None:
    key = q.get("key", "")
    h.server.hits["flaky:" + key] += 1
    if h.server.hits["flaky:" + key] <= int(q.get("fails", "2")):
        return h.send(b"oops", int(q.get("status", "500")), "text/plain")
    h.send(SAMPLES["feed.json"][0])


def _rate_limited(h: Handler, q: dict[str, str]) -> None:
    key = q.get("key", "")
    h.server.hits["429:" + key] += 1
    if h.server.hits["429:" + key] == 1:
        return h.send(b"slow down", 429, "text/plain", Retry_After=q.get("after", "1"))
    h.send(SAMPLES["feed.json"][0])


def _hang(h: Handler, q: dict[str, str]) -> None:
    h.server.stop.wait(10)
    h.close_connection = True


def _drip(h: Handler, q: dict[str, str]) -> None:
    h.raw("200 OK", {"Content-Type": "application/json", "Content-Length": "100"}, b"")
    for _ in range(100):
        if h.server.stop.wait(0.2):
            break
        h.wfile.write(b" ")
    h.close_connection = True


def _truncated(h: Handler, q: dict[str, str]) -> None:
    h.raw("200 OK", {"Content-Type": "application/json", "Content-Length": "1000"},
          b'{"postings": [' + b" " * 86)
    h.close_connection = True


def _lying_short(h: Handler, q: dict[str, str]) -> None:
    body = SAMPLES["feed.json"][0]
    h.raw("200 OK", {"Content-Type": "application/json", "Content-Length": "10"}, body)
    h.close_connection = True


def _big(h: Handler, q: dict[str, str]) -> None:
    size = 50 * 1024 * 1024
    headers = {"Content-Type": "application/octet-stream", "Connection": "close"}
    if q.get("declared"):
        headers["Content-Length"] = str(size)
    h.raw("200 OK", headers, b"")
    chunk = b"x" * 65536
    for _ in range(size // len(chunk)):
        h.wfile.write(chunk)
    h.close_connection = True


def _bomb(h: Handler, q: dict[str, str]) -> None:
    h.send(h.server.bomb, ctype="application/json", Content_Encoding="gzip")


def _gzip_feed(h: Handler, q: dict[str, str]) -> None:
    h.send(gzip.compress(SAMPLES["feed.json"][0]), Content_Encoding="gzip")


def _etag(h: Handler, q: dict[str, str]) -> None:
    if h.headers.get("If-None-Match") == '"v1"':
        return h.send(b"", 304, ETag='"v1"')
    h.send(SAMPLES["feed.json"][0], ETag='"v1"', Last_Modified="Mon, 09 May 2022 01:00:00 GMT",
           Link='</samples/page2.json>; rel="next"')


def _redirect(h: Handler, q: dict[str, str]) -> None:
    h.send(b"", int(q.get("status", "302")), "text/plain", Location=q["to"])


def _chain(h: Handler, q: dict[str, str]) -> None:
    left = int(q.get("n", "0"))
    target = f"/chain?n={left - 1}" if left > 0 else "/samples/feed.json"
    h.send(b"", 301, "text/plain", Location=target)


def _many(h: Handler, q: dict[str, str]) -> None:
    h.send(h.server.many)


ROUTES: dict[str, Callable[[Handler, dict[str, str]], None]] = {
    "/flaky": _flaky, "/429": _rate_limited, "/hang": _hang, "/drip": _drip,
    "/truncated": _truncated, "/lying-short": _lying_short, "/big": _big, "/bomb": _bomb,
    "/gzip.json": _gzip_feed, "/etag.json": _etag, "/redirect": _redirect, "/chain": _chain,
    "/many.json": _many,
}


@pytest.fixture(scope="session")
def feed_server() -> Iterator[FeedServer]:
    server = _Server(("127.0.0.1", 0), Handler)
    server.stop = threading.Event()
    server.hits = Counter()
    server.bomb = gzip_bomb()
    server.many = ten_thousand_items()
    feeds = FeedServer(f"http://127.0.0.1:{server.server_address[1]}", server.server_address[1],
                       server.hits)
    server.docs = feeds.docs
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        yield feeds
    finally:
        server.stop.set()
        server.shutdown()
        server.server_close()
        thread.join(5)
