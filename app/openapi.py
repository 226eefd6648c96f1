"""The served OpenAPI: stable operationIds, every error as one ``Problem`` under
``application/problem+json``, the schemas of bodies routers parse themselves, and the links from
creating operations to those that take their ids (``app.openapi_links``); with the prose
(``openapi_text``: introduction, tag and operation descriptions), examples (``openapi_examples``),
the webhook the hub calls (``webhooks``) and the package version.

Fuzzers and generated clients lean on it: a client's method names are the operationIds (the
endpoint functions' names, so renaming one is a visible API change), and a fuzzer checks every
status and content type an operation answers against what the document says.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute
from pydantic import BaseModel

from app import __version__
from app.api import webhook_events
from app.openapi_examples import DELIVERY, attach_examples
from app.openapi_links import add_links
from app.openapi_text import API_DESCRIPTION, DESCRIPTIONS, TAGS
from app.schemas.common import FieldError, Problem
from app.schemas.posting import PostingBatchIn, PostingIn

EXTRA_MODELS: list[type[BaseModel]] = [PostingIn, PostingBatchIn]
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
PROBLEM = "application/problem+json"
ERROR_DESCRIPTIONS = {
    400: "Bad request (e.g. a Host this server does not answer for)",
    401: "No API key or token, or one that is not valid or has been revoked",
    403: "Not allowed with this credential (e.g. a partner key on an admin operation)",
    404: "Not found (also another partner's objects)",
    405: "Method not allowed",
    409: "Conflict (e.g. an idempotent request still in progress)",
    410: "Gone: the cursor is older than the change log keeps; re-sync from the snapshot",
    413: "The body is over HUB_MAX_BODY_BYTES",
    422: "Invalid input; `errors` names each bad field",
    429: "Too many requests (the rate limit of the client address or API key); wait `Retry-After` seconds",
    503: "Not ready",
}


def operation_id(route: APIRoute) -> str:
    """An operation's id is its endpoint function's name (``get_one_fair``): short and stable."""
    return route.name


RATE_LIMIT_HEADERS = {
    "Retry-After": {"description": "Seconds to wait before the next request", "schema": {"type": "integer"}},
    "RateLimit": {"description": "IETF draft: the closest limit's quota left (`r`) and seconds to its reset (`t`)",
                  "schema": {"type": "string"}},
    "RateLimit-Policy": {"description": "IETF draft: every limit, as quota (`q`) per window (`w`, seconds)",
                         "schema": {"type": "string"}},
}
UNLIMITED = {"/healthz", "/readyz", "/metrics"}  # app.ratelimit.EXEMPT


def _error_codes(op: dict[str, Any], path: str = "") -> set[int]:
    """The error statuses an operation can answer: those it declares, and those every operation
    of its kind can (422 for any input, 401/403 behind a credential, 404 for an id, 413 for a body,
    429 past a rate limit)."""
    codes = {int(c) for c in op.get("responses", {}) if str(c).isdigit() and int(c) >= 400}
    if path not in UNLIMITED:
        codes.add(429)
    if op.get("parameters") or op.get("requestBody"):
        codes.add(422)
    if op.get("security"):
        codes |= {401, 403}
    if any(p.get("in") == "path" for p in op.get("parameters", [])):
        codes.add(404)
    if op.get("requestBody"):
        codes.add(413)
    return codes


def document_errors(schema: dict[str, Any]) -> None:
    """Every error response of every operation: ``application/problem+json`` with the one ``Problem``."""
    for path, item in schema["paths"].items():
        for op in item.values():
            responses = op.setdefault("responses", {})
            for code in sorted(_error_codes(op, path)):
                old = responses.pop(str(code), None) or responses.pop(code, None) or {}
                description = old.get("description")
                if not description or description == "Problem details":
                    description = ERROR_DESCRIPTIONS.get(code, "Problem details")
                responses[str(code)] = {"description": description,
                                        "content": {PROBLEM: {"schema": PROBLEM_REF}}}
                if code == 429:
                    responses[str(code)]["headers"] = RATE_LIMIT_HEADERS
            op["responses"] = dict(sorted(responses.items()))


def check_operation_ids(schema: dict[str, Any]) -> None:
    """Refuse to serve a document where two operations share an id (a generated client would break)."""
    ids = [op.get("operationId") for item in schema["paths"].values() for op in item.values()]
    missing = [i for i in ids if not i]
    twice = sorted(i for i, n in Counter(ids).items() if i and n > 1)
    if missing or twice:
        raise RuntimeError(f"OpenAPI operationIds must be unique and present; repeated: {twice}")


def describe(schema: dict[str, Any]) -> None:
    """Each operation without a description (no docstring on its endpoint) gets its entry in
    ``DESCRIPTIONS``; an operation with neither is left bare, which a test refuses."""
    for item in schema["paths"].values():
        for op in item.values():
            if not op.get("description") and op.get("operationId") in DESCRIPTIONS:
                op["description"] = DESCRIPTIONS[op["operationId"]]


def build_openapi(app: FastAPI) -> dict[str, Any]:
    schema = get_openapi(title=app.title, version=__version__, description=API_DESCRIPTION, routes=app.routes,
                         tags=TAGS, webhooks=app.webhooks.routes,
                         license_info={"name": "Apache-2.0", "identifier": "Apache-2.0"})
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    models: list[type[BaseModel]] = [*EXTRA_MODELS, Problem, FieldError]
    for model in models:
        js = model.model_json_schema(ref_template="#/components/schemas/{model}")
        components.update(js.pop("$defs", {}))
        components[model.__name__] = js
    for unused in ("HTTPValidationError", "ValidationError"):
        components.pop(unused, None)
    document_errors(schema)
    describe(schema)
    attach_examples(schema)
    for item in schema.get("webhooks", {}).values():  # what the hub sends: no validation answer of ours
        for op in item.values():
            op["responses"].pop("422", None)
            op["requestBody"]["content"]["application/json"]["examples"] = {
                "example": {"summary": "An upsert and a delete", "value": DELIVERY}}
    check_operation_ids(schema)
    add_links(schema)
    return schema


def install_openapi(app: FastAPI) -> None:
    app.webhooks.include_router(webhook_events.router)

    def openapi() -> dict[str, Any]:
        if not app.openapi_schema:
            app.openapi_schema = build_openapi(app)
        return app.openapi_schema

    # FastAPI's documented way to customise the schema; mypy forbids assigning to a method
    app.openapi = openapi  # type: ignore[method-assign]
