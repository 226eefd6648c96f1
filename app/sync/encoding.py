"""Character-set detection and decoding for partner feeds (never raises on bad bytes).

Order: a byte-order mark wins; then a declared charset if the sample decodes cleanly
(weak declarations such as ISO-8859-1, which servers send by default, come later);
then strict UTF-8; then UTF-8 with a few bad bytes (a corrupt UTF-8 file); then
GB18030 (a superset of GB2312/GBK) if it decodes cleanly; then a weak declaration;
then charset-normalizer's guess; finally UTF-8 with replacement characters. Samples
are cut back to a line end so a multi-byte character split by the cut does not count.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from typing import BinaryIO

from charset_normalizer import from_bytes

SAMPLE_BYTES = 64 * 1024
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)
_GB_FAMILY = {"gbk", "gb2312", "gb18030"}
_WEAK = {"iso8859-1", "ascii", "cp1252"}
_CHARSET_RE = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)


def charset_from_content_type(content_type: str | None) -> str | None:
    """The ``charset`` parameter of a Content-Type header, if any."""
    if not content_type:
        return None
    match = _CHARSET_RE.search(content_type)
    return match.group(1) if match else None


def _canonical(name: str | None) -> str | None:
    """A Python codec name (GB family widened to gb18030), or None if unknown."""
    if not name:
        return None
    try:
        codec = codecs.lookup(name.strip().strip("\"'")).name
    except LookupError:
        return None
    return "gb18030" if codec in _GB_FAMILY else codec


def _trim(sample: bytes, complete: bool) -> bytes:
    """Cut a partial sample back to a line end so no multi-byte character is split."""
    if complete:
        return sample
    cut = sample.rfind(b"\n")
    return sample[: cut + 1] if cut > 0 else sample


def _clean(sample: bytes, encoding: str, final: bool) -> bool:
    try:
        codecs.getincrementaldecoder(encoding)().decode(sample, final=final)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def _mostly_utf8(sample: bytes) -> bool:
    """True for UTF-8 with a few bad bytes: well-formed multi-byte characters clearly
    outnumber the bad bytes (GBK read as UTF-8 gives about one good per four bad)."""
    text = sample.decode("utf-8", errors="replace")
    bad = text.count("\ufffd") - sample.count("\ufffd".encode())
    good = sum(1 for char in text if char > "\x7f") - text.count("\ufffd")
    return good >= 2 * bad


def detect_encoding(sample: bytes, declared: str | None = None, *, complete: bool = True) -> str:
    """Pick a codec for ``sample``; ``complete`` False means more bytes follow."""
    for bom, name in _BOMS:
        if sample.startswith(bom):
            return name
    trimmed = _trim(sample, complete)
    wanted = _canonical(declared)
    if wanted and wanted.startswith(("utf-16", "utf-32")):
        return wanted  # no BOM: trust the declaration, the sniffing below is byte-oriented
    if wanted and wanted not in _WEAK and _clean(trimmed, wanted, complete):
        return wanted
    if _clean(trimmed, "utf-8", complete):
        return "utf-8"
    if _mostly_utf8(trimmed):
        return "utf-8"
    if _clean(trimmed, "gb18030", complete):
        return "gb18030"  # GBK/GB2312 included; checked before the statistical guess,
        # which is unreliable on short Chinese samples (it says Big5 for 工程师)
    if wanted:
        return wanted  # a weak declaration (ISO-8859-1...) that decodes
    best = from_bytes(trimmed[:SAMPLE_BYTES]).best() if trimmed else None
    guess = _canonical(best.encoding) if best else None
    if guess and not guess.startswith(("utf-16", "utf-32")):
        return guess  # UTF-16/32 without a BOM is a misguess on byte-oriented feeds
    return "utf-8"


def decode_text(raw: bytes, declared_charset: str | None) -> str:
    """Decode a whole document; invalid bytes become U+FFFD, never an exception."""
    encoding = detect_encoding(raw[:SAMPLE_BYTES], declared_charset,
                               complete=len(raw) <= SAMPLE_BYTES)
    return raw.decode(encoding, errors="replace")


def iter_text_lines(body: BinaryIO, declared_charset: str | None,
                    chunk_size: int = SAMPLE_BYTES) -> Iterator[str]:
    """Stream a binary body as decoded lines (split on ``\\n`` only, ends kept).

    The encoding is detected on the first chunk; memory stays bounded by the
    longest line. The caller's file is never closed.
    """
    first = body.read(chunk_size)
    encoding = detect_encoding(first, declared_charset, complete=len(first) < chunk_size)
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    pending = ""
    chunk = first
    while chunk:
        pending += decoder.decode(chunk)
        lines = pending.split("\n")
        pending = lines.pop()
        for line in lines:
            yield line + "\n"
        chunk = body.read(chunk_size)
    pending += decoder.decode(b"", final=True)
    if pending:
        yield pending


def iter_text_chunks(body: BinaryIO, declared_charset: str | None,
                     chunk_size: int = 256 * 1024) -> Iterator[str]:
    """Stream a binary body as decoded text pieces of about ``chunk_size`` bytes each
    (the encoding detected on the first piece, bad bytes replaced; never raises)."""
    first = body.read(chunk_size)
    encoding = detect_encoding(first[:SAMPLE_BYTES], declared_charset,
                               complete=len(first) < chunk_size and len(first) <= SAMPLE_BYTES)
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    chunk = first
    while chunk:
        text = decoder.decode(chunk)
        if text:
            yield text
        chunk = body.read(chunk_size)
    tail = decoder.decode(b"", final=True)
    if tail:
        yield tail


_XML_DECL_RE = re.compile(rb"^(\s*<\?xml[^>]*?encoding\s*=\s*)([\"'])([^\"']*)\2", re.IGNORECASE)


class Utf8XmlReader:
    """A binary reader that re-encodes an XML document of any charset as UTF-8.

    The charset comes from the BOM, the XML declaration, the HTTP charset or
    sniffing; the declaration is rewritten to say UTF-8; bad bytes become U+FFFD.
    Expat itself knows no multi-byte charset but UTF-8/UTF-16 (GBK XML fails there).
    """

    def __init__(self, body: BinaryIO, declared_charset: str | None,
                 chunk_size: int = SAMPLE_BYTES) -> None:
        first = body.read(chunk_size)
        match = _XML_DECL_RE.match(first.lstrip(codecs.BOM_UTF8))
        xml_charset = match.group(3).decode("ascii", "replace") if match else None
        encoding = detect_encoding(first, xml_charset or declared_charset,
                                   complete=len(first) < chunk_size)
        self._body = body
        self._chunk_size = chunk_size
        self._decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
        text = self._decoder.decode(first, final=len(first) < chunk_size).lstrip("\ufeff")
        head = text.encode("utf-8")
        self._buffer = _XML_DECL_RE.sub(rb"\1\2UTF-8\2", head, count=1)
        self._done = len(first) < chunk_size

    def read(self, size: int = -1) -> bytes:
        while not self._done and (size < 0 or len(self._buffer) < size):
            chunk = self._body.read(self._chunk_size)
            self._done = not chunk
            self._buffer += self._decoder.decode(chunk, final=self._done).encode("utf-8")
        if size < 0 or size >= len(self._buffer):
            out, self._buffer = self._buffer, b""
        else:
            out, self._buffer = self._buffer[:size], self._buffer[size:]
        return out
