"""Text neither database can store (NUL, unpaired surrogates) is refused in one place: a 422 naming
the field on both databases, never a 500 from the driver (PostgreSQL refuses NUL in text, and no
UTF-8 encoder takes a lone surrogate).

The one place is ``app.schemas.common``: ``storable`` behind ``SafeStr``/``NonBlank``/``Id``/
``IdPath``/``ExternalIdPath``/``StorableJson``. The first test walks every served operation's
parameters and body models and fails on any text that bypasses it; the others send the values.
"""

from __future__ import annotations

import json
import types
import typing
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from pydantic import AfterValidator, BaseModel

from app.openapi import EXTRA_MODELS
from app.schemas.common import _storable_json, storable
from tests.conftest import ADMIN, auth, make_posting

# Query parameters that never reach SQL as text: HMAC-signed cursors (a bad one is a 422 before any
# query) and values checked against fixed vocabularies (region codes, section letters, enums).
VOCABULARY_OR_SIGNED = {"cursor", "region", "province", "industry", "education", "job_type", "employer_type", "facets",
                        "sort"}
NUL = "a\x00b"
SURROGATE = "a\ud800b"


def _validators(meta: list[Any]) -> set[Any]:
    return {m.func for m in meta if isinstance(m, AfterValidator)}


def unchecked_text(tp: Any, meta: list[Any], where: str) -> list[str]:
    """Where a ``str`` (or free JSON) in this annotation is not checked by ``storable``."""
    origin = get_origin(tp)
    if origin is Annotated:
        base, *extra = get_args(tp)
        return unchecked_text(base, meta + list(extra), where)
    if tp is str:
        return [] if storable in _validators(meta) else [where]
    if tp is Any or origin is dict:
        if _storable_json in _validators(meta):
            return []
        if origin is dict:
            key, value = get_args(tp)
            return unchecked_text(key, [], where + "{key}") + unchecked_text(value, [], where + "{}")
        return [where]
    if origin in (Union, types.UnionType):
        return [w for arg in get_args(tp) for w in unchecked_text(arg, meta, where)]
    if origin in (list, set, frozenset, tuple):
        return [w for arg in get_args(tp) if arg is not Ellipsis for w in unchecked_text(arg, [], where + "[]")]
    if origin is Literal or tp is type(None):
        return []
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return [w for name, f in tp.model_fields.items()
                for w in unchecked_text(f.annotation, list(f.metadata), f"{where}.{name}")]
    assert isinstance(tp, type) and not issubclass(tp, str), f"{where}: unexpected annotation {tp!r}"
    return []


def _params(dependant: Any) -> list[Any]:
    out = list(dependant.path_params) + list(dependant.query_params) + list(dependant.header_params)
    for sub in dependant.dependencies:
        out += _params(sub)
    return out


def test_every_text_parameter_and_body_field_of_every_operation_is_checked(app: Any) -> None:
    holes: list[str] = []
    routes = [rc for rc in iter_route_contexts(app.routes) if isinstance(rc.original_route, APIRoute)]
    assert len(routes) > 50
    for rc in routes:
        route = rc.original_route
        for param in _params(route.dependant):
            annotation = param.field_info.annotation
            if isinstance(annotation, type) and issubclass(annotation, BaseModel):  # a model of query parameters
                fields = [(name, f.annotation, list(f.metadata)) for name, f in annotation.model_fields.items()]
            else:
                fields = [(param.name, annotation, list(param.field_info.metadata))]
            for name, tp, meta in fields:
                if name not in VOCABULARY_OR_SIGNED:
                    holes += unchecked_text(tp, meta, f"{route.name}:{name}")
        for body in route.dependant.body_params:
            holes += unchecked_text(body.field_info.annotation, [], f"{route.name}:body")
    for model in EXTRA_MODELS:  # bodies the routers parse themselves (the postings)
        holes += unchecked_text(model, [], model.__name__)
    assert holes == [], holes


def test_the_walker_finds_plain_text_and_free_json() -> None:
    class Inner(BaseModel):
        ok: Annotated[str, AfterValidator(storable)]
        bad: list[str]

    class Outer(BaseModel):
        inner: Inner | None
        free: dict[str, Any]
        fine: Literal["a", "b"] = "a"

    assert unchecked_text(Outer, [], "m") == ["m.inner.bad[]", "m.free{key}", "m.free{}"]


def _path_operations(client: TestClient) -> list[tuple[str, str, list[str]]]:
    spec = client.get("/openapi.json").json()
    out = []
    for path, item in spec["paths"].items():
        names = [p["name"] for p in item.get("parameters", [])]
        for method, op in item.items():
            if method == "parameters":
                continue
            params = names + [p["name"] for p in op.get("parameters", []) if p["in"] == "path"]
            if params:
                out.append((method.upper(), path, params))
    return out


def test_nul_in_any_id_of_any_operation_is_a_422_naming_it_for_every_caller(
        client: TestClient, make_partner: Any) -> None:
    _, university = make_partner("university", region_code="440300")
    operations = _path_operations(client)
    assert len(operations) > 25
    for method, path, params in operations:
        for bad in params:
            url = path
            for name in params:
                url = url.replace("{" + name + "}", "a%00b" if name == bad else "x")
            for headers in ({}, ADMIN, auth(university)):
                resp = client.request(method, url, headers=headers, json={} if method in ("POST", "PUT", "PATCH")
                                      else None)
                assert resp.status_code in (401, 403, 422), (method, url, resp.status_code, resp.text)
                assert resp.headers["content-type"] == "application/problem+json"
                if resp.status_code == 422:
                    assert any(e["field"] == bad for e in resp.json()["errors"]), (url, resp.json())


def test_a_connection_stays_usable_after_a_nul_id(live_server: Any) -> None:
    """The 500 used to drop the keep-alive connection; a 422 keeps it."""
    import httpx

    with httpx.Client(base_url=live_server.url) as http:
        first = http.get("/api/v1/jobs/a%00b")
        second = http.get("/api/v1/fairs/a%00b")
        third = http.get("/healthz")
    assert (first.status_code, second.status_code, third.status_code) == (422, 422, 200)


@pytest.fixture
def job_id(client: TestClient, make_partner: Any) -> str:
    _, key = make_partner("recruiter")
    resp = client.post("/api/v1/postings/batch", json={"postings": [make_posting("N1")]}, headers=auth(key))
    assert resp.status_code == 200, resp.text
    return resp.json()["results"][0]["job_id"]  # type: ignore[no-any-return]


def _send(client: TestClient, method: str, url: str, body: dict[str, Any], headers: dict[str, str]) -> Any:
    # json.dumps escapes a lone surrogate as \ud800 (valid JSON text); httpx's json= cannot encode it.
    return client.request(method, url, content=json.dumps(body),
                          headers={**headers, "Content-Type": "application/json"})


FAIR = {"title": "春季双选会", "kind": "regional", "mode": "offline", "region_code": "440300",
        "starts_at": "2030-05-01T09:00:00+08:00", "ends_at": "2030-05-01T17:00:00+08:00"}


@pytest.mark.parametrize("bad", [NUL, SURROGATE], ids=["nul", "surrogate"])
def test_unstorable_ids_and_text_inside_bodies_are_a_422_naming_the_field(
        client: TestClient, make_partner: Any, job_id: str, bad: str) -> None:
    _, university = make_partner("university", region_code="440300")
    uni = auth(university)
    case = client.post("/api/v1/cases", json={"student_ref": "S-1", "category": "low_income"}, headers=uni)
    assert case.status_code == 201, case.text
    fair = client.post("/api/v1/fairs", json=FAIR, headers=uni)
    assert fair.status_code == 201, fair.text
    attempts: list[tuple[str, str, dict[str, Any], dict[str, str], str]] = [
        ("POST", "/api/v1/fairs", {**FAIR, "job_ids": [job_id, bad]}, uni, "job_ids[1]"),
        ("PATCH", f"/api/v1/fairs/{fair.json()['id']}", {"job_ids": [bad]}, uni, "job_ids[0]"),
        ("POST", "/api/v1/fairs", {**FAIR, "title": bad}, uni, "title"),
        ("POST", f"/api/v1/cases/{case.json()['id']}/pushes", {"job_ids": [job_id, bad]}, uni, "job_ids[1]"),
        ("POST", f"/api/v1/admin/jobs/{job_id}/merge", {"into": bad}, ADMIN, "into"),
        ("POST", "/api/v1/partners", {"name": bad, "kind": "university"}, ADMIN, "name"),
        ("POST", "/api/v1/visits", {"employer_name": bad, "visited_at": "2026-05-01T09:00:00+08:00",
                                    "leader_name": "王校长", "region_code": "440300"}, uni, "employer_name"),
        ("POST", "/api/v1/sources", {"url": "https://jobs.example.edu.cn/feed.json", "format": "json",
                                     "interval_seconds": 3600, "mapping": {"defaults": {"title": bad}}},
         uni, "mapping"),
        ("POST", "/api/v1/webhooks", {"url": "https://hooks.example.edu.cn/x", "filters": {"region": [bad]}},
         uni, "filters.region[0]"),
    ]
    for method, url, body, headers, field in attempts:
        resp = _send(client, method, url, body, headers)
        assert resp.status_code == 422, (url, resp.status_code, resp.text)
        assert resp.headers["content-type"] == "application/problem+json"
        assert field in [e["field"] for e in resp.json()["errors"]], (url, resp.json())
    # Nothing half-written: the fair still lists no jobs, the case has no pushes, the job is not merged.
    assert client.get(f"/api/v1/fairs/{fair.json()['id']}").json()["job_ids"] == []
    assert client.get(f"/api/v1/cases/{case.json()['id']}/pushes", headers=uni).json()["items"] == []
    assert client.get(f"/api/v1/jobs/{job_id}").json()["status"] == "open"


@pytest.mark.parametrize("bad", [NUL, SURROGATE], ids=["nul", "surrogate"])
def test_unstorable_text_in_a_pushed_posting_rejects_only_that_posting(
        client: TestClient, partner: tuple[str, str], bad: str) -> None:
    body = {"postings": [make_posting("OK-1"), make_posting("BAD-1", title=bad),
                         make_posting("BAD-2", majors=["数学", bad])]}
    resp = _send(client, "POST", "/api/v1/postings/batch", body, auth(partner[1]))
    if bad == SURROGATE:  # the JSON reader refuses a lone surrogate for the whole body
        assert resp.status_code == 422, resp.text
        assert resp.json()["errors"][0]["field"] == "body"
        return
    assert resp.status_code == 200, resp.text
    results = resp.json()["results"]
    assert [r["status"] for r in results] == ["created", "rejected", "rejected"]
    assert [e["field"] for e in results[1]["errors"]] == ["title"]
    assert [e["field"] for e in results[2]["errors"]] == ["majors[1]"]


def test_nul_in_a_query_text_is_a_422_naming_it(client: TestClient, make_partner: Any) -> None:
    _, university = make_partner("university", region_code="440300")
    for url, headers, field in (("/api/v1/jobs?q=a%00b", {}, "q"), ("/api/v1/jobs?fair=a%00b", {}, "fair"),
                                ("/api/v1/jobs/feed.rss?q=a%00b", {}, "q"),
                                ("/api/v1/visits?leader=a%00b", auth(university), "leader")):
        resp = client.get(url, headers=headers)
        assert resp.status_code == 422, (url, resp.text)
        assert field in [e["field"] for e in resp.json()["errors"]]


def test_nul_in_an_idempotency_key_is_a_422(client: TestClient, partner: tuple[str, str]) -> None:
    resp = client.post("/api/v1/postings/batch", json={"postings": [make_posting("K1")]},
                       headers={**auth(partner[1]), "Idempotency-Key": "k\x00y"})
    assert resp.status_code == 422, resp.text
    assert [e["field"] for e in resp.json()["errors"]] == ["Idempotency-Key"], resp.text


assert typing  # the walker reads typing's own objects


@pytest.mark.parametrize("bad", [NUL, SURROGATE], ids=["nul", "surrogate"])
def test_a_rejected_unstorable_external_id_is_echoed_as_null_and_its_answer_kept_for_replay(
        client: TestClient, partner: tuple[str, str], bad: str) -> None:
    """Found by bench/fuzz.py on PostgreSQL: the batch's answer echoed the id, and keeping the answer
    for its Idempotency-Key (jsonb) refused \\u0000 with a 500."""
    body = {"postings": [make_posting("OK-1"), make_posting(bad)]}
    headers = {**auth(partner[1]), "Idempotency-Key": f"replay-{len(bad)}-{bad == NUL}"}
    first = client.post("/api/v1/postings/batch", json=body, headers=headers) if bad == NUL \
        else _send(client, "POST", "/api/v1/postings/batch", body, headers)
    if bad == SURROGATE:  # the JSON reader refuses the whole body before any posting is read
        assert first.status_code == 422 and first.json()["errors"][0]["field"] == "body"
        return
    assert first.status_code == 200, first.text
    results = first.json()["results"]
    assert [(r["external_id"], r["status"]) for r in results] == [("OK-1", "created"), (None, "rejected")]
    assert [e["field"] for e in results[1]["errors"]] == ["external_id"]
    again = client.post("/api/v1/postings/batch", json=body, headers=headers)
    assert again.status_code == 200 and again.json() == first.json()


def test_the_shared_rule_itself() -> None:
    """``storable`` and its helpers directly (survivors of bench/mutate.py's run over common.py)."""
    from pydantic import TypeAdapter, ValidationError

    from app.schemas.common import UNSTORABLE_MESSAGE, NonBlank, StorableJson, storable_or_none

    assert storable_or_none("JOB-1") == "JOB-1" and storable_or_none("a\x00b") is None
    assert storable_or_none(7) is None and storable_or_none("a\ud800") is None
    for bad in ({"k\x00": 1}, {"a": [{"b": ["ok", "x\x00"]}]}, {"a": {"b": "\udc00"}}):
        with pytest.raises(ValidationError, match="NUL"):
            TypeAdapter(StorableJson).validate_python(bad)
    assert TypeAdapter(StorableJson).validate_python({"a": [{"b": ["ok", 1, None]}]}) == {"a": [{"b": ["ok", 1, None]}]}
    with pytest.raises(ValidationError) as caught:
        TypeAdapter(NonBlank).validate_python("a\x00")
    assert UNSTORABLE_MESSAGE in str(caught.value)
    with pytest.raises(ValidationError, match="must not be empty"):
        TypeAdapter(NonBlank).validate_python("  \t")
