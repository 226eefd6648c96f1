"""Relevance on a held-out set of real postings: each job's whole title searched as a query.

Loads ``tests/fixtures/zhilian_relevance_heldout.jsonl`` (400 real Zhilian postings nothing was
tuned on) into a fresh database through the road in, then for every distinct stored title asks
the search (relevance order, first page of 20) and prints:

- exact-title-at-rank-1: the first hit's title is the query (case, width, spaces, punctuation aside);
- title-holders-first: every hit whose title holds the whole query comes before every hit whose
  title does not.

Run: ``.venv/bin/python bench/relevance.py --backend sqlite`` (or ``--backend postgres``; the
database ``--database`` on ``--pg`` is dropped and made again). To measure another
checkout's code with the same set, run it with ``PYTHONPATH=/that/checkout``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import unicodedata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the fixtures' reader is the tests' own

from tests.zhilian import zhilian_postings  # noqa: E402

FIXTURE = ROOT / "tests" / "fixtures" / "zhilian_relevance_heldout.jsonl"
PG_DEFAULT = "postgresql://postgres@127.0.0.1:5432"
_WORD = re.compile(r"[\W_]+")


def key(text: str) -> str:
    """A title as compared here: NFKC, lower case, only letters, digits and ideographs."""
    return _WORD.sub("", unicodedata.normalize("NFKC", text).lower())


def postings(path: Path = FIXTURE) -> list[dict[str, Any]]:
    return zhilian_postings(path, "REL")


def score(results: dict[str, list[str]]) -> dict[str, float]:
    """Rates over queries (query → titles in rank order)."""
    exact = holders = 0
    for q, titles in results.items():
        qk = key(q)
        if titles and key(titles[0]) == qk:
            exact += 1
        holds = [qk in key(t) for t in titles]
        if all(holds[i] or not any(holds[i + 1:]) for i in range(len(holds))):
            holders += 1
    n = max(1, len(results))
    return {"queries": len(results), "exact_title_at_1": exact / n, "title_holders_first": holders / n}


def run(url: str) -> dict[str, float]:
    from app.config import get_settings
    from app.db import Database
    from app.ingest.pipeline import PartnerRef, prepare, store_batch
    from app.migrate import upgrade
    from app.schemas.search import SearchQuery
    from app.search.service import search_jobs
    from app.services.partners import create_partner

    upgrade(url)
    db = Database(url, pool_size=2)
    secret = get_settings().secret_key
    with db.write() as session:
        partner, _ = create_partner(session, name="智联招聘（基准）", kind="recruiter", region_code=None, secret=secret)
        ref = PartnerRef(partner.id, partner.kind)
    items = [prepare(p, None, fts=db.sqlite) for p in postings()]
    with db.write() as session:
        store_batch(session, ref, items)
    with db.read() as session:
        stored = search_jobs(session, SearchQuery(sort="newest"), limit=100, secret=secret)
        titles = set()
        result = stored
        while True:
            titles |= {j["title"] for j in result.items}
            if not result.next_cursor:
                break
            result = search_jobs(session, SearchQuery(sort="newest"), limit=100, cursor=result.next_cursor,
                                 secret=secret)
        results = {}
        for t in sorted(titles):
            found = search_jobs(session, SearchQuery(q=t[:200]), limit=20, secret=secret)
            results[t] = [j["title"] for j in found.items]
    db.dispose()
    return score(results)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--pg", default=PG_DEFAULT)
    parser.add_argument("--database", default="hub_bench_relevance", help="PostgreSQL database (dropped, made again)")
    args = parser.parse_args()
    if args.backend == "sqlite":
        url = f"sqlite:///{tempfile.mkdtemp()}/relevance.db"
    else:
        from sqlalchemy import create_engine, text

        admin = create_engine(f"{args.pg}/postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{args.database}"'))
        admin.dispose()
        url = f"{args.pg}/{args.database}"
    figures = run(url)
    print(json.dumps({"backend": args.backend, **figures}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
