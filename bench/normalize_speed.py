"""Time the hot normalisers over the real Zhilian samples.

    .venv/bin/python bench/normalize_speed.py [--repeat N]

Reads /work/shared/data/real/ (benchmarks may; tests may not) and prints
microseconds per call.  Descriptions are also padded to 500 characters, the
size the ingestion budget assumes (~3000 postings/s on 2 cores).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import opencc

from app.normalize import (
    clean_text,
    parse_education,
    parse_salary,
    resolve_location,
    to_simplified,
)

REAL = Path("/work/shared/data/real")


def load() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {"salary": [], "location": [], "education": [], "text": []}
    with (REAL / "zhilian_shenzhen_java.jsonl").open(encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            out["salary"].append(d["salary"])
            out["location"].append(d["location"])
            out["education"].append(d["edu"])
            out["text"].append(d["deatil"])
    with (REAL / "zhilian_sample.csv").open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            out["salary"].append(row["salary"])
            out["location"].append(row["address"])
            out["education"].append(row["education"])
            out["text"].append(row["requirements"])
    return out


def per_call_us(fn: Callable[[str], object], values: Sequence[str], repeat: int) -> float:
    fn(values[0])  # build lazy tables first
    start = time.perf_counter()
    for _ in range(repeat):
        for v in values:
            fn(v)
    return (time.perf_counter() - start) / (repeat * len(values)) * 1e6


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    t0 = time.perf_counter()
    to_simplified("開")
    resolve_location("深圳")
    print(f"first-use setup (t2s triggers + divisions): {(time.perf_counter() - t0) * 1e3:.0f} ms")
    data = load()
    texts = data["text"]
    joined = "".join(texts)
    texts500 = [joined[i:i + 500] for i in range(0, min(len(joined), 500 * 2000), 500)]
    cases: list[tuple[str, Callable[[str], object], list[str]]] = [
        ("to_simplified (real descriptions)", to_simplified, texts),
        ("to_simplified (500-char chunks)", to_simplified, texts500),
        ("  vs OpenCC on every chunk", opencc.OpenCC("t2s", include_tofu_risk_dictionaries=False).convert, texts500),
        ("clean_text multiline (500-char)", lambda s: clean_text(s, multiline=True), texts500),
        ("parse_salary", parse_salary, data["salary"]),
        ("resolve_location", resolve_location, data["location"]),
        ("parse_education", parse_education, data["education"]),
    ]
    for name, fn, values in cases:
        avg = sum(map(len, values)) / len(values)
        us = per_call_us(fn, values, args.repeat)
        print(f"{name:36s} {us:8.2f} µs/call  ({len(values)} values, avg {avg:.0f} chars)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
