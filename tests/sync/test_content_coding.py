"""Streaming Content-Encoding decoding with bounded output per step."""

from __future__ import annotations

import gzip
import os
import zlib

import pytest

from app.outbound.content_coding import OUT_CHUNK, ContentDecoder
from app.outbound.fetch import ProtocolError, TruncatedError

DATA = os.urandom(100_000) + b"x" * 900_000


def decode(coding: str, body: bytes, step: int = 7_000) -> bytes:
    decoder = ContentDecoder(coding)
    out = []
    for start in range(0, len(body), step):
        for piece in decoder.feed(body[start:start + step]):
            assert len(piece) <= OUT_CHUNK or not coding
            out.append(piece)
    decoder.finish()
    return b"".join(out)


@pytest.mark.parametrize(("coding", "encode"), [
    ("gzip", gzip.compress), ("x-gzip", gzip.compress), ("deflate", zlib.compress),
    ("deflate", lambda d: zlib.compress(d)[2:-4]),  # raw deflate, as some servers send
    ("gzip, gzip", lambda d: gzip.compress(gzip.compress(d))),
    ("", lambda d: d), ("identity", lambda d: d),
])
def test_round_trip(coding: str, encode: object) -> None:
    assert decode(coding, encode(DATA)) == DATA  # type: ignore[operator]


def test_multi_member_gzip() -> None:
    assert decode("gzip", gzip.compress(DATA[:500]) + gzip.compress(DATA[500:])) == DATA


def test_errors() -> None:
    with pytest.raises(ProtocolError, match="br"):
        ContentDecoder("br")
    with pytest.raises(ProtocolError, match="corrupt"):
        decode("gzip", b"\x1f\x8b\x08\x00" + b"\xff" * 100)
    with pytest.raises(TruncatedError):
        decode("gzip", gzip.compress(DATA)[:5_000])
