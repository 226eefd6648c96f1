"""The route inventory: every served route is in the OpenAPI document and every documented operation
is served; a method a path does not take is a 405 problem; no error body gives away internals
(a traceback, SQL, a file path)."""

from __future__ import annotations

import re
from typing import Any

from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from starlette.routing import Match

from tests.conftest import ADMIN, auth
from tests.fuzzing import INTERNALS

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
# Served but deliberately outside the API document: the students' pages and the document itself.
PAGES = {("GET", "/"), ("GET", "/jobs/{job_id}"), ("GET", "/employers/{employer_id}"), ("GET", "/fairs"),
         ("GET", "/fairs.ics"), ("GET", "/fairs/{fair_id}"), ("GET", "/fairs/{fair_id}.ics"), ("GET", "/robots.txt"),
         ("GET", "/sitemap.xml"), ("GET", "/sitemaps/pages.xml"), ("GET", "/sitemaps/jobs-{start}.xml"),
         ("GET", "/static/{name}"), ("GET", "/openapi.json"), ("GET", "/docs"),
         ("GET", "/docs/assets/{name}"), ("GET", "/redoc")}
# The operators' console (staff users sign in; docs/console.md).
CONSOLE_GET = ("", "/sign-in", "/static/{name}", "/staff", "/university", "/university/visits",
               "/university/visits/{visit_id}", "/university/cases", "/university/cases/new",
               "/university/cases/{case_id}", "/university/coverage", "/university/audit", "/university/fairs",
               "/university/fairs/{fair_id}",
               "/province", "/province/report", "/province/linkup", "/ministry", "/ministry/trends",
               "/ministry/map", "/ministry/provinces/{code}")
CONSOLE_POST = ("/sign-in", "/sign-out", "/staff", "/staff/{user_id}", "/university/visits",
                "/university/visits/{visit_id}", "/university/visits/{visit_id}/delete", "/university/cases",
                "/university/cases/{case_id}", "/university/cases/{case_id}/pushes",
                "/university/cases/{case_id}/records", "/university/cases/{case_id}/erase", "/university/fairs",
                "/university/fairs/{fair_id}", "/university/fairs/{fair_id}/cancel",
                "/province/report")
PAGES |= {("GET", "/console" + p) for p in CONSOLE_GET} | {("POST", "/console" + p) for p in CONSOLE_POST}


def served_routes(app: Any) -> set[tuple[str, str]]:
    out = set()
    for rc in iter_route_contexts(app.routes):
        methods = getattr(rc.original_route, "methods", None) or set()
        out |= {(m, rc.path) for m in methods if m != "HEAD"}
    return out


def documented(client: TestClient) -> dict[tuple[str, str], dict[str, Any]]:
    spec = client.get("/openapi.json").json()
    return {(m.upper(), path): op for path, item in spec["paths"].items() for m, op in item.items()
            if m.upper() in METHODS}


def test_every_served_route_is_documented_and_every_documented_operation_served(
        app: Any, client: TestClient) -> None:
    served = served_routes(app)
    docs = set(documented(client))
    assert served - PAGES == docs
    assert served >= PAGES
    api_routes = {(m, rc.path) for rc in iter_route_contexts(app.routes) if isinstance(rc.original_route, APIRoute)
                  and rc.original_route.include_in_schema for m in rc.original_route.methods}
    assert api_routes == docs


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "x0", path)


def _served_by_another_route(app: Any, method: str, url: str) -> bool:
    scope = {"type": "http", "method": method, "path": url, "root_path": "", "query_string": b"", "headers": []}
    return any(getattr(rc, "matches", None) is not None and rc.matches(scope)[0] == Match.FULL
               for rc in iter_route_contexts(app.routes))


def test_a_method_a_path_does_not_take_is_a_405_problem_naming_the_allowed_ones(
        app: Any, client: TestClient) -> None:
    docs = documented(client)
    paths = {path for _, path in docs} | {p for _, p in PAGES if not p.startswith("/docs")}
    checked = 0
    for path in sorted(paths):
        url = _concrete(path)
        allowed = {m for m, p in docs if p == path} | {m for m, p in PAGES if p == path}
        for method in METHODS:
            if method in allowed or _served_by_another_route(app, method, url):
                continue
            for headers in ({}, ADMIN, {"Accept": "application/json"}):
                resp = client.request(method, url, headers=headers)
                assert resp.status_code == 405, (method, url, resp.status_code)
                assert resp.headers["content-type"] == "application/problem+json", (method, url)
                assert resp.json()["status"] == 405 and resp.json()["title"] == "Method not allowed"
                assert {m.strip() for m in resp.headers["allow"].split(",")} >= allowed, (method, url)
            checked += 1
    assert checked > 100


def test_no_error_body_gives_away_internals(client: TestClient, make_partner: Any) -> None:
    """Every documented operation, with the errors a stranger can provoke: no key, a wrong key, an id
    that does not exist or holds NUL, a body that is not JSON, of the wrong shape, or nested deep."""
    _, key = make_partner("university", region_code="440300")
    bodies: list[Any] = [None, b"\xff\xfe", b"[" * 5000, b'{"a": ', b"[]", b'{"unknown": 1}', b'"x"']
    seen = 0
    for (method, path), _ in sorted(documented(client).items()):
        for ids in ("x0", "a%00b", "%E2%80%AE" * 30):
            url = re.sub(r"\{[^}]+\}", ids, path)
            for headers in ({}, auth("hub_bad_key"), auth(key), ADMIN):
                for body in bodies if method in ("POST", "PUT", "PATCH") else [None]:
                    resp = client.request(method, url, content=body,
                                          headers={**headers, "Content-Type": "application/json"})
                    if resp.status_code < 400:
                        continue
                    seen += 1
                    assert resp.status_code < 500, (method, url, body, resp.text)
                    assert resp.headers["content-type"] == "application/problem+json", (method, url)
                    assert not INTERNALS.search(resp.text), (method, url, resp.text)
    assert seen > 1000
