"""A long fuzz run by hand: the suite's schemathesis tests (tests/test_openapi_fuzz.py) with many more
examples, on SQLite and on PostgreSQL, and the figures for bench/RESULTS.md.

Stateless: every operation as anonymous, a partner and the admin, ``--examples`` fuzzed cases each
(plus schemathesis' example and coverage cases). Stateful: ``--scenarios`` scenarios of ``--steps``
steps following the document's links as partner A, partner B and the admin. Checks: no server error,
every status and content type documented, every body in its schema, no internals in error bodies.

    .venv/bin/python bench/fuzz.py                          # both databases, 100 examples, 300 scenarios
    .venv/bin/python bench/fuzz.py --db sqlite --examples 20 --scenarios 40    # a quicker look
    .venv/bin/python bench/fuzz.py --random                 # a fresh seed instead of the fixed one

Prints, per database: the pytest outcome (failures are the fuzzer's findings, with curl commands to
reproduce them), calls per role, the fewest calls any operation got per role, 5xx answers, and the
operations never answered 2xx; writes the numbers as JSON beside (``--out``).
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PG_DEFAULT = "postgresql://postgres@127.0.0.1:5432/hub_fuzz"


def run(db: str, args: argparse.Namespace, pg_url: str) -> dict[str, Any]:
    report = tempfile.mkdtemp(prefix="hub_fuzz_") + "/calls"
    env = {**os.environ, "HUB_FUZZ_EXAMPLES": str(args.examples), "HUB_FUZZ_SCENARIOS": str(args.scenarios),
           "HUB_FUZZ_STEPS": str(args.steps), "HUB_FUZZ_REPORT": report,
           "HUB_FUZZ_RANDOM": "1" if args.random else ""}
    env.pop("HUB_TEST_DATABASE_URL", None)
    if db == "postgresql":
        env["HUB_TEST_DATABASE_URL"] = pg_url
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "pytest", "tests/test_openapi_fuzz.py", "-q", "-n", str(args.workers),
                           "-p", "no:cacheprovider", "-rA"], cwd=ROOT, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    calls: Counter[tuple[str, str, int]] = Counter()
    for path in glob.glob(report + ".*.json"):
        for role, op, status, n in json.loads(Path(path).read_text()):
            calls[(role, op, status)] += n
    tail = proc.stdout.strip().splitlines()
    failures = [line for line in tail if line.startswith(("FAILED", "SUBFAILED", "ERROR"))]
    per_op: dict[str, Counter[str]] = defaultdict(Counter)
    for (role, op, _), n in calls.items():
        per_op[role][op] += n
    statuses: Counter[str] = Counter()
    for (_, _, status), n in calls.items():
        statuses[str(status)] += n
    ok_ops = {op for (_, op, status), n in calls.items() if 200 <= status < 300}
    all_ops = {op for (_, op, _) in calls}
    return {
        "database": db, "seconds": round(seconds), "pytest_exit": proc.returncode,
        "pytest_summary": tail[-1] if tail else "", "failures": failures,
        "failure_text": proc.stdout[-20000:] if proc.returncode else "",
        "calls": sum(calls.values()), "calls_by_role": {r: sum(c.values()) for r, c in sorted(per_op.items())},
        "fewest_calls_per_operation": {r: min(c.values()) for r, c in sorted(per_op.items())},
        "operations_under_100": {r: sorted(op for op, n in c.items() if n < 100) for r, c in sorted(per_op.items())},
        "operations_called": len(all_ops),
        "server_errors": sum(n for (_, _, status), n in calls.items() if status >= 500),
        "never_2xx": sorted(all_ops - ok_ops),
        "statuses": dict(sorted(statuses.items())),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--examples", type=int, default=100, help="fuzzed cases per operation and role")
    parser.add_argument("--scenarios", type=int, default=300, help="stateful scenarios")
    parser.add_argument("--steps", type=int, default=20, help="steps per stateful scenario")
    parser.add_argument("--workers", type=int, default=2, help="pytest-xdist workers")
    parser.add_argument("--random", action="store_true", help="a fresh seed (default: the suite's fixed one)")
    parser.add_argument("--pg-url", default=os.environ.get("HUB_FUZZ_PG_URL", PG_DEFAULT),
                        help="a PostgreSQL URL; the run makes databases of its own named after it")
    parser.add_argument("--out", default="bench/fuzz-results.json")
    args = parser.parse_args()
    load = Path("/proc/loadavg").read_text().split()[:3] if Path("/proc/loadavg").exists() else []
    results = []
    for db in (["sqlite", "postgresql"] if args.db == "both" else [args.db]):
        result = run(db, args, args.pg_url)
        results.append(result)
        print(json.dumps({k: v for k, v in result.items() if k != "failure_text"}, ensure_ascii=False, indent=1))
        if result["failure_text"]:
            print(result["failure_text"][-6000:])
    after = Path("/proc/loadavg").read_text().split()[:3] if Path("/proc/loadavg").exists() else []
    out = {"args": vars(args), "loadavg_before": load, "loadavg_after": after, "results": results}
    Path(args.out).write_text(json.dumps(out, ensure_ascii=False, indent=1))
    print(f"loadavg before {load} after {after}; written to {args.out}")
    return 0 if all(r["pytest_exit"] == 0 and r["server_errors"] == 0 for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
