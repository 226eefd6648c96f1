"""Anonymous reads on a hot standby, for real: ``scripts/pg_pair.sh`` makes a throwaway PostgreSQL
primary and its streaming standby (initdb + pg_basebackup) on 127.0.0.1, the hub is migrated on
the primary, and the standby replays it.

Runs in the PostgreSQL half of the suite. Without PostgreSQL's tools (initdb) it is skipped with
a warning, except under ``CI=true``, where a missing tool fails.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from app.config import Settings
from app.db import Database
from app.main import create_app
from app.migrate import upgrade
from tests.conftest import ADMIN, ADMIN_TOKEN, IS_PG, auth, make_posting, push

ROOT = Path(__file__).resolve().parents[2]
pg_half = pytest.mark.skipif(not IS_PG, reason="standbys are PostgreSQL's; this runs in the PostgreSQL half")


def _ports() -> tuple[int, int]:
    """Two ports of this worktree's range per xdist worker (18220-18225)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw2")
    k = int(worker[2:]) % 3 if worker[2:].isdigit() else 2
    return 18220 + 2 * k, 18221 + 2 * k


def _tools_present() -> bool:
    return shutil.which("initdb") is not None or any(Path("/usr/lib/postgresql").glob("*/bin/initdb"))


@pytest.fixture(scope="module")
def pair() -> Iterator[dict[str, Any]]:
    """A primary with the hub migrated on it and its standby: their URLs, ports and folder."""
    if not _tools_present():
        if os.environ.get("CI") == "true":
            pytest.fail("initdb/pg_basebackup are missing: CI must run the standby tests")
        warnings.warn("PostgreSQL's initdb is missing: the standby tests are SKIPPED", stacklevel=1)
        pytest.skip("PostgreSQL's initdb is missing (install Debian's postgresql); standby tests SKIPPED")
    primary_port, standby_port = _ports()
    folder = tempfile.mkdtemp(prefix=f"hub_pair_{primary_port}_")
    script = str(ROOT / "scripts" / "pg_pair.sh")
    subprocess.run([script, "stop", folder], check=False, capture_output=True)
    subprocess.run([script, "primary", folder, str(primary_port), "--fast"], check=True, capture_output=True)
    try:
        with psycopg.connect(f"postgresql://postgres@127.0.0.1:{primary_port}/postgres", autocommit=True) as c:
            c.execute("CREATE DATABASE hub")
        primary = f"postgresql://postgres@127.0.0.1:{primary_port}/hub"
        upgrade(primary)
        subprocess.run([script, "standby", folder, str(primary_port), str(standby_port)], check=True,
                       capture_output=True)
        standby = f"postgresql://postgres@127.0.0.1:{standby_port}/hub"
        _wait_caught_up(primary, standby)
        yield {"primary": primary, "standby": standby, "folder": folder, "script": script,
               "standby_port": standby_port}
    finally:
        subprocess.run([script, "stop", folder], check=False, capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


def _wait_caught_up(primary: str, standby: str, timeout: float = 30) -> None:
    """Until the standby has replayed everything the primary had written when called."""
    with psycopg.connect(primary, autocommit=True) as p:
        target = p.execute("SELECT pg_current_wal_lsn()").fetchone()[0]  # type: ignore[index]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with psycopg.connect(standby, autocommit=True, connect_timeout=2) as s:
                if s.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", (str(target),)).fetchone()[0]:  # type: ignore[index]
                    return
        except psycopg.OperationalError:
            pass
        time.sleep(0.1)
    raise AssertionError("the standby did not catch up")


def _replay(standby: str, pause: bool) -> None:
    with psycopg.connect(standby, autocommit=True) as s:
        s.execute("SELECT pg_wal_replay_pause()" if pause else "SELECT pg_wal_replay_resume()")


def _empty(primary: str) -> None:
    engine = create_engine(primary.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as conn:
        tables = [r[0] for r in conn.execute(text(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))
            if r[0] not in ("alembic_version", "counters")]
        conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " CASCADE"))
    engine.dispose()


def _client(primary: str, read_url: str, **overrides: Any) -> tuple[TestClient, Database]:
    settings = Settings(env="test", database_url=primary, database_read_url=read_url, admin_token=ADMIN_TOKEN,
                        secret_key="test-secret-key-0123456789", log_json=False, public_url="http://testserver",
                        counts_max_age_s=0, rate_limit=False, read_check_interval_s=0.05,
                        **{"read_max_lag_s": 30.0, **overrides})
    db = Database(primary)
    return TestClient(create_app(settings, db=db, background=False), raise_server_exceptions=False), db


@pytest.fixture
def hub(pair: dict[str, Any]) -> Iterator[tuple[TestClient, Database, dict[str, Any]]]:
    _empty(pair["primary"])
    _wait_caught_up(pair["primary"], pair["standby"])
    client, db = _client(pair["primary"], pair["standby"])
    with client:
        yield client, db, pair
    _replay(pair["standby"], pause=False)
    db.dispose()


def _partner(client: TestClient) -> tuple[str, str]:
    resp = client.post("/api/v1/partners", json={"name": f"大学{time.monotonic_ns()}", "kind": "university",
                                                  "region_code": "440300"}, headers=ADMIN)
    assert resp.status_code == 201, resp.text
    return resp.json()["id"], resp.json()["api_key"]


def _settle(client: TestClient, pair: dict[str, Any]) -> None:
    """The standby has replayed all, and the hub has checked it since (so its lag is known)."""
    _wait_caught_up(pair["primary"], pair["standby"])
    time.sleep(0.1)
    assert client.get("/api/v1/jobs").status_code == 200


@pg_half
def test_anonymous_reads_go_to_the_standby_while_the_partner_reads_its_own_writes_on_the_primary(hub: Any) -> None:
    client, db, pair = hub
    _, key = _partner(client)
    _settle(client, pair)
    _replay(pair["standby"], pause=True)  # the standby now lags, within the bound (30 s)
    job_id = push(client, key, make_posting("R-1", title="给排水工程师"))[0]["job_id"]
    time.sleep(0.1)  # past the check interval: the hub measures the lag again

    # The partner sees its write at once: its own posting, and a search made with its key.
    own = client.get("/api/v1/postings/R-1", headers=auth(key))
    assert own.status_code == 200 and own.json()["job_id"] == job_id
    assert [j["id"] for j in client.get("/api/v1/jobs", params={"q": "给排水"}, headers=auth(key)).json()["items"]] \
        == [job_id]
    # The change feed reads the primary: the change is there.
    changes = client.get("/api/v1/changes", headers=auth(key)).json()["changes"]
    assert job_id in [c["job_id"] for c in changes]
    # Anonymous reads come from the paused standby: not there yet (a public search may lag, bounded).
    assert client.get("/api/v1/jobs", params={"q": "给排水"}).json()["items"] == []
    assert client.get(f"/api/v1/jobs/{job_id}").status_code == 404
    assert client.get(f"/jobs/{job_id}").status_code == 404
    status = db.replicas.status()
    assert status[0]["up"] and 0 < status[0]["lag_s"] <= 30

    _replay(pair["standby"], pause=False)
    _wait_caught_up(pair["primary"], pair["standby"])
    assert client.get(f"/api/v1/jobs/{job_id}").status_code == 200
    assert [j["id"] for j in client.get("/api/v1/jobs", params={"q": "给排水"}).json()["items"]] == [job_id]


@pg_half
def test_a_standby_lagging_past_the_bound_is_skipped_for_the_primary(pair: dict[str, Any]) -> None:
    _empty(pair["primary"])
    client, db = _client(pair["primary"], pair["standby"], read_max_lag_s=0.3)
    try:
        with client:
            _, key = _partner(client)
            _settle(client, pair)
            _replay(pair["standby"], pause=True)
            job_id = push(client, key, make_posting("R-2"))[0]["job_id"]
            time.sleep(0.5)  # the last position the standby holds is now older than the bound
            assert client.get(f"/api/v1/jobs/{job_id}").status_code == 200  # served by the primary
            assert db.replicas.status()[0]["lag_s"] is None or db.replicas.status()[0]["lag_s"] > 0.3
    finally:
        _replay(pair["standby"], pause=False)
        db.dispose()


@pg_half
def test_a_standby_that_is_down_sends_reads_to_the_primary(pair: dict[str, Any]) -> None:
    _empty(pair["primary"])
    nothing_listens = "postgresql://postgres@127.0.0.1:18229/hub"  # no server listens there
    client, db = _client(pair["primary"], nothing_listens)
    try:
        with client:
            _, key = _partner(client)
            job_id = push(client, key, make_posting("R-3"))[0]["job_id"]
            assert client.get(f"/api/v1/jobs/{job_id}").status_code == 200
            assert client.get("/api/v1/jobs").json()["total"] == 1
            assert db.replicas.status() == [{"url": nothing_listens.replace("postgresql://",
                                                                           "postgresql+psycopg://"),
                                             "up": False, "lag_s": None}]
    finally:
        db.dispose()


@pg_half
def test_a_standby_stopped_mid_run_fails_over_then_comes_back(hub: Any) -> None:
    client, db, pair = hub
    _, key = _partner(client)
    job_id = push(client, key, make_posting("R-4"))[0]["job_id"]
    _settle(client, pair)
    assert client.get(f"/api/v1/jobs/{job_id}").status_code == 200
    assert db.replicas.status()[0]["up"]
    bindir = Path(subprocess.run(["bash", "-c", "dirname $(readlink -f $(command -v initdb || "
                                  "ls /usr/lib/postgresql/*/bin/initdb | tail -n 1))"],
                                 capture_output=True, text=True, check=True).stdout.strip())
    owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    standby_dir = f"{pair['folder']}/standby"
    subprocess.run([*owner, str(bindir / "pg_ctl"), "-D", standby_dir, "-m", "immediate", "-w", "stop"],
                   check=True, capture_output=True)
    try:
        for _ in range(3):  # the pooled connection breaks mid-read: the same read runs on the primary
            assert client.get(f"/api/v1/jobs/{job_id}").status_code == 200
        time.sleep(0.1)
        assert client.get("/api/v1/jobs").json()["total"] == 1
        assert not db.replicas.status()[0]["up"]
    finally:
        subprocess.run([*owner, str(bindir / "pg_ctl"), "-D", standby_dir, "-l", f"{pair['folder']}/standby.log",
                        "-w", "start"], check=True, capture_output=True)
    _settle(client, pair)
    assert db.replicas.status()[0]["up"]


def test_read_url_needs_postgresql_as_primary(tmp_path: Path) -> None:
    settings = Settings(env="test", database_url=f"sqlite:///{tmp_path}/hub.db",
                        database_read_url="postgresql://postgres@127.0.0.1:1/x", rate_limit=False)
    with pytest.raises(ValueError, match="HUB_DATABASE_READ_URL needs PostgreSQL"):
        create_app(settings, background=False)
