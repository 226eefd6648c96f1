"""``hub serve --workers 2`` as an operator runs it: logs are plain JSON lines (no ANSI colour
codes, APScheduler quiet), and ``/metrics`` sums both processes (Prometheus multiprocess mode)
whichever process answers, as does the separate ``HUB_METRICS_PORT`` listener."""

from __future__ import annotations

import json
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx

from app.observability import JSONFormatter, configure_logging, logging_config
from tests.conftest import ADMIN_TOKEN

ROOT = Path(__file__).resolve().parents[2]
HEALTHZ = re.compile(r'^hub_http_requests_total\{method="GET",route="/healthz",status="200"\} (\S+)$', re.M)


class Served:
    """A ``hub serve`` subprocess on an ephemeral port, its stderr collected line by line."""

    def __init__(self, env: dict[str, str], *args: str) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "app.cli", "serve", "--port", "0", *args], cwd=ROOT,
                                     env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
        self.lines: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        self.url = self._wait_for_url()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.lines.append(line.rstrip("\n"))

    def _wait_for_url(self) -> str:
        deadline = time.monotonic() + 180  # a wait for start-up on a busy machine, not a timing assertion
        while time.monotonic() < deadline:
            for line in list(self.lines):
                found = re.search(r"Uvicorn running on (http://127\.0\.0\.1:\d+)", line)
                if found:
                    return found.group(1)
            assert self.proc.poll() is None, "\n".join(self.lines)
            time.sleep(0.1)
        raise AssertionError("no 'Uvicorn running on' line:\n" + "\n".join(self.lines))

    def logs(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in list(self.lines) if line.strip()]

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self.reader.join(timeout=5)


def _env(settings: Any, **extra: str) -> dict[str, str]:
    return {"PATH": os.environ.get("PATH", ""), "HUB_DATABASE_URL": settings.database_url,
            "HUB_ADMIN_TOKEN": ADMIN_TOKEN, "HUB_HOST": "127.0.0.1", "HUB_LOG_LEVEL": "INFO", **extra}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _healthz_total(url: str) -> float:
    resp = httpx.get(f"{url}/metrics", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}, timeout=10)
    assert resp.status_code == 200, resp.text
    text = resp.text
    found = HEALTHZ.search(text)
    return float(found.group(1)) if found else 0.0


def test_two_processes_share_one_metrics_view_and_log_plain_json(settings: Any, tmp_path: Path) -> None:
    metrics_dir, side = tmp_path / "metrics", _free_port()
    served = Served(_env(settings, PROMETHEUS_MULTIPROC_DIR=str(metrics_dir), HUB_METRICS_PORT=str(side)),
                    "--workers", "2", "--no-migrate")
    try:
        deadline = time.monotonic() + 180  # a wait for start-up on a busy machine, not a timing assertion
        while time.monotonic() < deadline:  # both processes up
            try:
                if httpx.get(f"{served.url}/readyz", timeout=5).status_code == 200 and \
                        sum("Application startup complete" in line for line in served.lines) >= 2:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        base = _healthz_total(served.url)  # readyz/metrics polls so far are other routes; 0 healthz
        sent = 0

        def one(_: int) -> int:
            return httpx.get(f"{served.url}/healthz", timeout=10).status_code  # a new connection each

        with ThreadPoolExecutor(8) as pool:
            while sent < 400:  # until both processes have answered some (the kernel spreads accepts)
                assert set(pool.map(one, range(40))) == {200}
                sent += 40
                time.sleep(0.3)
                pids = {r["pid"] for r in served.logs() if r.get("path") == "/healthz"}
                if len(pids) >= 2:
                    break
        assert len(pids) == 2, "one process answered every request"
        for _ in range(8):  # whichever process answers, it reports both processes' requests
            assert _healthz_total(served.url) == base + sent
        assert _healthz_total(f"http://127.0.0.1:{side}") == base + sent  # the parent's listener too
        assert len({p.name.split("_")[-1] for p in metrics_dir.glob("counter_*.db")}) >= 2
    finally:
        served.stop()
    records = served.logs()  # every line parses as JSON
    assert not [line for line in served.lines if "\x1b" in line], "ANSI colour codes in the logs"
    assert any(r["logger"] == "uvicorn.error" and "Started server process" in r["msg"] for r in records)
    assert all("color_message" not in r for r in records)
    assert not [r for r in records if r["logger"].startswith("apscheduler")]


def test_scheduler_chatter_is_quiet_by_default_and_can_be_turned_on(capsys: Any) -> None:
    root = logging.getLogger()
    saved = root.handlers[:], root.level, logging.getLogger("apscheduler").level
    try:
        configure_logging("INFO", True)
        logging.getLogger("apscheduler.executors.default").info('Running job "tick" (trigger: interval)')
        logging.getLogger("hub.sync").info("sync run")
        configure_logging("INFO", True, quiet_level="INFO")
        logging.getLogger("apscheduler.executors.default").info("Job executed successfully")
    finally:
        root.handlers[:], _, _ = saved
        root.setLevel(saved[1])
        logging.getLogger("apscheduler").setLevel(saved[2])
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    assert [r["msg"] for r in lines] == ["sync run", "Job executed successfully"]


def test_json_lines_drop_uvicorn_colour_copies() -> None:
    record = logging.makeLogRecord({"name": "uvicorn.error", "levelname": "INFO", "msg": "Started server process [%d]",
                                    "args": (42,), "color_message": "Started server process [\x1b[36m%d\x1b[0m]"})
    line = JSONFormatter().format(record)
    assert "\x1b" not in line and json.loads(line)["msg"] == "Started server process [42]"
    assert logging_config("INFO", False)["formatters"]["hub"] == {"format": "%(levelname)s %(name)s %(message)s"}
