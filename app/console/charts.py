"""Server-rendered SVG: a bar chart per series over the campaign's days, and the tile map of the
31 provinces. Each carries its figures as text (labels, titles, a table beside it), so nothing
rests on colour alone; no script, no library."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# (row, column) of each province on the tile map: roughly where it lies.
TILES = {
    "230000": (0, 8), "150000": (1, 5), "110000": (1, 6), "220000": (1, 8),
    "650000": (2, 1), "640000": (2, 4), "140000": (2, 5), "130000": (2, 6), "120000": (2, 7), "210000": (2, 8),
    "630000": (3, 2), "620000": (3, 3), "610000": (3, 4), "410000": (3, 5), "370000": (3, 6),
    "540000": (4, 1), "510000": (4, 3), "500000": (4, 4), "420000": (4, 5), "340000": (4, 6), "320000": (4, 7),
    "530000": (5, 3), "520000": (5, 4), "430000": (5, 5), "360000": (5, 6), "330000": (5, 7), "310000": (5, 8),
    "450000": (6, 4), "440000": (6, 5), "350000": (6, 6),
    "460000": (7, 5),
}
SHORT = {"内蒙古自治区": "内蒙古", "广西壮族自治区": "广西", "西藏自治区": "西藏", "宁夏回族自治区": "宁夏",
         "新疆维吾尔自治区": "新疆", "黑龙江省": "黑龙江"}
TILE, GAP = 64, 4


def short_name(name: str) -> str:
    return SHORT.get(name) or name.removesuffix("省").removesuffix("市")


@dataclass(frozen=True, slots=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: int


def bar_chart(rows: list[dict[str, Any]], key: str, *, width: int = 640, height: int = 180) -> dict[str, Any]:
    """Geometry of one series' bars (a day each), with a y-axis top value and a few day labels."""
    left, bottom, top = 36, 24, 10
    values = [int(r[key]) for r in rows]
    peak = max(values, default=0) or 1
    slot = (width - left) / max(len(rows), 1)
    plot = height - bottom - top
    bars = [Bar(left + i * slot + slot * 0.15, top + plot - v * plot / peak, slot * 0.7, v * plot / peak,
                r["date"], v) for i, (r, v) in enumerate(zip(rows, values, strict=True))]
    step = max(1, len(rows) // 6)
    ticks = [(b.x + b.width / 2, b.label[5:]) for i, b in enumerate(bars) if i % step == 0]
    return {"bars": bars, "peak": peak, "width": width, "height": height, "left": left, "base": top + plot,
            "top": top, "ticks": ticks, "total": sum(values)}


def tiles(values: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Tile geometry for each province; ``values`` gives each its label, text and CSS class."""
    out = []
    for code, (row, col) in TILES.items():
        v = values.get(code, {})
        out.append({"code": code, "x": col * (TILE + GAP), "y": row * (TILE + GAP), "size": TILE, **v})
    return {"tiles": out, "width": 10 * (TILE + GAP), "height": 8 * (TILE + GAP)}
