"""README.md's tour runs: its shell blocks, in order, against the hub started as `make run` does.

The rule, stated at the top of the README: every ```sh block between "## The tour" and "## After
the tour" runs in one bash session; `curl` fails on any HTTP error, except a command ending in
`# answers NNN`, which must answer exactly NNN; a ```json block right after a tour block is what
that block prints last ("…" is any value; keys not shown may be there). Shell blocks elsewhere
must not use the variables the tour sets.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import IS_PG

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
START, END = "## The tour", "## After the tour"
SHELLS = {"sh", "bash", "shell"}
ANSWERS = re.compile(r"^(?P<cmd>.*\S)\s+#\s*answers (?P<status>\d{3})\s*$")
PRELUDE = "set -euo pipefail"
# The README's rule for curl, as a `curl` first on PATH (so it holds also inside the tour's own
# `curl` function, which calls `command curl`): an HTTP error fails the step unless the line said
# `# answers NNN` (the test turns that into EXPECT_STATUS=NNN before the command).
CURL = r"""#!/usr/bin/env bash
if [ -n "${EXPECT_STATUS:-}" ]; then
  out=$("$REAL_CURL" -sS "$@" -w '\n%{http_code}')
  code=${out##*$'\n'}
  printf '%s\n' "${out%$'\n'*}"
  if [ "$code" != "$EXPECT_STATUS" ]; then echo "expected HTTP $EXPECT_STATUS, got $code" >&2; exit 1; fi
else
  exec "$REAL_CURL" -S --fail-with-body "$@"
fi
"""


@dataclass
class Block:
    lang: str
    body: str
    line: int
    in_tour: bool
    shows: Any = None  # the JSON a following ```json block says this block prints last


def readme_blocks(text: str) -> list[Block]:
    """Every fenced block with its language, first line and whether it is in the tour (under the
    level-2 heading "## The tour"); a ```json block right after a tour shell block is its output."""
    blocks: list[Block] = []
    section, fence, lang, start, body = "", "", "", 0, []
    between: list[str] = []  # the text since the last block ended
    for number, line in enumerate(text.splitlines(), 1):
        if not fence:
            if line.startswith("## "):
                section = line.strip()
            opened = re.match(r"^(`{3,})\s*([\w-]*)", line)
            if opened:
                fence, lang, start, body = opened.group(1), opened.group(2).lower(), number + 1, []
            else:
                between.append(line)
        elif line.strip() == fence:
            block = Block(lang, "\n".join(body), start, section == START)
            previous = blocks[-1] if blocks else None
            if (lang == "json" and previous is not None and previous.in_tour and previous.lang in SHELLS
                    and not "".join(between).strip()):
                previous.shows = json.loads(block.body)
            blocks.append(block)
            fence, between = "", []
        else:
            body.append(line)
    return blocks


def _transform(body: str) -> str:
    """``cmd  # answers 401`` → ``EXPECT_STATUS=401 cmd``."""
    out = []
    for line in body.splitlines():
        found = ANSWERS.match(line)
        out.append(f"EXPECT_STATUS={found.group('status')} {found.group('cmd')}" if found else line)
    return "\n".join(out)


def matches(shown: Any, actual: Any) -> bool:
    if shown == "…":
        return True
    if isinstance(shown, dict):
        return isinstance(actual, dict) and all(k in actual and matches(v, actual[k]) for k, v in shown.items())
    if isinstance(shown, list):
        return isinstance(actual, list) and len(shown) == len(actual) and all(
            matches(s, a) for s, a in zip(shown, actual, strict=True))
    return bool(shown == actual)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_the_rules_find_the_tour_and_its_outputs() -> None:
    blocks = readme_blocks(README.read_text(encoding="utf-8"))
    tour = [b for b in blocks if b.in_tour and b.lang in SHELLS]
    assert len(tour) >= 10, "the tour lost its blocks"
    assert sum(b.shows is not None for b in tour) >= 4
    assert all(b.lang in SHELLS | {"json"} for b in blocks if b.in_tour), "a tour block in another language"
    assert _transform("curl -s x  # answers 401") == "EXPECT_STATUS=401 curl -s x"
    assert matches({"a": "…", "b": [1]}, {"a": {"x": 1}, "b": [1], "c": 2})
    assert not matches({"b": [1]}, {"b": [1, 2]}) and not matches({"a": 1}, {})


def test_shell_blocks_outside_the_tour_do_not_use_its_variables() -> None:
    blocks = readme_blocks(README.read_text(encoding="utf-8"))
    tour_vars = {m.group(1) for b in blocks if b.in_tour and b.lang in SHELLS
                 for m in re.finditer(r"(?:^|[\s;(])(?:export\s+)?([A-Z_][A-Z0-9_]*)=", b.body, re.M)}
    assert {"HUB", "KEY", "ADMIN", "JOB_ID", "PARTNER_ID"} <= tour_vars
    for b in blocks:
        if b.lang in SHELLS and not b.in_tour:
            used = {v for v in tour_vars if re.search(rf"\${{?{v}\b", b.body)}
            assert not used, f"README.md line {b.line}: uses the tour's {sorted(used)} outside the tour"


@pytest.fixture
def demo_hub(tmp_path: Path, db_url: str) -> Any:
    """``hub demo --serve`` (what `make run` runs) on a free loopback port, in a folder of its own."""
    port = _free_port()
    run_dir = tmp_path / "repo"
    (run_dir / ".venv" / "bin").mkdir(parents=True)
    hub = Path(sys.executable).parent / "hub"
    if hub.exists():
        (run_dir / ".venv" / "bin" / "hub").symlink_to(hub)
    else:  # the suite runs in another environment: the same command through this interpreter
        wrapper = run_dir / ".venv" / "bin" / "hub"
        wrapper.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m app.cli "$@"\n')
        wrapper.chmod(0o755)
    bin_dir = str(Path(sys.executable).parent)
    path = os.pathsep.join(p for p in os.environ.get("PATH", "").split(os.pathsep) if p != bin_dir)
    common = {"PATH": path, "HOME": str(tmp_path), "LANG": "C.UTF-8"}
    real_curl = shutil.which("curl", path=path)
    assert real_curl, "curl is not installed"
    checks = tmp_path / "checks"
    checks.mkdir()
    (checks / "curl").write_text(CURL)
    (checks / "curl").chmod(0o755)
    if IS_PG:  # SQLite: both use make run's default, ./hub.db in the folder they run in
        common["HUB_DATABASE_URL"] = db_url
    server_env = {**common, "HUB_PORT": str(port), "HUB_HOST": "127.0.0.1", "HUB_SYNC_ALLOW_PRIVATE": "1",
                  "HUB_LOG_LEVEL": "WARNING"}
    log = (tmp_path / "hub.log").open("w")
    proc = subprocess.Popen([sys.executable, "-m", "app.cli", "demo", "--serve"], cwd=run_dir, env=server_env,
                            stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert proc.poll() is None and time.monotonic() < deadline, (tmp_path / "hub.log").read_text()
            time.sleep(0.3)
        tour_env = {**common, "HUB": url, "PATH": f"{checks}{os.pathsep}{path}", "REAL_CURL": real_curl}
        yield url, run_dir, tour_env, tmp_path / "hub.log"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def test_the_readme_tour_runs_against_make_runs_demo(demo_hub: Any) -> None:
    url, run_dir, env, log = demo_hub
    blocks = [b for b in readme_blocks(README.read_text(encoding="utf-8")) if b.in_tour and b.lang in SHELLS]
    script = [PRELUDE]
    for i, block in enumerate(blocks):
        script += [f"printf '\\n@@@ block {i} @@@\\n'; printf '\\n@@@ block {i} @@@\\n' >&2", _transform(block.body)]
    done = subprocess.run(["bash", "-c", "\n".join(script)], cwd=run_dir, env=env, capture_output=True, text=True,
                          errors="replace", timeout=600)
    outs = re.split(r"\n@@@ block (\d+) @@@\n", done.stdout)
    printed = {int(outs[i]): outs[i + 1] for i in range(1, len(outs) - 1, 2)}
    errs = re.split(r"\n@@@ block (\d+) @@@\n", done.stderr)
    errors = {int(errs[i]): errs[i + 1] for i in range(1, len(errs) - 1, 2)}
    if done.returncode != 0:
        failed = max(printed, default=0)
        pytest.fail(f"README.md tour block at line {blocks[failed].line} failed (exit {done.returncode}):\n"
                    f"{blocks[failed].body}\n--- stdout ---\n{printed.get(failed, '')[-3000:]}\n--- stderr ---\n"
                    f"{errors.get(failed, '')[-3000:]}\n--- hub log ---\n{log.read_text()[-2000:]}", pytrace=False)
    assert sorted(printed) == list(range(len(blocks)))
    for i, block in enumerate(blocks):
        if block.shows is None:
            continue
        lines = [ln for ln in printed[i].splitlines() if ln.strip()]
        assert lines, f"README.md line {block.line}: the block printed nothing"
        actual = json.loads(lines[-1])
        assert matches(block.shows, actual), (f"README.md line {block.line}: shows\n{json.dumps(block.shows, ensure_ascii=False)}"
                                              f"\nbut printed\n{lines[-1]}")
