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

Prints killed / survived / other per target and the kill rate, and the survivors' names (``mutmut
show NAME`` inside the scratch folder prints one); figures go to bench/RESULTS.md by hand.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGETS: dict[str, tuple[str, list[str]]] = {
    # name: (module, the test files that exercise it)
    "netguard": ("app/sync/netguard.py", ["tests/sync/test_netguard.py", "tests/sync/test_fetch.py"]),
    "errors": ("app/errors.py", ["tests/api/test_validation.py", "tests/api/test_field_paths.py",
                                 "tests/api/test_undecodable_bodies.py", "tests/test_route_inventory.py"]),
    "changes": ("app/services/changes.py", ["tests/changes/test_changes_feed.py",
                                            "tests/changes/test_filtered_paging.py"]),
    "pipeline": ("app/ingest/pipeline.py", ["tests/api/test_push.py", "tests/api/test_batch_atomicity.py",
                                            "tests/api/test_field_paths.py"]),
    "normalise": ("app/ingest/normalise.py", ["tests/api/test_validation.py", "tests/api/test_field_paths.py",
                                              "tests/api/test_push.py"]),
    "assigner": ("app/dedup/assigner.py", ["tests/dedup/test_dedup_lifecycle.py",
                                           "tests/dedup/test_dedup_admin.py"]),
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


def run(name: str, max_children: int) -> dict[str, object]:
    where = scratch(name)
    mutmut = str(Path(sys.executable).with_name("mutmut"))
    started = time.perf_counter()
    # mutmut runs the tests inside its own copy (mutants/): point it at the migrations of the scratch copy.
    alembic = next((p for p in (where / "app" / "migrations", where / "alembic") if (p / "env.py").is_file()), None)
    env = {**os.environ, **({"HUB_ALEMBIC_DIR": str(alembic)} if alembic else {})}
    subprocess.run([mutmut, "run", "--max-children", str(max_children)], cwd=where, capture_output=True, text=True,
                   env=env)
    results = subprocess.run([mutmut, "results", "--all", "true"], cwd=where, capture_output=True, text=True).stdout
    status: dict[str, list[str]] = {}
    for line in results.splitlines():
        if ":" in line:
            mutant, state = line.rsplit(":", 1)
            status.setdefault(state.strip(), []).append(mutant.strip())
    killed, survived = len(status.get("killed", [])), len(status.get("survived", []))
    return {"target": name, "module": TARGETS[name][0], "killed": killed, "survived": survived,
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
        print(json.dumps(run(name, args.max_children), ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
