"""Real Zhilian postings (tests/fixtures/zhilian_*.jsonl, copied from ../shared/data/real/) in the
contract's shape, written as the partner wrote them (salary text, "深圳-南山区", stray spaces).
Imports nothing of the suite, so bench/ reads the same postings the tests do."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).parent / "fixtures"


def zhilian_postings(path: Path, prefix: str) -> list[dict[str, Any]]:
    """One posting per line of ``path``; external ids ``{prefix}-{line number}``."""
    out = []
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        r = json.loads(line)
        posting = {"external_id": f"{prefix}-{i}", "title": r["jobName"], "employer": {"name": r["companyName"]},
                   "locations": [r["location"]], "salary": r["salary"], "education": r["edu"] or None,
                   "description": r["deatil"] or None, "url": r["jobUrl"].replace("http://", "https://")}
        out.append({k: v for k, v in posting.items() if v is not None})
    return out
