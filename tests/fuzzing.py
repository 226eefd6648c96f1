"""The stateful fuzzer the suite (``tests/test_openapi_fuzz.py``) and ``bench/fuzz.py`` share.

Two university partners (A in Shenzhen, B in Beijing) and the admin. Each step of a scenario is
made by one of them, in a fixed rotation (A, A, B, A, admin), so a scenario has A read, change or
cancel what it created through the document's links, B try the same ids (404: another partner's
objects), and the admin reach A's postings through dedup's admin operations. Operations only the
admin may call always go as the admin.

Every scenario starts from the same database: wiped, then seeded through the API by the machine
itself (partners, postings, a fair, a case file, a visit, a feed source, a webhook), and the seeds'
answers go into the machine's bundles, so the links start from real objects even when the
fuzzer's own bodies are refused. A replayed scenario therefore meets the same state.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import schemathesis
from schemathesis.config._phases import InferenceConfig
from schemathesis.generation.stateful.state_machine import StepOutput
from sqlalchemy import inspect

from app.db import Database
from app.search import facets
from tests.conftest import ADMIN, auth, make_posting

# What must never reach a caller: Python tracebacks and source paths, SQL and driver messages.
INTERNALS = re.compile(r"Traceback|File \"|\.py\b|/work/|/usr/|site-packages|\bSELECT\b|\bINSERT INTO\b|"
                       r"\bUPDATE \w+ SET\b|\bDELETE FROM\b|psycopg|sqlalchemy|sqlite3|IntegrityError|"
                       r"DataError|OperationalError|KeyError|IndexError|TypeError|AttributeError", re.I)


@schemathesis.check
def no_internals_in_errors(ctx: Any, response: Any, case: Any) -> bool | None:
    """An error body holds no traceback, source path or SQL."""
    if response.status_code >= 400 and (found := INTERNALS.search(response.text or "")):
        raise AssertionError(f"error body gives away internals ({found.group(0)!r}): {response.text[:300]}")
    return None


CALLS: Counter[tuple[str, str, int]] = Counter()  # (role, operationId, status) → calls, for bench/fuzz.py
_ROLE = ["-"]


@contextmanager
def role(name: str) -> Iterator[None]:
    """Calls checked inside are counted under this role (``record_call``)."""
    _ROLE.append(name)
    try:
        yield
    finally:
        _ROLE.pop()


@schemathesis.check
def record_call(ctx: Any, response: Any, case: Any) -> bool | None:
    """Not a check: counts each answer by role, operation and status for bench/fuzz.py's figures."""
    CALLS[(_ROLE[-1], case.operation.definition.raw.get("operationId", case.operation.label),
           response.status_code)] += 1
    return None


def write_report(path: str) -> None:
    with open(path, "w") as out:
        json.dump([[r, op, status, n] for (r, op, status), n in sorted(CALLS.items())], out)


ADMIN_ONLY = {"post_partner", "get_partners", "get_one_partner", "post_key", "delete_keys",
              "explain_posting", "split_posting", "merge_job", "get_employer"}
ROTATION = ("a", "a", "b", "a", "admin")
# Private addresses the hub may use while fuzzing (HUB_SYNC_ALLOW_PRIVATE): nothing listens there.
DEAD_URL = "http://127.0.0.1:9"

SEED_POSTINGS = [
    make_posting("SEED-1"),
    make_posting("SEED-2", title="会计", locations=[{"region_code": "110105"}], salary="6千-8千"),
    make_posting("SEED-3", title="护士", locations=["浙江省杭州市西湖区"], salary="面议"),
]
SEEDS: list[tuple[str, str, dict[str, Any]]] = [  # (method, path, body) made by partner A
    ("POST", "/api/v1/postings/batch", {"postings": SEED_POSTINGS}),
    ("PUT", "/api/v1/postings/{external_id}", make_posting("SEED-4", title="数据分析师",
                                                           locations=[{"region_code": "310115"}])),
    ("POST", "/api/v1/fairs", {"title": "春季双选会", "kind": "campus", "mode": "offline", "region_code": "440300",
                               "starts_at": "2030-05-01T09:00:00+08:00", "ends_at": "2030-05-01T17:00:00+08:00"}),
    ("POST", "/api/v1/cases", {"student_ref": "S-0001", "category": "low_income", "region_codes": ["440300"]}),
    ("POST", "/api/v1/visits", {"employer_name": "深圳市腾讯计算机系统有限公司", "leader_name": "王校长",
                                "visited_at": "2026-05-01T09:00:00+08:00", "region_code": "440305"}),
    ("POST", "/api/v1/sources", {"url": f"{DEAD_URL}/feed.json", "format": "json", "interval_seconds": 3600}),
    ("POST", "/api/v1/webhooks", {"url": f"{DEAD_URL}/hook"}),
]


@dataclass
class Roles:
    a: dict[str, str]
    b: dict[str, str]
    admin: dict[str, str] = field(default_factory=lambda: dict(ADMIN))

    def headers(self, operation_id: str, step: int) -> dict[str, str]:
        if operation_id in ADMIN_ONLY:
            return dict(self.admin)
        return dict(getattr(self, ROTATION[step % len(ROTATION)]))


def wipe(db: Database) -> None:
    """Empty every table (the schema and its migration stamp stay), as a fresh database would be."""
    with db.write() as session:
        conn = session.connection()
        names = [t for t in inspect(conn).get_table_names() if t not in ("alembic_version", "counters")]
        if db.sqlite:
            conn.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
            for name in names:
                if name == "search_fts":  # contentless FTS5: its own command, not DELETE
                    conn.exec_driver_sql("INSERT INTO search_fts(search_fts) VALUES ('delete-all')")
                elif not name.startswith("search_fts_"):  # the FTS table's shadow tables follow it
                    conn.exec_driver_sql(f'DELETE FROM "{name}"')
        else:
            conn.exec_driver_sql("TRUNCATE " + ", ".join(f'"{n}"' for n in names) + " CASCADE")
        conn.exec_driver_sql("UPDATE counters SET value = 0")
    facets.CACHE.items.clear()  # keyed by a version that starts again from 0


def stateful_machine(schema: Any, db: Database, checks: list[Any]) -> Any:
    """The schema's state machine: each scenario wipes ``db`` and seeds it, each step goes as its
    role and runs ``checks``. The class gathers the operationIds that answered 2xx (``succeeded``),
    every (operationId, status) seen (``statuses``) and the scenarios run."""
    # Only the links the document serves: schemathesis would also infer some (e.g. GET /me's id →
    # DELETE /partners/{id}/keys, which locks partner A out for the rest of a scenario).
    schema.config.phases.stateful.inference = InferenceConfig(algorithms=[])
    ids = {op.label: op.definition.raw.get("operationId", op.label)
           for op in (r.ok() for r in schema.get_all_operations())}

    class HubMachine(schema.as_state_machine()):  # type: ignore[misc]
        succeeded: set[str] = set()
        statuses: Counter[tuple[str, int]] = Counter()
        scenarios = 0

        def setup(self) -> None:
            HubMachine.scenarios += 1
            self.steps = 0
            wipe(db)
            # Not offered to the links (a revoked key would leave A locked out for the scenario).
            a = self._seed("POST", "/api/v1/partners", {"name": "深圳大学", "kind": "university",
                                                        "region_code": "440300"}, ADMIN, link=False)
            b = self._seed("POST", "/api/v1/partners", {"name": "北京大学", "kind": "university",
                                                        "region_code": "110000"}, ADMIN, link=False)
            self.roles = Roles(a=auth(a["api_key"]), b=auth(b["api_key"]))
            for method, path, body in SEEDS:
                params = {"external_id": body["external_id"]} if "{external_id}" in path else None
                self._seed(method, path, body, self.roles.a, params)

        def _seed(self, method: str, path: str, body: dict[str, Any], headers: dict[str, str],
                  path_parameters: dict[str, Any] | None = None, link: bool = True) -> Any:
            case = schema[path][method].Case(body=body, path_parameters=path_parameters)
            self.recorder.record_case(case=case)
            response = case.call(headers=headers)
            assert response.status_code in (200, 201), (method, path, response.text)
            self.recorder.record_response(case_id=case.id, response=response)
            if link:
                self._add_results_to_targets((), [StepOutput(response, case)])  # links start from it
            return response.json()

        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            self.steps += 1
            return {"headers": self.roles.headers(ids[case.operation.label], self.steps)}

        def validate_response(self, response: Any, case: Any, additional_checks: Any = None,
                              **kwargs: Any) -> None:
            op = ids[case.operation.label]
            HubMachine.statuses[(op, response.status_code)] += 1
            if 200 <= response.status_code < 300:
                HubMachine.succeeded.add(op)
            case.validate_response(response, checks=checks, transport_kwargs=kwargs or None)

    return HubMachine

