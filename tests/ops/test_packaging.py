"""Packaging as an operator meets it: the wheel carries the migrations (``hub migrate`` from an
installed package), the default install is the runtime set only, installs are pinned, and the
Dockerfile and docker-compose.yml say what they should (no Docker daemon here: they are parsed)."""

from __future__ import annotations

import fnmatch
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from alembic.script import ScriptDirectory

from app import __version__
from app.config import Settings
from app.migrate import alembic_config
from tests.conftest import IS_PG

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
DEV_ONLY = {"pytest", "pytest-xdist", "schemathesis", "playwright", "ruff", "openapi-python-client",
            "standardwebhooks", "pyyaml", "setuptools", "hypothesis"}
# Runtime dependencies that app/ never imports by name, and why they are needed all the same.
NOT_IMPORTED = {"uvloop": "uvicorn's event loop when installed", "httptools": "uvicorn's HTTP parser when installed",
                "psycopg": "SQLAlchemy's PostgreSQL driver (postgresql+psycopg://)"}
IMPORT_NAMES = {"pydantic-settings": "pydantic_settings", "prometheus-client": "prometheus_client",
                "charset-normalizer": "charset_normalizer", "apscheduler": "apscheduler", "argon2-cffi": "argon2"}


def _name(requirement: str) -> str:
    return re.split(r"[\s\[<>=!~;]", requirement, maxsplit=1)[0].lower()


def _docker_context(target: Path) -> Path:
    """Copy what .dockerignore lets into the image's build context (its whitelist)."""
    allowed = [line[1:].rstrip("/") for line in (ROOT / ".dockerignore").read_text().splitlines()
               if line.startswith("!")]
    target.mkdir(parents=True)
    for name in allowed:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, target / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        elif src.exists():
            shutil.copy2(src, target / name)
    return target


@pytest.mark.skipif(IS_PG, reason="runs once, in the SQLite pass: it builds and installs a wheel")
def test_hub_migrate_and_serve_work_from_an_installed_wheel(tmp_path: Path) -> None:
    """Build the wheel from the Docker build context, install it in a fresh venv (its
    dependencies borrowed from this one, so nothing is downloaded), migrate from outside the
    source tree, and serve the pages and API docs from the installed package's files."""
    context = _docker_context(tmp_path / "context")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
                    "--disable-pip-version-check", "-w", str(tmp_path / "dist"), str(context)],
                   check=True, capture_output=True, timeout=300)
    wheel, = (tmp_path / "dist").glob("hub24365-*.whl")
    assert wheel.name.startswith(f"hub24365-{__version__}-")
    names = zipfile.ZipFile(wheel).namelist()
    shipped = {Path(n).name for n in names if n.startswith("app/migrations/versions/") and n.endswith(".py")}
    assert shipped == {p.name for p in (ROOT / "alembic" / "versions").glob("*.py")}
    assert {"app/migrations/env.py", "app/migrations/script.py.mako", "app/apidocs/static/swagger-ui-bundle.js",
            "app/web/templates/base.html", "app/normalize/data/divisions.csv"} <= set(names)
    assert not [n for n in names if n.startswith(("tests/", "bench/", "alembic/")) or "__pycache__" in n]
    metadata = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith("METADATA"))).decode()
    runtime = [_name(line.split(":", 1)[1]) for line in metadata.splitlines()
               if line.startswith("Requires-Dist:") and "extra ==" not in line]
    assert runtime and not set(runtime) & DEV_ONLY and "datasketch" not in runtime

    venv = tmp_path / "fresh"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    py = venv / "bin" / "python"
    subprocess.run([str(py), "-m", "pip", "install", "-q", "--no-deps", "--no-index", "--disable-pip-version-check",
                    str(wheel)], check=True, capture_output=True, timeout=300)
    purelib = subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             check=True, capture_output=True, text=True).stdout.strip()
    ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    Path(purelib, "borrowed_dependencies.pth").write_text("\n".join(sorted(ours)) + "\n")
    work = tmp_path / "elsewhere"  # not the source tree: nothing can be found there by accident
    work.mkdir()
    env = {"PATH": f"{venv / 'bin'}:{os.environ.get('PATH', '')}", "HUB_DATABASE_URL": f"sqlite:///{work}/hub.db",
           "HUB_LOG_LEVEL": "WARNING", "HOME": str(tmp_path)}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(args, cwd=work, env=env, capture_output=True, text=True, timeout=120, check=False)

    where = run(str(py), "-c", "import app, app.migrate; print(app.__file__); print(app.migrate._alembic_dir())")
    assert where.returncode == 0, where.stderr
    assert all(line.startswith(str(venv)) for line in where.stdout.split()), where.stdout
    assert run(str(venv / "bin" / "hub"), "--version").stdout.strip() == f"hub {__version__}"
    migrated = run(str(venv / "bin" / "hub"), "migrate")
    assert migrated.returncode == 0, migrated.stderr
    assert "100%" in migrated.stderr and "Traceback" not in migrated.stderr
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    with sqlite3.connect(work / "hub.db") as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (head,)
    pages = run(str(py), "-c", "\n".join([
        "from fastapi.testclient import TestClient", "from app.main import create_app",
        "with TestClient(create_app(background=False)) as c:",
        "    for path in ('/', '/docs', '/redoc', '/docs/assets/swagger-ui-bundle.js', '/static/app.css',",
        "                 '/api/v1/jobs', '/readyz'):",
        "        r = c.get(path); assert r.status_code == 200, (path, r.status_code); print(path, len(r.content))",
    ]))
    assert pages.returncode == 0, pages.stderr


def test_the_default_install_is_the_runtime_set_and_each_part_is_used() -> None:
    runtime = [_name(r) for r in PYPROJECT["project"]["dependencies"]]
    dev = {_name(r) for r in PYPROJECT["project"]["optional-dependencies"]["dev"]}
    assert not set(runtime) & DEV_ONLY and DEV_ONLY - {"hypothesis"} <= dev
    assert "datasketch" not in runtime and "uvicorn[standard]" not in PYPROJECT["project"]["dependencies"]
    sources = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "app").rglob("*.py"))
    for name in runtime:
        module = IMPORT_NAMES.get(name, name.replace("-", "_"))
        imported = re.search(rf"^\s*(from|import) {module}\b", sources, re.M | re.I)
        assert imported or name in NOT_IMPORTED, f"{name} is a runtime dependency nothing in app/ imports"


def test_installs_are_pinned_by_the_constraints_file() -> None:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version, f"not an exact pin: {line}"
            pins[name.lower().replace("_", "-")] = version
    wanted = [_name(r) for r in PYPROJECT["project"]["dependencies"] + PYPROJECT["project"]["optional-dependencies"]["dev"]]
    assert [n for n in wanted if n.replace("_", "-") not in pins] == []
    assert "datasketch" not in pins and "numpy" not in pins
    from importlib.metadata import version

    for dist in ("fastapi", "sqlalchemy", "uvicorn", "pydantic"):  # this venv was installed with them
        assert version(dist) == pins[dist], f"{dist} {version(dist)} differs from constraints.txt"


def test_make_run_installs_the_runtime_set_and_make_test_the_dev_set(tmp_path: Path) -> None:
    def dry(target: str) -> str:
        done = subprocess.run(["make", "-n", target, f"VENV={tmp_path}/v"], cwd=ROOT, capture_output=True,
                              text=True, timeout=60, check=True)
        return done.stdout

    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    run, test = dry("run"), dry("test")
    assert "-c constraints.txt -e ." in run and "[dev]" not in run and "hub demo --serve" in run
    assert "-c constraints.txt -e '.[dev]'" in test and "scripts/test.sh" in test


def test_the_license_is_apache_2_and_declared() -> None:
    text = (ROOT / "LICENSE").read_text()
    assert "Apache License" in text and "Version 2.0, January 2004" in text
    assert PYPROJECT["project"]["license"] == "Apache-2.0"


def _instructions(path: Path) -> list[tuple[str, str]]:
    joined = re.sub(r"\\\n", " ", path.read_text())
    return [(m.group(1).upper(), m.group(2)) for m in re.finditer(r"^([A-Za-z]+)\s+(.*)$", joined, re.M)
            if not m.group(0).startswith("#")]


def test_the_dockerfile_copies_the_source_once_and_checks_readiness() -> None:
    steps = _instructions(ROOT / "Dockerfile")
    copies = [arg for op, arg in steps if op == "COPY"]
    assert [c for c in copies if "--from=" not in c] == [". ."]  # the source, once, into the build stage
    assert [c for c in copies if "--from=" in c] == ["--from=build /install /usr/local"]
    run = " ".join(arg for op, arg in steps if op == "RUN")
    assert "-c constraints.txt" in run and "[dev]" not in run
    assert any(op == "HEALTHCHECK" and "/readyz" in arg for op, arg in steps)
    assert steps[-1] == ("CMD", '["hub", "serve"]')
    ignored = (ROOT / ".dockerignore").read_text().splitlines()
    assert ignored[next(i for i, x in enumerate(ignored) if not x.startswith("#"))] == "*"
    for needed in ("pyproject.toml", "setup.py", "README.md", "LICENSE", "constraints.txt", "app/", "alembic/"):
        assert f"!{needed}" in ignored, needed
    assert not any(fnmatch.fnmatch("tests/conftest.py", p[1:]) for p in ignored if p.startswith("!"))


def _compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())  # type: ignore[no-any-return]


def test_compose_runs_postgres_two_api_processes_and_a_worker_health_checked() -> None:
    services = _compose()["services"]
    assert set(services) == {"db", "api", "worker"}
    db, api, worker = services["db"], services["api"], services["worker"]
    assert db["image"].startswith("postgres:") and "pg_isready" in " ".join(db["healthcheck"]["test"])
    assert "C.UTF-8" in db["environment"]["POSTGRES_INITDB_ARGS"]  # pg_trgm needs a UTF-8 LC_CTYPE
    assert api["command"] == ["hub", "serve", "--workers", "2"]
    assert "/readyz" in " ".join(api["healthcheck"]["test"])
    assert api["depends_on"]["db"]["condition"] == "service_healthy"
    assert worker["command"][:2] == ["hub", "worker"]
    assert worker["depends_on"]["api"]["condition"] == "service_healthy"  # the schema is migrated first
    assert worker["healthcheck"]["test"]
    for svc in (api, worker):
        env = svc["environment"]
        assert svc["build"] == "." and svc["image"] == api["image"]
        assert env["HUB_DATABASE_URL"].startswith("postgresql://") and "@db:5432/" in env["HUB_DATABASE_URL"]
        assert env["HUB_ENV"] == "production"
        for secret in ("HUB_ADMIN_TOKEN", "HUB_SECRET_KEY", "HUB_PUBLIC_URL"):
            assert env[secret].startswith(f"${{{secret}:?"), "a missing setting must stop compose"
        known = {f"HUB_{n.upper()}" for n in Settings.model_fields}
        assert {k for k in env if k.startswith("HUB_")} <= known, "a HUB_ variable the hub does not read"
    assert api["environment"]["HUB_HOST"] == "0.0.0.0"


def test_docker_compose_config_accepts_the_file_when_docker_is_here(tmp_path: Path) -> None:
    docker = shutil.which("docker")
    if docker is None or subprocess.run([docker, "compose", "version"], capture_output=True,
                                        timeout=30).returncode != 0:
        pytest.skip("no docker compose here (the file is parsed by the test above instead)")
    env = {**os.environ, "HUB_ADMIN_TOKEN": "a" * 20, "HUB_SECRET_KEY": "b" * 20,
           "HUB_PUBLIC_URL": "https://jobs.example.edu.cn"}
    done = subprocess.run([docker, "compose", "-f", str(ROOT / "docker-compose.yml"), "config", "--quiet"],
                          env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
