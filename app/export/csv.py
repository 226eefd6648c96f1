"""CSV export of a search for university staff: UTF-8 with a BOM (so Excel opens Chinese
correctly), one row per job, streamed. Cells that a spreadsheet would run as a formula
(leading ``= + - @``) are prefixed with ``'`` (CSV injection)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from .labels import EDUCATION, EMPLOYER_TYPE, INDUSTRY, JOB_TYPE, PERIOD

BOM = "\ufeff".encode()
COLUMNS = ("岗位ID", "岗位名称", "单位名称", "单位性质", "统一社会信用代码", "省份", "城市", "区县", "地址",
           "行政区划代码", "工作性质", "学历要求", "行业", "专业", "最低薪资", "最高薪资", "薪资单位", "招聘人数",
           "发布时间", "截止时间", "申请链接", "岗位页面", "状态", "来源数")


def _safe(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def row(doc: Mapping[str, Any], page_url: str) -> list[Any]:
    loc = (doc.get("locations") or [{}])[0]
    salary = doc.get("salary") or {}
    employer = doc["employer"]
    return [doc["id"], doc["title"], employer["name"], EMPLOYER_TYPE.get(employer.get("type") or "", ""),
            employer.get("credit_code") or "", loc.get("province") or "", loc.get("city") or "",
            loc.get("district") or "", loc.get("address") or "",
            ";".join(x.get("region_code") or "" for x in doc.get("locations") or []),
            JOB_TYPE.get(doc.get("job_type") or "", ""), EDUCATION.get(doc.get("education") or "", ""),
            INDUSTRY.get(doc.get("industry") or "", ""), ";".join(doc.get("majors") or []),
            salary.get("min", ""), salary.get("max", ""), PERIOD.get(salary.get("period") or "", ""),
            doc.get("headcount") if doc.get("headcount") is not None else "",
            doc.get("posted_at") or "", doc.get("valid_through") or "", doc.get("apply_url") or "",
            page_url.replace("{id}", doc["id"]), "招聘中" if doc.get("status") == "open" else "已结束",
            len(doc.get("sources") or [])]


def stream(pages: Iterable[Sequence[Mapping[str, Any]]], page_url: str) -> Iterator[bytes]:
    """The BOM and header, then one chunk of rows per page of Job documents."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    yield BOM + buf.getvalue().encode()
    for docs in pages:
        buf.seek(0)
        buf.truncate()
        for doc in docs:
            writer.writerow([_safe(v) for v in row(doc, page_url)])
        yield buf.getvalue().encode()
