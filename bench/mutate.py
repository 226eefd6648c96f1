"""Mutation testing by hand (mutmut, a dev/bench tool): are the tests of the road in, dedup, the change
feed, the SSRF guard and the error paths strong enough to notice a small bug planted in the code?

Each target is one module with the test files that exercise it (run nothing else: the machine has
two shared cores). mutmut copies the repository into a scratch folder per target, plants one small
change at a time (a flipped comparison, an off-by-one, a dropped call...) and runs those tests; a
mutant the tests still pass is a *survivor*: review it (a missing test, or a change that means
nothing, e.g. in a log message) and kill it with a test or say why not.

    .venv/bin/python bench/mutate.py --list                  # the targets
    .venv/bin/python bench/mutate.py netguard errors         # run some (SQLite tests)
    .venv/bin/python bench/mutate.py --all --max-children 2
    .venv/bin/python bench/mutate.py prepare --sample 60      # 60 of the module's mutants, drawn at random

Prints killed / survived / other per target and the kill rate, and the survivors' names (``mutmut
show NAME`` inside the scratch folder prints one); figures go to bench/RESULTS.md by hand.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGETS: dict[str, tuple[str, list[str]]] = {
    # name: (module, the test files that exercise it)
    # the SSRF guard
    "guard": ("app/outbound/guard.py", ["tests/sync/test_netguard.py", "tests/sync/test_fetch.py",
                                        "tests/sync/test_faults.py", "tests/changes/test_webhooks.py"]),
    # the error paths (problem+json handlers, field paths)
    "errors": ("app/errors.py", ["tests/api/test_error_paths.py", "tests/api/test_validation.py",
                                 "tests/api/test_field_paths.py", "tests/api/test_undecodable_bodies.py"]),
    # the change feed: its reader (cursor, filters, paging) and the writer of change rows on the road in
    "changes": ("app/services/changes.py", ["tests/changes/test_changes_feed.py", "tests/changes/test_change_filters.py",
                                            "tests/changes/test_filtered_paging.py"]),
    "changelog": ("app/ingest/changelog.py", ["tests/changes/test_changes_feed.py",
                                              "tests/changes/test_filtered_paging.py"]),
    # the road in: one batch from request to store, and the per-posting preparation (normalise, refuse)
    "pipeline": ("app/ingest/pipeline.py", ["tests/api/test_push.py", "tests/api/test_batch_atomicity.py",
                                            "tests/api/test_field_paths.py", "tests/api/test_idempotency.py"]),
    "prepare": ("app/ingest/prepare.py", ["tests/api/test_push.py", "tests/api/test_validation.py",
                                          "tests/api/test_field_paths.py", "tests/api/test_prepare_edges.py"]),
    # dedup: which job a posting joins
    "assigner": ("app/dedup/assigner.py", ["tests/dedup/test_dedup_lifecycle.py",
                                           "tests/dedup/test_dedup_admin.py"]),
    # the storable rule (NUL and other text PostgreSQL cannot store)
    "common": ("app/schemas/common.py", ["tests/api/test_unstorable_text.py"]),
}
COPY = ["app", "tests", "alembic", "alembic.ini", "pyproject.toml"]


def scratch(name: str) -> Path:
    """A copy of the repository for one target, with mutmut's settings in its pyproject.toml."""
    module, tests = TARGETS[name]
    where = Path(tempfile.mkdtemp(prefix=f"hub_mutate_{name}_"))
    for item in COPY:
        src = ROOT / item
        (shutil.copytree if src.is_dir() else shutil.copy)(src, where / item)
    config = (f'\n[tool.mutmut]\nsource_paths = ["app"]\nonly_mutate = ["{module}"]\n'
              f"pytest_add_cli_args_test_selection = {json.dumps(tests)}\n"
              'pytest_add_cli_args = ["-p", "no:xdist", "-p", "no:cacheprovider", "-x", "-q"]\n')
    with (where / "pyproject.toml").open("a") as out:
        out.write(config)
    return where


def _statuses(mutmut: str, where: Path) -> dict[str, list[str]]:
    results = subprocess.run([mutmut, "results", "--all", "true"], cwd=where, capture_output=True, text=True).stdout
    status: dict[str, list[str]] = {}
    for line in results.splitlines():
        if ":" in line:
            mutant, state = line.rsplit(":", 1)
            status.setdefault(state.strip(), []).append(mutant.strip())
    return status


def _all_mutants(where: Path) -> list[str]:
    """Every mutant mutmut planted (its ``.meta`` files), run or not."""
    names: list[str] = []
    for meta in sorted((where / "mutants").rglob("*.meta")):
        names += json.loads(meta.read_text())["exit_code_by_key"]
    return sorted(names)


def run(name: str, max_children: int, sample: int | None = None, seed: int = 24365,
        where: Path | None = None, only: list[str] | None = None) -> dict[str, object]:
    """Mutation-test one target. ``sample``: run only that many mutants, drawn at random (``seed``) from all
    of the module's, and count only those (a big module's full run takes longer than a session has).
    ``only``: run just these mutants (e.g. an earlier run's survivors, after new tests)."""
    where = where or scratch(name)
    mutmut = str(Path(sys.executable).with_name("mutmut"))
    started = time.perf_counter()
    # mutmut runs the tests inside its own copy (mutants/): point it at the migrations of the scratch copy.
    alembic = next((p for p in (where / "app" / "migrations", where / "alembic") if (p / "env.py").is_file()), None)
    env = {**os.environ, **({"HUB_ALEMBIC_DIR": str(alembic)} if alembic else {})}
    chosen: list[str] | None = None
    total = None
    if only:
        chosen = sorted(only)
    elif sample is not None:
        # A first run with a filter that matches nothing plants the mutants and maps tests to functions,
        # then stops; the sample is drawn from what it planted.
        subprocess.run([mutmut, "run", "--max-children", str(max_children), "no-such-mutant"], cwd=where,
                       capture_output=True, text=True, env=env)
        every = _all_mutants(where)
        total = len(every)
        chosen = sorted(random.Random(seed).sample(every, min(sample, total)))
    done = subprocess.run([mutmut, "run", "--max-children", str(max_children), *(chosen or [])], cwd=where,
                          capture_output=True, text=True, env=env)
    (where / "mutmut.log").write_text(done.stdout + done.stderr)  # mutmut's own account, when a run goes wrong
    status = _statuses(mutmut, where)
    if chosen is not None:
        keep = set(chosen)
        status = {state: [m for m in names if m in keep] for state, names in status.items()}
        status = {state: names for state, names in status.items() if names}
    killed, survived = len(status.get("killed", [])), len(status.get("survived", []))
    return {"target": name, "module": TARGETS[name][0], "mutants_planted": total or sum(map(len, status.values())),
            "sampled": len(chosen) if chosen is not None else None, "killed": killed, "survived": survived,
            "other": {k: len(v) for k, v in status.items() if k not in ("killed", "survived")},
            "kill_rate": round(killed / (killed + survived), 3) if killed + survived else None,
            "survivors": status.get("survived", []), "scratch": str(where),
            "minutes": round((time.perf_counter() - started) / 60, 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("targets", nargs="*", help=", ".join(TARGETS))
    parser.add_argument("--all", action="store_true")
    parser.add_argument("--list", action="store_true")
    parser.add_argument("--max-children", type=int, default=2)
    parser.add_argument("--sample", type=int, help="run only this many mutants per target, drawn at random")
    parser.add_argument("--seed", type=int, default=24365)
    parser.add_argument("--only", nargs="+", metavar="MUTANT", help="run just these mutants (one target)")
    parser.add_argument("--scratch", type=Path, help="reuse this scratch copy (one target): rerun after new tests "
                                                     "are copied into its tests/ and mutants/tests/")
    args = parser.parse_args()
    if args.list:
        for name, (module, tests) in TARGETS.items():
            print(f"{name:10} {module:28} {' '.join(tests)}")
        return 0
    names = list(TARGETS) if args.all else args.targets
    unknown = [n for n in names if n not in TARGETS]
    if unknown or not names:
        parser.error(f"name targets among {', '.join(TARGETS)} (unknown: {unknown})")
    for name in names:
        print(json.dumps(run(name, args.max_children, args.sample, args.seed, args.scratch, args.only), ensure_ascii=False),
              flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
