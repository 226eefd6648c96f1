"""The house's floors only point down: every import of ``app/``, read with ``ast``, runs to a lower
floor (or sideways on one floor), and no files or rooms import each other in a circle.

The floors are the README's ("How it is built"); a room is a package of ``app/`` or a top-level
module (``app.sync.adapters`` and its two helpers are a room of their own: the feed formats).
Every import counts: inside functions too, and under ``TYPE_CHECKING``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parent.parent / "app"

# Lowest first. A room imports rooms on its own floor or below, never above.
FLOORS: list[tuple[str, tuple[str, ...]]] = [
    ("ground", ("app.config", "app.jsonutil", "app.errors", "app.security", "app.runtime", "app.observability",
                "app.writebehind", "app.db", "app.bulk", "app.cursor", "app.migrate", "app.models", "app.schemas",
                "app.normalize", "app.export", "app.outbound", "app.openapi_examples",
                "app.openapi_links", "app.openapi_text", "app.hosts", "app.progress", "app.settings_table",
                "app.shared", "app.httpcache", "app.ratelimit")),
    ("jobs", ("app.jobs",)),
    ("the road's stages", ("app.dedup", "app.search", "app.sync.adapters")),
    ("the road", ("app.ingest",)),
    ("services", ("app.services",)),
    ("workers", ("app.webhooks", "app.housekeeping", "app.sync")),
    ("faces", ("app.api", "app.openapi", "app.web", "app.console", "app.apidocs", "app.demo", "app.report_commands", "app.cli")),
    ("top", ("app.main",)),
]
# Modules that belong to another room than their package's (longest prefix wins otherwise).
ROOM_OF = {"app.sync.mapping": "app.sync.adapters", "app.sync.encoding": "app.sync.adapters"}


def modules() -> dict[str, Path]:
    out = {}
    for path in sorted(APP.rglob("*.py")):
        parts = path.relative_to(APP.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


MODULES = modules()


def _resolve(module: str, path: Path, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    for _ in range(node.level - 1):
        package = package.rsplit(".", 1)[0]
    return f"{package}.{node.module}" if node.module else package


def imports(module: str, source: str | None = None) -> Iterator[tuple[str, int]]:
    """(app module imported, line) for every import in ``module`` (or in ``source``, read as if
    it were that module's text)."""
    path = MODULES[module]
    for node in ast.walk(ast.parse(source if source is not None else path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(module, path, node)
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names]
        else:
            continue
        for target in targets:
            while target and target not in MODULES:  # ``import app.x.y`` of a name inside a module
                target = target.rpartition(".")[0]
            if target.startswith("app.") and target != module:
                yield target, node.lineno


def room(module: str) -> str:
    if module in ROOM_OF:
        return ROOM_OF[module]
    rooms = [r for _, rs in FLOORS for r in rs if module == r or module.startswith(r + ".")]
    assert rooms, f"{module} stands on no floor: add it to FLOORS here and to the README"
    return max(rooms, key=len)


FLOOR = {r: i for i, (_, rs) in enumerate(FLOORS) for r in rs}
EDGES = {m: sorted(set(imports(m))) for m in MODULES if m != "app"}


def _circle(graph: dict[str, set[str]]) -> list[str] | None:
    """One circle of ``graph``, or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_every_module_stands_on_a_floor() -> None:
    for module in EDGES:
        room(module)


def test_no_arrow_runs_up_a_floor() -> None:
    upward = [f"{MODULES[m].relative_to(APP.parent)}:{line} {m} -> {t} "
              f"({FLOORS[FLOOR[room(m)]][0]} -> {FLOORS[FLOOR[room(t)]][0]})"
              for m, targets in EDGES.items() for t, line in targets if FLOOR[room(t)] > FLOOR[room(m)]]
    assert upward == []


def test_no_files_import_each_other_in_a_circle() -> None:
    assert _circle({m: {t for t, _ in ts} for m, ts in EDGES.items()}) is None


def test_no_rooms_import_each_other_in_a_circle() -> None:
    graph: dict[str, set[str]] = {}
    for m, targets in EDGES.items():
        graph.setdefault(room(m), set()).update(room(t) for t, _ in targets if room(t) != room(m))
    assert _circle(graph) is None


@pytest.mark.parametrize("module, source", [
    ("app.dedup.assigner", "def f():\n    from app.ingest.pipeline import store_batch\n"),
    ("app.jobs.render", "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ..services import changes\n"),
    ("app.search.index", "import app.web.routes\n"),
])
def test_the_reader_sees_an_upward_arrow_however_it_is_written(module: str, source: str) -> None:
    found = [t for t, _ in imports(module, source)]
    assert found and all(FLOOR[room(t)] > FLOOR[room(module)] for t in found), found
