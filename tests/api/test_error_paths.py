"""The error paths themselves (app/errors.py): the problem+json body, field paths built from pydantic's
``loc``, the messages for bodies that cannot be decoded, 401's challenge and 405's ``Allow``.

Written from the mutation run (bench/mutate.py errors): each assertion fails on a small bug that the
endpoint tests let through, e.g. an ``Allow`` list from one route only or a ``WWW-Authenticate`` dropped.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.exceptions import HTTPException

from app.errors import (
    PROBLEM,
    HubError,
    NotFound,
    Unauthorized,
    _is_union_tag,
    body_error_message,
    field_error,
    install_error_handlers,
    loc_to_field,
    problem_response,
    pydantic_errors,
    undecodable_body,
)


def test_a_401_challenges_for_a_bearer_key_and_says_what_is_missing(client: TestClient) -> None:
    err = Unauthorized()
    assert (err.status, err.title, err.detail, err.errors) == (401, "Unauthorized", "A valid API key is required", None)
    assert err.headers == {"WWW-Authenticate": "Bearer"}
    assert Unauthorized("revoked").detail == "revoked"
    assert str(Unauthorized("revoked")) == "revoked"

    resp = client.get("/api/v1/me")
    assert resp.status_code == 401
    assert resp.headers["www-authenticate"] == "Bearer"
    assert resp.headers["content-type"] == PROBLEM
    assert resp.json() == {"type": "about:blank", "title": "Unauthorized", "status": 401,
                           "detail": "A valid API key is required", "instance": "/api/v1/me"}


def test_a_hub_error_without_detail_says_its_title() -> None:
    err = NotFound()
    assert (err.status, err.detail, str(err), err.errors, err.headers) == (404, "Not found", "Not found", None, {})
    err = HubError("boom", errors=[{"field": "x"}], headers={"X-A": "1"})
    assert (err.status, err.detail, err.errors, err.headers) == (500, "boom", [{"field": "x"}], {"X-A": "1"})


@pytest.mark.parametrize("item, tag", [
    ("SalaryIn", True), ("str", True), ("constrained-str", True), ("int", True), ("list[str]", True),
    ("function-after[check(), str]", True), ("title", False), ("region_code", False), ("", False),
    (3, False), (None, False), ("integer", False),
])
def test_union_tags_are_told_from_field_names(item: Any, tag: bool) -> None:
    assert _is_union_tag(item) is tag


@pytest.mark.parametrize("loc, field", [
    (("body", "postings", 3, "title"), "postings[3].title"),
    (("body", "postings", 12, "locations", 1, "region_code"), "postings[12].locations[1].region_code"),
    (("body", "majors", 1), "majors[1]"),
    (("body", "salary", "SalaryIn", "min"), "salary.min"),
    (("body", "salary", "int"), "salary"),
    (("body",), "body"),
    ((), "body"),
    (["body", "name"], "name"),
    (("query", "limit"), "limit"),
    (("query", "SalaryIn"), "SalaryIn"),  # a parameter's own name, even one that looks like a union tag
    (("query", "region", 0), "region[0]"),
    (("path", "job_id"), "job_id"),
    (("header", "Idempotency-Key"), "Idempotency-Key"),
    (("cookie", "session"), "session"),
    (("cookie", "Session"), "Session"),  # a parameter's own name, even one that looks like a union tag
    (("body", "filters", "query"), "filters.query"),  # a field named like a location, once inside the body
    (("body", "query", "body"), "query.body"),
    ((0, "title"), "[0].title"),
    (("path",), "body"),
])
def test_loc_becomes_a_field_path(loc: Any, field: str) -> None:
    assert loc_to_field(loc) == field


def test_pydantic_errors_name_fields_keep_types_and_drop_repeats() -> None:
    errors = pydantic_errors([
        {"type": "missing", "loc": ("body", "postings", 1, "title"), "msg": "Field required"},
        {"type": "missing", "loc": ("body", "postings", 1, "title"), "msg": "Field required"},
        {"type": "string_too_long", "loc": ("body", "postings", 1, "title"), "msg": "too long"},
        {"loc": ("body", "tags", 2)},
        {"type": "int_parsing", "loc": ("query", "limit"), "msg": "x" * 400},
    ])
    assert errors == [
        {"field": "postings[1].title", "message": "Field required", "type": "missing"},
        {"field": "postings[1].title", "message": "too long", "type": "string_too_long"},
        {"field": "tags[2]", "message": "invalid", "type": "value_error"},
        {"field": "limit", "message": "x" * 300, "type": "int_parsing"},
    ]


def test_an_error_without_a_location_is_about_the_body() -> None:
    assert pydantic_errors([{"type": "model_type", "msg": "not an object"}]) == [
        {"field": "body", "message": "not an object", "type": "model_type"}]
    assert field_error("title", "too long") == {"field": "title", "message": "too long", "type": "value_error"}


def test_pydantic_errors_under_a_prefix() -> None:
    raw = [{"type": "missing", "loc": ("title",), "msg": "Field required"},
           {"type": "too_short", "loc": (1,), "msg": "short"},
           {"type": "model_type", "loc": (), "msg": "not an object"}]
    assert [e["field"] for e in pydantic_errors(raw, prefix="postings[4]")] == [
        "postings[4].title", "postings[4][1]", "postings[4]"]
    assert [e["field"] for e in pydantic_errors(raw)] == ["title", "[1]", "body"]


def test_invalid_json_is_reported_on_the_body_with_its_position() -> None:
    [err] = pydantic_errors([{"type": "json_invalid", "loc": ("body", 17), "msg": "JSON decode error",
                              "ctx": {"error": "Expecting value"}}])
    assert err == {"field": "body", "message": "not valid JSON: Expecting value at position 17", "type": "json_invalid"}
    [err] = pydantic_errors([{"type": "json_invalid", "loc": ("body",), "msg": "JSON decode error"}])
    assert err == {"field": "body", "message": "not valid JSON: invalid", "type": "json_invalid"}


def _raised_from(cause: BaseException | None) -> HTTPException:
    exc = HTTPException(400, "There was an error parsing the body")
    exc.__cause__ = cause
    return exc


def test_which_400s_are_undecodable_bodies_and_what_they_say() -> None:
    bad = b'{"a": "\xff"}'
    try:
        bad.decode()
    except UnicodeDecodeError as exc:
        utf8 = exc
    assert undecodable_body(_raised_from(utf8))
    assert undecodable_body(_raised_from(json.JSONDecodeError("Expecting value", "x", 0)))
    assert undecodable_body(_raised_from(RecursionError()))
    assert not undecodable_body(_raised_from(None))
    assert not undecodable_body(_raised_from(TypeError()))
    assert body_error_message(utf8) == "not UTF-8: byte 0xff at position 7"
    assert body_error_message(RecursionError()) == "nested too deeply"
    assert body_error_message(json.JSONDecodeError("Expecting value", "x", 0)) == "not valid JSON"
    assert body_error_message(None) == "not valid JSON"


def test_a_problem_body_holds_exactly_what_was_given() -> None:
    resp = problem_response(409, "Conflict", "taken")
    assert resp.status_code == 409
    assert resp.media_type == PROBLEM
    assert json.loads(resp.body) == {"type": "about:blank", "title": "Conflict", "status": 409, "detail": "taken"}
    resp = problem_response(422, "Validation failed", "see errors", errors=[], headers={"X-B": "2"}, instance="/x")
    assert json.loads(resp.body) == {"type": "about:blank", "title": "Validation failed", "status": 422,
                                     "detail": "see errors", "instance": "/x", "errors": []}
    assert resp.headers["x-b"] == "2"


def _small_app() -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/things/{thing}")
    def get_thing(thing: str) -> dict[str, str]:
        if thing == "teapot":
            raise HTTPException(418, "short and stout")
        if thing == "big":
            raise HTTPException(413, "too big")
        if thing == "crash":
            raise RuntimeError("/srv/hub/app/secret.py line 3: SELECT * FROM partners")
        return {"thing": thing}

    @app.delete("/things/{thing}")
    def delete_thing(thing: str) -> None:
        return None

    @app.put("/things/{thing}")
    def put_thing(thing: str) -> None:
        return None

    @app.post("/others")
    def post_other() -> None:
        return None

    return app


def test_a_405_allows_every_method_of_every_route_at_the_path() -> None:
    client = TestClient(_small_app())
    resp = client.post("/things/a")
    assert resp.status_code == 405
    assert resp.headers["allow"] == "DELETE, GET, PUT"
    assert resp.headers["content-type"] == PROBLEM
    body = resp.json()
    assert (body["title"], body["status"], body["instance"]) == ("Method not allowed", 405, "/things/a")
    resp = client.get("/others")
    assert (resp.status_code, resp.headers["allow"]) == (405, "POST")


def test_http_errors_keep_their_status_and_get_a_title(caplog: pytest.LogCaptureFixture) -> None:
    client = TestClient(_small_app(), raise_server_exceptions=False)
    resp = client.get("/nowhere")
    assert (resp.status_code, resp.json()["title"], resp.json()["detail"]) == (404, "Not found", "Not Found")
    assert "allow" not in resp.headers
    resp = client.get("/things/big")
    assert (resp.status_code, resp.json()["title"], resp.json()["detail"]) == (413, "Payload too large", "too big")
    resp = client.get("/things/teapot")
    assert (resp.status_code, resp.json()["title"], resp.json()["detail"]) == (418, "Error", "short and stout")
    with caplog.at_level(logging.ERROR, logger="hub.errors"):
        resp = client.get("/things/crash")
    assert resp.status_code == 500
    assert resp.headers["content-type"] == PROBLEM
    assert resp.json() == {"type": "about:blank", "title": "Internal error", "status": 500,
                           "detail": "Something went wrong on our side."}
    assert any(r.message == "unhandled error" and r.exc_info for r in caplog.records)
