"""Format ``csv``: a header row, then one posting per row, streamed row by row.

The charset is detected on the first 64 KiB (BOM, declared charset, UTF-8,
GB18030/GBK, charset-normalizer; bad bytes replaced). The delimiter is the most
frequent of ``,`` ``\\t`` ``;`` ``|`` in the header line. Columns named like posting
keys (``title``, ``employer.name``, ``salary.min``, ``locations.city``; also
``company``, ``city``, ``location``) are read directly; ``mapping`` names others.
A row with more fields than the header, or one the csv module rejects, is an
``ItemError``; short rows are padded with empty fields; blank rows are skipped.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from itertools import chain
from typing import BinaryIO

from ..encoding import charset_from_content_type, iter_text_lines
from ..mapping import FieldMapping
from .base import Event, FeedFormatError, ItemError
from .common import build_item

FIELD_LIMIT = 4 * 1024 * 1024
MAX_ERRORS_IN_A_ROW = 1000


def _delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in (",", "\t", ";", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


class CsvFeedAdapter:
    """See the module docstring."""

    format = "csv"

    def parse(self, body: BinaryIO, *, content_type: str | None, base_url: str,
              mapping: FieldMapping | None) -> Iterator[Event]:
        if csv.field_size_limit() < FIELD_LIMIT:
            csv.field_size_limit(FIELD_LIMIT)  # long descriptions; raising it is harmless
        lines = iter_text_lines(body, charset_from_content_type(content_type))
        first = next(lines, "")
        while first and not first.strip():
            first = next(lines, "")
        if not first.strip():
            raise FeedFormatError("empty CSV document")
        reader = csv.reader(chain([first.lstrip("\ufeff")], lines),
                            delimiter=_delimiter(first), strict=False)
        try:
            header = [name.strip() for name in next(reader)]
        except csv.Error as exc:
            raise FeedFormatError(f"unreadable CSV header: {exc}") from exc
        if len(header) < 2 and "title" not in header:
            raise FeedFormatError("CSV header has a single column and no 'title'")
        index = errors = 0
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                errors += 1
                if errors > MAX_ERRORS_IN_A_ROW:
                    raise FeedFormatError(f"too many unreadable CSV rows: {exc}") from exc
                yield ItemError(index, f"unreadable CSV row: {exc}")
                index += 1
                continue
            errors = 0
            if not any(cell.strip() for cell in row):
                continue
            if len(row) > len(header):
                yield ItemError(index, f"row has {len(row)} fields, header has {len(header)}")
            else:
                row += [""] * (len(header) - len(row))
                yield build_item(index, dict(zip(header, row, strict=True)), mapping, base_url)
            index += 1
