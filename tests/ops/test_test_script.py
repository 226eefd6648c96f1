"""scripts/test.sh fails when PostgreSQL is unreachable (a green run means both databases passed),
unless HUB_TEST_ALLOW_NO_POSTGRES=1 says to skip it knowingly; under CI=true it fails regardless."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEAD_PG = "postgresql://postgres@127.0.0.1:1/hub"


def _run(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """The script's PostgreSQL half against a port where nothing listens, in a copy of the repository's
    scripts folder (so no suite runs and nothing is installed: a stub axe-core is in place)."""
    (tmp_path / "scripts").mkdir(parents=True)
    shutil.copy(ROOT / "scripts" / "test.sh", tmp_path / "scripts" / "test.sh")
    axe = tmp_path / "tests" / "e2e" / "node_modules" / "axe-core"
    axe.mkdir(parents=True)
    (axe / "axe.min.js").write_text("")
    (tmp_path / ".venv").symlink_to(ROOT / ".venv")
    clean = {k: v for k, v in os.environ.items() if k not in ("CI", "HUB_TEST_ALLOW_NO_POSTGRES")}
    return subprocess.run(["bash", "scripts/test.sh", "postgres"], cwd=tmp_path, capture_output=True, text=True,
                          env={**clean, "HUB_TEST_PG_URL": DEAD_PG, **env}, timeout=120)


@pytest.mark.skipif(not (ROOT / ".venv" / "bin" / "python").exists(), reason="needs the project's .venv")
def test_unreachable_postgres_fails_the_run(tmp_path: Path) -> None:
    out = _run(tmp_path)
    assert out.returncode == 1, out.stderr
    assert "FAIL: PostgreSQL is unreachable" in out.stderr


@pytest.mark.skipif(not (ROOT / ".venv" / "bin" / "python").exists(), reason="needs the project's .venv")
def test_skipping_postgres_must_be_asked_for_and_never_in_ci(tmp_path: Path) -> None:
    allowed = _run(tmp_path / "a", HUB_TEST_ALLOW_NO_POSTGRES="1")
    assert allowed.returncode == 0, allowed.stderr
    assert "the PostgreSQL run was SKIPPED" in allowed.stderr
    in_ci = _run(tmp_path / "b", HUB_TEST_ALLOW_NO_POSTGRES="1", CI="true")
    assert in_ci.returncode == 1 and "FAIL" in in_ci.stderr
