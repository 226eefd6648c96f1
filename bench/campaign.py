"""The campaign from above at national scale: the 17:00 snapshot and the ministry's range report.

Builds a hub database straight from bulk inserts (COPY on PostgreSQL), shaped like the campaign's
peak: 31 provinces, ``--universities`` universities (default 3,000) with their visits, cases,
pushes, records and fairs over ``--days`` days (default 100), and ``--jobs`` jobs (default
1,000,000) with one posting each and their change log (an upsert each, a delete for the 15% that
closed) — the tables the snapshot reads. Then it times, in this process:

* the 17:00 snapshot of all 31 provinces for one day (``take_snapshot``), three times;
* the national report over the longest range (92 days, up to today) from the snapshots (today's
  the worker's provisional one), as a service call and as an HTTP request through the app
  (in-process ASGI, with a national key); and with today computed from the records instead;
* the whole range computed from the records (the fallback for days without a snapshot);
* the oversight tables (all provinces; one province's universities).

The snapshots of the other days are copies of the timed one (the range report reads their rows,
not how they were made); every day has 1-2 submissions from most provinces, some late, some
missing. Synthetic data, nothing from ../shared. Figures go to bench/RESULTS.md by hand.

    .venv/bin/python bench/campaign.py --backend postgres --jobs 1000000
    .venv/bin/python bench/campaign.py --backend sqlite --jobs 200000 --reuse   # keep a built store
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import delete, func, select

from app.db import Database
from app.ingest.changelog import scope_of
from app.models import (
    Case,
    CasePush,
    CaseRecord,
    Change,
    Counter,
    Employer,
    Fair,
    FairJob,
    Job,
    Partner,
    Posting,
    ReportSnapshot,
    ReportSubmission,
    Visit,
    new_id,
    utcnow,
)
from app.normalize import all_regions
from app.services.campaign import BEIJING, today_in_beijing
from app.services.daily_reports import national_table
from app.services.oversight import province_table, university_table
from app.services.province_figures import province_figures
from app.services.report_snapshots import ReportClock, refresh_provisional, take_snapshot
from bench.common import PG_DEFAULT
from bench.search_build import _insert, fresh_database

CLOCK = ReportClock()
CHUNK = 20_000


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


class Builder:
    """Synthetic rows, written in chunks."""

    def __init__(self, db: Database, args: argparse.Namespace) -> None:
        self.db, self.args = db, args
        self.rng = random.Random(24365)
        self.now = utcnow()
        self.today = today_in_beijing(self.now)
        self.first_day = self.today - timedelta(days=args.days - 1)
        regions = [r for r in all_regions() if r.level != "province"]
        self.provinces = [r.code for r in all_regions() if r.level == "province"]
        self.by_province: dict[str, list[str]] = {}
        for r in regions:
            self.by_province.setdefault(r.province_code, []).append(r.code)
        self.districts = [r.code for r in regions]
        self.job_ids: list[str] = []

    def moment(self) -> datetime:
        """A moment of the campaign's days, no later than now."""
        start = datetime.combine(self.first_day, datetime.min.time(), BEIJING)
        span = (self.now - start).total_seconds()
        return start + timedelta(seconds=self.rng.random() * span)

    def write(self, model: Any, rows: list[dict[str, Any]]) -> None:
        for i in range(0, len(rows), CHUNK):
            _insert(self.db, model.__table__, rows[i:i + CHUNK])

    def partners(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        platforms = [{"id": new_id(), "name": f"省平台 {p}", "kind": "provincial_platform", "region_code": p,
                      "created_at": self.now} for p in self.provinces]
        unis = []
        for i in range(self.args.universities):
            province = self.provinces[i % len(self.provinces)]
            unis.append({"id": new_id(), "name": f"大学 {i:04d}", "kind": "university",
                         "region_code": self.rng.choice(self.by_province[province]), "created_at": self.now})
        recruiters = [{"id": new_id(), "name": f"招聘网 {i}", "kind": "recruiter", "region_code": None,
                       "created_at": self.now} for i in range(20)]
        self.write(Partner, platforms + unis + recruiters)
        self.posters = [p["id"] for p in platforms + unis + recruiters]
        return platforms, unis

    def jobs(self) -> None:
        """Jobs, one posting each, and their change log in time order."""
        employers = [{"id": new_id(), "identity_key": f"name:bench-{i}", "name": f"用人单位{i}", "credit_code": None,
                      "credit_code_verified": False, "type": "private", "created_at": self.now,
                      "updated_at": self.now, "size_class": self.rng.choice(["large", "medium", "small", "micro"])}
                     for i in range(50_000)]
        self.write(Employer, employers)
        emp_ids = [e["id"] for e in employers]
        moments = sorted(self.moment() for _ in range(self.args.jobs))
        events: list[tuple[datetime, str, str, str]] = []
        jobs, postings = [], []
        for i, seen in enumerate(moments):
            job_id = new_id()
            codes = [self.rng.choice(self.districts) for _ in range(2 if self.rng.random() < 0.1 else 1)]
            locations = [{"region_code": c} for c in codes]
            closed = self.rng.random() < 0.15
            closed_at = min(seen + timedelta(days=self.rng.uniform(0.5, 30)), self.now) if closed else None
            emp = emp_ids[i % len(emp_ids)]
            jobs.append({"id": job_id, "status": "closed" if closed else "open", "employer_id": emp,
                         "canonical_posting_id": None, "title": f"岗位{i}", "description": None, "job_type": None,
                         "education": None, "industry": None, "employer_type": None, "salary": None,
                         "salary_min": None, "salary_max": None, "salary_period": None, "salary_month_min": None,
                         "salary_month_max": None, "headcount": None, "posted_at": seen, "valid_through": None,
                         "apply_url": None, "locations": locations, "majors": [], "tags": [], "field_sources": {},
                         "first_seen_at": seen, "updated_at": closed_at or seen, "version": 1})
            postings.append({"id": new_id(), "partner_id": self.rng.choice(self.posters), "external_id": f"B{i}",
                             "job_id": job_id, "employer_id": emp, "status": "withdrawn" if closed else "active",
                             "title": f"岗位{i}", "content_hash": "0" * 40, "data": {}, "raw": {}, "url": None,
                             "posted_at": seen, "valid_through": None, "first_seen_at": seen,
                             "last_seen_at": closed_at or seen, "updated_at": closed_at or seen})
            scope = scope_of(locations, None, None)
            events.append((seen, job_id, "upsert", scope))
            if closed_at:
                events.append((closed_at, job_id, "delete", scope))
            if not closed and len(self.job_ids) < 200_000:
                self.job_ids.append(job_id)
            if len(jobs) >= CHUNK:
                self.write(Job, jobs)
                self.write(Posting, postings)
                jobs, postings = [], []
        self.write(Job, jobs)
        self.write(Posting, postings)
        events.sort()
        changes = [{"seq": n + 1, "job_id": j, "op": op, "created_at": at, "scope": scope, "prior": None}
                   for n, (at, j, op, scope) in enumerate(events)]
        self.write(Change, changes)
        with self.db.write() as s:
            s.execute(Counter.__table__.update().where(Counter.name == "changes").values(value=len(changes)))

    def campaign(self, unis: list[dict[str, Any]]) -> dict[str, int]:
        visits, cases, pushes, records, fairs, fair_jobs = [], [], [], [], [], []
        sizes = ["large", "medium", "small", "micro", None]
        for u in unis:
            for _ in range(self.args.visits):
                at = self.moment()
                key = f"n:单位{self.rng.randrange(4000)}"
                visits.append({"id": new_id(), "partner_id": u["id"], "employer_name": key[2:], "credit_code": None,
                               "employer_id": None, "employer_key": key, "visited_at": at, "leader_name": "校长",
                               "leader_title": None, "region_code": u["region_code"], "region_keys": " ",
                               "jobs_promised": self.rng.randint(0, 10), "notes": None,
                               "new_employer": self.rng.random() < 0.4, "new_employer_suggested": False,
                               "employer_size": self.rng.choice(sizes), "created_at": at, "updated_at": at})
            for c in range(self.args.cases):
                at = self.moment()
                case_id = new_id()
                cases.append({"id": case_id, "partner_id": u["id"], "student_ref": f"R{c}", "category": "low_income",
                              "education": None, "major": None, "region_codes": [], "job_types": [],
                              "expected_salary": None, "status": "open" if self.rng.random() < 0.8 else "placed",
                              "plan_text": None, "plan_goals": [], "graduation_year": self.today.year,
                              "created_at": at, "updated_at": at})
                for n, job_id in enumerate(self.rng.sample(self.job_ids, self.rng.randint(0, 4))):
                    pushes.append({"case_id": case_id, "job_id": job_id, "ordinal": n + 1,
                                   "pushed_at": min(at + timedelta(days=n + 1), self.now)})
                records.append({"id": new_id(), "case_id": case_id, "kind": "training",
                                "occurred_on": at.astimezone(BEIJING).date(), "note": None, "program": "宏志助航",
                                "job_id": None, "result": None, "created_at": at})
            for f in range(self.args.fairs):
                start = self.moment()
                fair_id = new_id()
                fairs.append({"id": fair_id, "organiser_id": u["id"], "title": f"双选会{f}", "kind": "campus",
                              "mode": "offline", "region_code": u["region_code"], "region_keys": " ", "venue": None,
                              "address": None, "url": None, "starts_at": start, "ends_at": start + timedelta(hours=4),
                              "description": None, "status": "scheduled", "created_at": start, "updated_at": start,
                              "employers": [{"name": f"企业{k}", "size": self.rng.choice(sizes[:4])}
                                            for k in range(10)]})
                fair_jobs += [{"fair_id": fair_id, "job_id": j, "position": k}
                              for k, j in enumerate(self.rng.sample(self.job_ids, 10))]
        for model, rows in ((Visit, visits), (Case, cases), (CasePush, pushes), (CaseRecord, records),
                            (Fair, fairs), (FairJob, fair_jobs)):
            self.write(model, rows)
        return {"visits": len(visits), "cases": len(cases), "pushes": len(pushes), "records": len(records),
                "fairs": len(fairs)}


def analyze(db: Database) -> None:
    with db.engine.connect() as conn:
        if db.sqlite:
            conn.exec_driver_sql("ANALYZE")
            return
    raw = db.engine.raw_connection()
    try:
        raw.driver_connection.autocommit = True  # type: ignore[union-attr]
        raw.driver_connection.execute("VACUUM ANALYZE")  # type: ignore[union-attr]
    finally:
        raw.close()


def reports(db: Database, first: date, last: date, figures: dict[str, dict[str, int]]) -> int:
    """A snapshot row for every province and day (copies of the timed day's figures) and the
    provinces' submissions: 1-2 versions, ~85% on time, ~8% late, the rest missing."""
    rng = random.Random(7)
    snaps, subs = [], []
    day = first
    while day <= last:
        start, end = CLOCK.window(day)
        for code, f in figures.items():
            snaps.append({"province_code": code, "day": day, "window_start": start, "window_end": end,
                          "figures": f, "taken_at": end, "trigger": "schedule"})
            roll = rng.random()
            if roll < 0.93:
                for v in range(rng.randint(1, 2)):
                    at = end - timedelta(hours=2) + timedelta(hours=3 * (roll > 0.85)) + timedelta(minutes=v)
                    subs.append({"id": new_id(), "province_code": code, "day": day, "version": v + 1,
                                 "partner_id": None, "key_id": None, "user_id": None, "narrative": "今日活动总结……",
                                 "highlights": [], "figures": f, "figures_as_of": at, "submitted_at": at,
                                 "late": roll > 0.85})
        day += timedelta(days=1)
    with db.write() as s:
        s.execute(delete(ReportSnapshot))
        s.execute(delete(ReportSubmission))
    _insert(db, ReportSnapshot.__table__, snaps)
    _insert(db, ReportSubmission.__table__, subs)
    return len(subs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--url", help="database URL (default: a file in /tmp, or hub_bench_campaign on PostgreSQL)")
    parser.add_argument("--jobs", type=int, default=1_000_000)
    parser.add_argument("--universities", type=int, default=3000)
    parser.add_argument("--days", type=int, default=100)
    parser.add_argument("--visits", type=int, default=150, help="visits per university")
    parser.add_argument("--cases", type=int, default=30, help="hardship cases per university")
    parser.add_argument("--fairs", type=int, default=3, help="fairs per university")
    parser.add_argument("--reuse", action="store_true", help="keep an existing store (skip the build)")
    args = parser.parse_args()
    url = args.url or (f"sqlite:///{Path(tempfile.gettempdir()) / 'hub_bench_campaign.db'}" if args.backend == "sqlite"
                       else f"{PG_DEFAULT}/hub_bench_campaign")
    print(f"load before: {Path('/proc/loadavg').read_text().strip()}")
    if not args.reuse:
        t0 = time.perf_counter()
        fresh_database(url)
        db = Database(url, pool_size=4)
        builder = Builder(db, args)
        _, unis = builder.partners()
        builder.jobs()
        counts = builder.campaign(unis)
        analyze(db)
        print(f"built {args.jobs} jobs, {len(unis)} universities, {counts} in {time.perf_counter() - t0:.0f} s")
    db = Database(url, pool_size=4)
    with db.read() as s:
        print("store:", {m.__tablename__: s.execute(select(func.count()).select_from(m)).scalar_one()
                         for m in (Job, Posting, Change, Visit, Case, CasePush, Fair)})
    now = utcnow()
    today = today_in_beijing(now)
    day = today - timedelta(days=1)
    runs = []
    for _ in range(3):
        with db.write() as s:
            seconds, _n = timed(lambda: take_snapshot(s, day, CLOCK, now))
        runs.append(seconds)
    print(f"17:00 snapshot of 31 provinces: {', '.join(f'{r:.2f}' for r in runs)} s")
    with db.read() as s:
        figures = {r.province_code: r.figures for r in s.execute(
            select(ReportSnapshot).where(ReportSnapshot.day == day)).scalars()}
    first = today - timedelta(days=91)
    versions = reports(db, today - timedelta(days=args.days - 1), day, figures)
    analyze(db)
    print(f"snapshots for {args.days - 1} days, {versions} submissions")
    with db.read() as s:
        seconds, _t = timed(lambda: national_table(s, first, day, CLOCK, utcnow()))
    print(f"national report, 91 days to yesterday, from snapshots: {seconds:.3f} s")
    live = []
    for _ in range(3):
        with db.read() as s:
            seconds, table = timed(lambda: national_table(s, first, today, CLOCK, utcnow()))
        live.append(seconds)
    print(f"national report, 92 days to today, today computed from the records: median "
          f"{statistics.median(live):.2f} s")
    seconds, n = timed(lambda: today_snapshot(db, today))
    print(f"today's provisional snapshot (the worker keeps one, every 10 minutes): {seconds:.2f} s")
    service = []
    for _ in range(7):
        with db.read() as s:
            seconds, table = timed(lambda: national_table(s, first, today, CLOCK, utcnow()))
        service.append(seconds)
    statuses = {st: sum(r[f"days_{st}"] for r in table["rows"]) for st in ("on_time", "late", "pending", "missing")}
    print(f"national report, 92 days to today, all from snapshots: median {statistics.median(service):.3f} s, "
          f"max {max(service):.3f} s; province-days {statuses}")
    http = http_report(db, url, first, today)
    print(f"  over HTTP (in-process, national key, JSON): median {statistics.median(http):.3f} s, "
          f"max {max(http):.3f} s")
    with db.read() as s:
        seconds, _f = timed(lambda: province_figures(s, CLOCK.window(first)[0], CLOCK.window(day)[1], utcnow()))
    print(f"92 days computed from the records in one pass (no snapshots at all): {seconds:.2f} s")
    with db.read() as s:
        seconds, _p = timed(lambda: province_table(s, utcnow()))
        print(f"oversight, all provinces: {seconds:.2f} s")
        seconds, rows = timed(lambda: university_table(s, "440000", utcnow()))
        print(f"oversight, one province's {len(rows)} universities: {seconds:.2f} s")
    print(f"load after: {Path('/proc/loadavg').read_text().strip()}")
    db.dispose()


def today_snapshot(db: Database, today: date) -> int:
    """Today's snapshot as the worker keeps it: provisional before 17:00, final after."""
    now = utcnow()
    if CLOCK.window(today)[1] > now:
        return refresh_provisional(db, CLOCK, "bench", now, 1)
    with db.write() as s:
        return take_snapshot(s, today, CLOCK, now)


def http_report(db: Database, url: str, first: date, last: date) -> list[float]:
    from fastapi.testclient import TestClient

    from app.config import Settings
    from app.main import create_app
    from app.services.partners import create_partner

    settings = Settings(database_url=url, secret_key="bench-secret-0123456789", log_json=False)
    with db.write() as s:
        _, key = create_partner(s, name=f"教育部 {time.time_ns()}", kind="national", region_code=None,
                                secret=settings.secret_key)
    app = create_app(settings, db=db, background=False)
    out = []
    with TestClient(app) as client:
        for _ in range(7):
            t0 = time.perf_counter()
            resp = client.get("/api/v1/reports/provinces", params={"from": first.isoformat(), "to": last.isoformat()},
                              headers={"Authorization": f"Bearer {key}"})
            out.append(time.perf_counter() - t0)
            assert resp.status_code == 200 and len(resp.json()["rows"]) == 31, resp.text[:300]
    return out


if __name__ == "__main__":
    main()

