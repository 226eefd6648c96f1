"""Does a hub server's memory settle? ``hub serve`` (one worker) answers a long run of mixed requests,
the kind a fuzzer and real traffic send, and its RSS is read every 1,000 requests.

The mix (fixed seed): searches with random words, filters, facets, sorts and cursors; job pages,
JSON-LD, RSS/Atom/CSV; pushes of new postings with random titles, employers and descriptions (up
to the contract's limits) and updates of old ones; fairs, case files and visits; the change feed;
and bad requests (unknown ids, NUL, bodies that are not JSON or of the wrong shape). ``--threads``
clients at once.

    .venv/bin/python bench/memory.py                           # SQLite, 20,000 requests
    .venv/bin/python bench/memory.py --db postgresql --requests 20000

Prints RSS after each 1,000 requests and the difference between the last and the first reading
(the goal: within 50 MB).
"""

from __future__ import annotations

import argparse
import json
import random
import string
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import Hub, database_url  # noqa: E402

CJK = "".join(chr(c) for c in range(0x4E00, 0x4E00 + 3000))
REGIONS = ["440305", "440106", "110108", "310115", "330106", "510107", "420111", "320106"]
WORDS = ["java", "会计", "工程师", "销售", "护士", "教师", "前端", "数据", "实习", "运营", "python", "设计"]


def text(rng: random.Random, n: int) -> str:
    alphabet = CJK if rng.random() < 0.8 else string.ascii_letters + string.digits + " "
    return "".join(rng.choice(alphabet) for _ in range(n))


def posting(rng: random.Random, ext: str) -> dict[str, Any]:
    return {"external_id": ext, "title": text(rng, rng.randint(2, 300)),
            "employer": {"name": text(rng, rng.randint(2, 300)) + "有限公司"},
            "locations": [{"region_code": rng.choice(REGIONS)}], "description": text(rng, rng.randint(0, 5000)),
            "salary": {"min": rng.randint(2, 20) * 1000, "max": rng.randint(21, 60) * 1000, "period": "month"},
            "education": rng.choice(["bachelor", "master", "associate"]), "majors": [text(rng, 6)],
            "tags": [text(rng, 4)]}


class Mix:
    """One client's requests, drawn from a seeded generator."""

    def __init__(self, hub: Hub, keys: list[str], seed: int) -> None:
        self.hub, self.keys, self.rng = hub, keys, random.Random(seed)
        self.http = httpx.Client(base_url=hub.base, timeout=60)
        self.jobs: list[str] = []
        self.cursor: str | None = None
        self.n = 0

    def auth(self) -> dict[str, str]:
        return {"Authorization": "Bearer " + self.rng.choice(self.keys)}

    def one(self) -> int:
        rng, http = self.rng, self.http
        kind = rng.random()
        if kind < 0.30:
            return self.search()
        if kind < 0.45 and self.jobs:
            job = rng.choice(self.jobs)
            path = rng.choice([f"/api/v1/jobs/{job}", f"/api/v1/jobs/{job}/jsonld", f"/jobs/{job}"])
            return http.get(path).status_code
        if kind < 0.55:
            path = rng.choice(["/api/v1/jobs/feed.rss", "/api/v1/jobs/feed.atom", "/"])
            return http.get(path, params={"q": rng.choice(WORDS), "region": rng.choice(REGIONS)}).status_code
        if kind < 0.70:
            batch = [posting(rng, f"M{rng.randint(0, 5000)}") for _ in range(rng.randint(1, 5))]
            batch = list({p["external_id"]: p for p in batch}.values())
            return http.post("/api/v1/postings/batch", json={"postings": batch}, headers=self.auth()).status_code
        if kind < 0.78:
            return self.changes()
        if kind < 0.85:
            body = {"title": text(rng, 20), "kind": "campus", "mode": "online", "region_code": "440300",
                    "starts_at": "2030-05-01T09:00:00+08:00", "ends_at": "2030-05-01T17:00:00+08:00",
                    "job_ids": self.jobs[:5]}
            return http.post("/api/v1/fairs", json=body, headers=self.auth()).status_code
        if kind < 0.90:
            return http.get("/api/v1/fairs", params={"region": "440000"}).status_code
        return self.bad()

    def search(self) -> int:
        rng, http = self.rng, self.http
        params: dict[str, Any] = {"q": rng.choice(WORDS + [text(rng, rng.randint(1, 20))]),
                                  "sort": rng.choice(["relevance", "newest", "salary"]),
                                  "limit": rng.randint(1, 50)}
        if rng.random() < 0.5:
            params["region"] = rng.choice(REGIONS[:4] + ["440000", "110000"])
        if rng.random() < 0.3:
            params["salary_min"] = rng.randint(0, 50) * 1000
        if rng.random() < 0.5:
            params["facets"] = "region,education,industry"
        resp = http.get("/api/v1/jobs", params=params)
        if resp.status_code == 200:
            self.jobs += [j["id"] for j in resp.json()["items"][:3]]
            self.jobs = self.jobs[-200:]
        return resp.status_code

    def changes(self) -> int:
        params = {"limit": 100, **({"cursor": self.cursor} if self.cursor else {})}
        resp = self.http.get("/api/v1/changes", params=params, headers=self.auth())
        if resp.status_code == 200:
            self.cursor = resp.json()["next_cursor"]
        return resp.status_code

    def bad(self) -> int:
        """One malformed request, of six kinds."""
        rng, http = self.rng, self.http
        bad = rng.choice([
            lambda: http.get(f"/api/v1/jobs/{text(rng, 30)}"),
            lambda: http.get("/api/v1/jobs/a%00b"),
            lambda: http.post("/api/v1/fairs", content=bytes(rng.randrange(256) for _ in range(200)),
                              headers={**self.auth(), "Content-Type": "application/json"}),
            lambda: http.post("/api/v1/postings/batch", json={"postings": [{"title": text(rng, 50)}]},
                              headers=self.auth()),
            lambda: http.get("/api/v1/jobs", params={"sort": text(rng, 10), "limit": -1}),
            lambda: http.get("/api/v1/me", headers={"Authorization": "Bearer hub_" + "".join(
                rng.choice(string.ascii_letters) for _ in range(40))}),
        ])
        return bad().status_code


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--every", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=24365)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="hub_memory_"))
    url = database_url(args.db, "hub_wt21_memory", tmp)
    hub = Hub(url, env={"HUB_SYNC_ALLOW_PRIVATE": "1"})
    load = Path("/proc/loadavg").read_text().split()[:3]
    try:
        keys = [hub.partner("university"), hub.partner("recruiter"), hub.partner("provincial_platform")]
        mixes = [Mix(hub, keys, args.seed + i) for i in range(args.threads)]
        done, lock, statuses = 0, threading.Lock(), {}  # type: ignore[var-annotated]
        readings: list[tuple[int, float]] = [(0, hub.rss_mb())]
        started = time.perf_counter()

        def client(mix: Mix) -> None:
            nonlocal done
            while True:
                with lock:
                    if done >= args.requests:
                        return
                    done += 1
                    n = done
                status = mix.one()
                with lock:
                    statuses[status] = statuses.get(status, 0) + 1
                    if n % args.every == 0:
                        readings.append((n, hub.rss_mb()))
                        print(f"{n:>7} requests  RSS {readings[-1][1]:7.1f} MB  "
                              f"{time.perf_counter() - started:6.0f} s", flush=True)

        threads = [threading.Thread(target=client, args=(m,)) for m in mixes]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        first = next(mb for n, mb in readings if n >= args.every)
        last = readings[-1][1]
        summary = {"db": args.db, "requests": args.requests, "threads": args.threads, "rss_mb": readings,
                   "first_reading_mb": first, "last_reading_mb": last, "growth_mb": round(last - first, 1),
                   "statuses": dict(sorted(statuses.items())), "loadavg_before": load,
                   "loadavg_after": Path("/proc/loadavg").read_text().split()[:3],
                   "seconds": round(time.perf_counter() - started)}
        print(json.dumps(summary))
        return 0 if last - first <= 50 else 1
    finally:
        hub.stop()


if __name__ == "__main__":
    sys.exit(main())
