"""Every console table as CSV (UTF-8 with a BOM, for Excel) or xlsx, with the API's own writers."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import Query
from starlette.responses import Response

from app.export.tables import table_csv, table_xlsx

Format = Annotated[Literal["csv", "xlsx"] | None, Query(description="Download the table")]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export(fmt: str, columns: tuple[str, ...], rows: list[dict[str, Any]], name: str) -> Response:
    body = table_csv(columns, rows) if fmt == "csv" else table_xlsx(columns, rows, name)
    media = "text/csv; charset=utf-8" if fmt == "csv" else XLSX
    return Response(body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"',
                                                     "Cache-Control": "no-store"})
