"""Dedup quality on real postings, end to end through the HTTP API.

    .venv/bin/python bench/dedup_eval.py                       # temp SQLite
    .venv/bin/python bench/dedup_eval.py --pg postgresql://postgres@127.0.0.1:5432/hub
    .venv/bin/python bench/dedup_eval.py --limit 1500 --half tune   # quick, tuning half only
    .venv/bin/python bench/dedup_eval.py --hidden 0.4          # agencies hide 40% of employer names

Builds the labelled set (bench/dedup_data.py), starts the hub (uvicorn subprocess),
creates six partners, pushes every posting in random order as its partner, reads back
each posting's job, and prints pairwise precision/recall/F1, B-cubed F1 and the
sibling false-merge rate for the tuning half and the held-out half (split by employer).
Goal (issue 3): precision ≥ 0.98, recall ≥ 0.95, sibling false-merge ≤ 0.5%.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import REGIONS
from bench.dedup_data import Vacancy, add_siblings, credit_code, load_vacancies, render

ADMIN = "bench-admin-token-0123456789"
PARTNERS = [("university", "U1"), ("university", "U2"), ("provincial_platform", "P1"),
            ("provincial_platform", "P2"), ("recruiter", "R1"), ("recruiter", "R2")]


def build(seed: int, limit: int | None, half: str | None, hidden: float = 0.0) -> tuple[list[Vacancy], list[tuple[str, str]], dict[str, int]]:
    rng = random.Random(seed)
    vacancies, stats = load_vacancies()
    if half:
        vacancies = [v for v in vacancies if v.half == half]
    if limit:
        rng.shuffle(vacancies)
        vacancies = vacancies[:limit]
    codes: dict[str, str | None] = {}
    for v in vacancies:  # a third of employers have a credit code that some partners send
        codes.setdefault(v.company, credit_code(rng, "440300") if rng.random() < 0.33 else None)
        v.credit_code = codes[v.company]
    pairs = add_siblings(vacancies, rng, 0.15)
    for v in vacancies:
        k = rng.choices([1, 2, 3, 4], weights=[2, 3, 3, 2])[0]
        day = rng.randint(1, 20)
        for n, (_, partner) in enumerate(rng.sample(PARTNERS, k)):
            v.postings.append({"partner": partner, "body": render(v, partner, n, rng, day, hidden)})
    return vacancies, pairs, stats


class Hub:
    """The hub in a uvicorn subprocess on a fresh database."""

    def __init__(self, pg: str | None, keep: bool = False) -> None:
        self.keep = keep
        self.dir = tempfile.mkdtemp(prefix="hub-dedup-eval-")
        self.url = self._database(pg)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        env = {**os.environ, "HUB_DATABASE_URL": self.url, "HUB_ADMIN_TOKEN": ADMIN, "HUB_ENV": "development",
               "HUB_SECRET_KEY": "bench-secret-key-0123456789", "HUB_LOG_LEVEL": "WARNING"}
        from app.migrate import upgrade

        upgrade(self.url)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--factory", "app.main:app_factory", "--port", str(self.port),
             "--log-level", "warning", "--no-access-log"], env=env, cwd=Path(__file__).resolve().parents[1])
        self.base = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.base + "/api/v1/jobs?limit=1", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        raise RuntimeError("the hub did not start")

    def _database(self, pg: str | None) -> str:
        if not pg:
            return f"sqlite:///{self.dir}/hub.db"
        from sqlalchemy import create_engine, text
        from sqlalchemy.engine import make_url

        from app.db import normalise_url

        url = make_url(normalise_url(pg))
        admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text('DROP DATABASE IF EXISTS "hub_dedup_eval" WITH (FORCE)'))
            conn.execute(text('CREATE DATABASE "hub_dedup_eval"'))
        admin.dispose()
        return url.set(database="hub_dedup_eval").render_as_string(hide_password=False)

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)
        if self.keep:
            print("database kept:", self.url)
            return
        shutil.rmtree(self.dir, ignore_errors=True)


def push_all(hub: Hub, vacancies: list[Vacancy], seed: int, batch: int) -> tuple[dict[tuple[str, str], str], float]:
    """Push every posting (random order, batches per partner); returns (partner, external id) → job id."""
    rng = random.Random(seed + 1)
    keys = {}
    with httpx.Client(base_url=hub.base, timeout=300) as c:
        for kind, name in PARTNERS:
            r = c.post("/api/v1/partners", json={"name": name, "kind": kind, "region_code": REGIONS.get(kind)},
                       headers={"Authorization": f"Bearer {ADMIN}"})
            r.raise_for_status()
            keys[name] = r.json()["api_key"]
        items = [p for v in vacancies for p in v.postings]
        rng.shuffle(items)
        queues: dict[str, list[dict[str, Any]]] = defaultdict(list)
        jobs: dict[tuple[str, str], str] = {}
        started = time.perf_counter()
        for i, item in enumerate(items):
            queues[item["partner"]].append(item["body"])
            if len(queues[item["partner"]]) >= batch or i == len(items) - 1:
                for partner, bodies in list(queues.items()):
                    if not bodies and i != len(items) - 1:
                        continue
                    if bodies:
                        r = c.post("/api/v1/postings/batch", json={"postings": bodies},
                                   headers={"Authorization": f"Bearer {keys[partner]}"})
                        r.raise_for_status()
                        for res in r.json()["results"]:
                            if res["status"] == "rejected":
                                print("rejected:", res["errors"], file=sys.stderr)
                                continue
                            jobs[(partner, res["external_id"])] = res["job_id"]
                    queues[partner] = []
        return jobs, time.perf_counter() - started


def metrics(vacancies: list[Vacancy], pairs: list[tuple[str, str]], jobs: dict[tuple[str, str], str]) -> dict[str, float]:
    labels = [(v.vid, jobs.get((p["partner"], p["body"]["external_id"]))) for v in vacancies for p in v.postings]
    labels = [(vid, job) for vid, job in labels if job]
    cell = Counter(labels)
    per_job = Counter(job for _, job in labels)
    per_vac = Counter(vid for vid, _ in labels)
    def c2(n: int) -> int:
        return n * (n - 1) // 2

    tp = sum(c2(n) for n in cell.values())
    fp = sum(c2(n) for n in per_job.values()) - tp
    fn = sum(c2(n) for n in per_vac.values()) - tp
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    bp = sum(cell[(vid, job)] / per_job[job] for vid, job in labels) / len(labels)
    br = sum(cell[(vid, job)] / per_vac[vid] for vid, job in labels) / len(labels)
    jobs_of: dict[str, set[str]] = defaultdict(set)
    for vid, job in labels:
        jobs_of[vid].add(job)
    merged = sum(1 for a, b in pairs if jobs_of[a] & jobs_of[b])
    return {"postings": len(labels), "vacancies": len(per_vac), "jobs": len(per_job),
            "precision": precision, "recall": recall, "f1": 2 * precision * recall / (precision + recall),
            "bcubed_f1": 2 * bp * br / (bp + br), "sibling_pairs": len(pairs),
            "sibling_false_merge": merged / len(pairs) if pairs else 0.0}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pg", help="PostgreSQL server URL (a database hub_dedup_eval is created on it)")
    ap.add_argument("--seed", type=int, default=24365)
    ap.add_argument("--limit", type=int, help="use this many real vacancies (before siblings)")
    ap.add_argument("--half", choices=("tune", "test"), help="only one half")
    ap.add_argument("--batch", type=int, default=200)
    ap.add_argument("--hidden", type=float, default=0.0,
                    help="share of agency postings that hide the employer's name (某知名企业, 保密)")
    ap.add_argument("--errors", type=int, default=0, help="print this many false merges and misses")
    ap.add_argument("--keep", action="store_true", help="keep the SQLite database (to read explain records)")
    args = ap.parse_args()
    vacancies, pairs, stats = build(args.seed, args.limit, args.half, args.hidden)
    n = sum(len(v.postings) for v in vacancies)
    print(f"real rows {stats['rows']}, distinct {stats['distinct']}, ambiguous dropped {stats['ambiguous_dropped']}; "
          f"vacancies {len(vacancies)} (siblings {len(pairs)}), postings {n}")
    hub = Hub(args.pg, args.keep)
    try:
        jobs, took = push_all(hub, vacancies, args.seed, args.batch)
    finally:
        hub.close()
    print(f"pushed {n} postings in {took:.1f} s ({n / took:.0f}/s, {'PostgreSQL' if args.pg else 'SQLite'})")
    for half in ("tune", "test"):
        vs = [v for v in vacancies if v.half == half]
        if not vs:
            continue
        ids = {v.vid for v in vs}
        m = metrics(vs, [p for p in pairs if p[0] in ids], jobs)
        print(f"{half:>5}: postings {m['postings']} vacancies {m['vacancies']} jobs {m['jobs']} | "
              f"P {m['precision']:.4f} R {m['recall']:.4f} F1 {m['f1']:.4f} B3-F1 {m['bcubed_f1']:.4f} | "
              f"sibling false-merge {m['sibling_false_merge']:.4%} of {m['sibling_pairs']}")
    if args.errors:
        show_errors(vacancies, jobs, args.errors)


def show_errors(vacancies: list[Vacancy], jobs: dict[tuple[str, str], str], limit: int) -> None:
    """A few false merges and misses, to read (not to tune strings against)."""
    by_job: dict[str, list[tuple[Vacancy, dict[str, Any]]]] = defaultdict(list)
    for v in vacancies:
        for p in v.postings:
            job = jobs.get((p["partner"], p["body"]["external_id"]))
            if job:
                by_job[job].append((v, p["body"]))
    shown = 0
    for members in by_job.values():
        if len({v.vid for v, _ in members}) > 1 and shown < limit:
            shown += 1
            print("FALSE MERGE:", [(v.vid, b["title"], b["employer"]["name"], b["locations"], b.get("salary"))
                                   for v, b in members])
    shown = 0
    for v in vacancies:
        got = {jobs.get((p["partner"], p["body"]["external_id"])) for p in v.postings}
        if len(got) > 1 and shown < limit:
            shown += 1
            print("MISS:", v.vid, [(p["body"]["title"], p["body"]["employer"]["name"], p["body"]["locations"],
                                   p["body"].get("salary"), (p["body"].get("description") or "")[:30])
                                  for p in v.postings])


if __name__ == "__main__":
    main()
