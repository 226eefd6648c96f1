"""Charset detection and decoding: declared, BOM, UTF-8, GBK/GB18030, bad bytes."""

from __future__ import annotations

import codecs
import io

import pytest

from app.sync.encoding import (
    Utf8XmlReader,
    charset_from_content_type,
    decode_text,
    detect_encoding,
    iter_text_lines,
)

TEXT = "岗位名称,公司名称,工作地点\n软件工程师,深圳市某某科技有限公司,深圳-南山区\n" * 50


@pytest.mark.parametrize("encoding", ["utf-8", "gbk", "gb18030", "gb2312"])
def test_undeclared_chinese_text(encoding: str) -> None:
    assert decode_text(TEXT.encode(encoding), None) == TEXT


def test_gb18030_four_byte_characters() -> None:
    text = "𠀀公司,深圳\n" * 3
    assert decode_text(text.encode("gb18030"), None) == text


def test_declared_charset_is_honoured_when_clean() -> None:
    assert decode_text("職位名稱".encode("big5"), "big5") == "職位名稱"
    assert decode_text(TEXT.encode("gbk"), "utf-8") == TEXT  # a wrong declaration loses
    assert decode_text(TEXT.encode("gbk"), "iso-8859-1") == TEXT  # a weak one too
    assert decode_text("café".encode("latin-1"), "iso-8859-1") == "café"
    assert decode_text(b"abc", "no-such-charset") == "abc"


@pytest.mark.parametrize(("bom", "encoding"), [(codecs.BOM_UTF8, "utf-8"),
                                                (b"", "utf-16"), (b"", "utf-32")])
def test_byte_order_marks(bom: bytes, encoding: str) -> None:
    assert decode_text(bom + TEXT.encode(encoding), "gbk") == TEXT


def test_invalid_bytes_are_replaced_never_raised() -> None:
    raw = "软件工程师".encode() + b"\xff\xfe\x80" + "深圳".encode()
    assert decode_text(raw, None) == "软件工程师\ufffd\ufffd\ufffd深圳"
    assert decode_text(b"\xff" * 100, "utf-8")  # garbage in, some text out
    assert decode_text(b"", None) == ""


def test_sample_cut_inside_a_character_still_detects() -> None:
    raw = ("软件工程师" * 20000).encode("gbk")  # > 64 KiB, sample ends mid-character
    assert detect_encoding(raw[:65535], None, complete=False) == "gb18030"


def test_iter_text_lines_streams_and_keeps_the_callers_file_open() -> None:
    body = io.BytesIO(TEXT.encode("gbk") * 40)
    lines = list(iter_text_lines(body, None, chunk_size=1000))
    assert "".join(lines) == TEXT * 40 and not body.closed
    assert all(line.endswith("\n") for line in lines)


def test_xml_reader_transcodes_and_rewrites_the_declaration() -> None:
    raw = '<?xml version="1.0" encoding="GBK"?><a>岗位</a>'.encode("gbk")
    out = Utf8XmlReader(io.BytesIO(raw), None).read()
    assert out.decode("utf-8") == '<?xml version="1.0" encoding="UTF-8"?><a>岗位</a>'


def test_charset_from_content_type() -> None:
    assert charset_from_content_type('text/csv; charset="GBK"') == "GBK"
    assert charset_from_content_type("application/json") is None
    assert charset_from_content_type(None) is None
