"""Shared bench helpers: real-shaped postings, a hub server subprocess, its memory."""

from __future__ import annotations

import contextlib
import csv
import json
import os
import random
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "data" / "real"
PG_DEFAULT = "postgresql://postgres@127.0.0.1:5432"
# Universities and provincial platforms must have a region (issue 18).
REGIONS = {"university": "440300", "provincial_platform": "440000"}


def real_rows() -> list[dict[str, Any]]:
    """The real scraped postings, both files, as contract-shaped postings (raw partner forms)."""
    out: list[dict[str, Any]] = []
    with (REAL / "zhilian_shenzhen_java.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            if r["jobName"].strip() and r["companyName"].strip():
                out.append({"title": r["jobName"].strip(), "employer": {"name": r["companyName"].strip()},
                            "locations": [r["location"]], "salary": r["salary"], "education": r["edu"] or None,
                            "description": r["deatil"].strip() or None, "url": r["jobUrl"].replace("http://", "https://")})
    with (REAL / "zhilian_sample.csv").open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            if r.get("title") and r.get("company"):
                out.append({"title": r["title"].strip(), "employer": {"name": r["company"].strip()},
                            "locations": [r["address"].strip()], "salary": r["salary"].strip(),
                            "education": r["education"].strip() or None,
                            "description": (r["requirements"] or "").strip()[:3000] or None, "url": r["url"]})
    return [{k: v for k, v in row.items() if v is not None} for row in out]


def postings(n: int, seed: int = 24365, prefix: str = "B", start: int = 0) -> Iterator[dict[str, Any]]:
    """``n`` real-shaped postings that are distinct vacancies: real rows, each copy of a row
    moved to another prefecture city (another city never dedups), with its own id. Vacancy
    ``i`` is the same whatever ``prefix``: ``start`` picks which ``n`` vacancies."""
    from app.normalize import all_regions

    rows = real_rows()
    cities = [r for r in all_regions() if r.level == "city"]
    rng = random.Random(seed + start)
    for i in range(start, start + n):
        row = dict(rows[i % len(rows)])
        copy = i // len(rows)
        if copy:
            city = cities[(copy * 7919 + i) % len(cities)]
            row["locations"] = [city.province + (city.city or "")]
        row["external_id"] = f"{prefix}{i:07d}"
        row["headcount"] = rng.randint(1, 30)
        yield row


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def database_url(backend: str, name: str, tmp: Path) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp / (name + '.db')}"
    import psycopg

    with psycopg.connect(f"{PG_DEFAULT}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{PG_DEFAULT}/{name}"


class Hub:
    """``hub serve`` in a subprocess on a free port."""

    def __init__(self, url: str, *, workers: int = 1, env: dict[str, str] | None = None,
                 start_timeout: float = 60) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "HUB_DATABASE_URL": url, "HUB_ADMIN_TOKEN": "bench-admin-token-0123456789",
                    "HUB_LOG_LEVEL": "WARNING", **(env or {})}
        subprocess.run([sys.executable, "-m", "app.cli", "migrate"], env=self.env, cwd=ROOT, check=True,
                       capture_output=True)
        self.proc = subprocess.Popen([sys.executable, "-m", "app.cli", "serve", "--no-migrate", "--port",
                                      str(self.port), "--workers", str(workers)], env=self.env, cwd=ROOT)
        deadline = time.time() + start_timeout
        while time.time() < deadline:
            try:
                if httpx.get(self.base + "/readyz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("hub did not start")

    def admin(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.env['HUB_ADMIN_TOKEN']}"}

    def partner(self, kind: str = "recruiter", name: str | None = None) -> str:
        resp = httpx.post(self.base + "/api/v1/partners", json={"name": name or f"bench-{kind}-{time.time_ns()}",
                                                                "kind": kind, "region_code": REGIONS.get(kind)},
                          headers=self.admin())
        resp.raise_for_status()
        return str(resp.json()["api_key"])

    def pids(self) -> list[int]:
        """The server and its children (uvicorn workers)."""
        pids = [self.proc.pid]
        with contextlib.suppress(OSError):
            pids += [int(p) for p in Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split()]
        return pids

    def cpu_s(self) -> float:
        """CPU seconds (user + system) the server and its workers have used so far."""
        return sum(process_cpu_s(pid) for pid in self.pids())

    def rss_mb(self) -> float:
        """Resident memory of the server and its children (uvicorn workers), in MB."""
        total = 0
        for pid in self.pids():
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            except OSError:
                pass
        return total / 1024

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def process_cpu_s(pid: int) -> float:
    """CPU seconds (user + system) of one process, 0 if it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_cpu_s() -> float:
    """CPU seconds every process of this machine has used (all cores; not idle, not stolen)."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    busy = sum(values[:8]) - values[3] - values[4] - values[7]  # minus idle, iowait, steal
    return busy / os.sysconf("SC_CLK_TCK")


def postgres_cpu_s() -> float:
    """CPU seconds used so far by this machine's PostgreSQL processes (live ones)."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                comm = (entry / "comm").read_text().strip()
            except OSError:
                continue
            if comm.startswith("postgres"):
                total += process_cpu_s(int(entry.name))
    return total


def migrated_database(url: str) -> Any:
    """The hub's schema at ``url``, and a ``Database`` on it (in-process benches)."""
    from app.db import Database
    from app.migrate import upgrade

    upgrade(url)
    return Database(url)


def cpu_reference() -> str:
    """How fast this machine runs plain Python, to compare runs across machines: the best of three
    timings of a 10-million-step loop (this benchmark's clients and server share its cores)."""
    import time

    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        total = 0
        for i in range(10_000_000):
            total += i
        best = min(best, time.perf_counter() - t0)
    return f"cpu reference: 10M-step Python loop {best:.2f} s (best of 3)"


def new_partner(db: Any, name: str, kind: str) -> Any:
    """A partner created in ``db``, as the road in's ``PartnerRef``."""
    from app.ingest.pipeline import PartnerRef
    from app.services.partners import create_partner

    with db.write() as session:
        partner, _ = create_partner(session, name=name, kind=kind, region_code=None, secret="bench-secret")
        return PartnerRef(partner.id, partner.kind, partner.name)
