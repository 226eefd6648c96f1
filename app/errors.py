"""Errors, rendered once as RFC 9457 problem details.

    HubError (500)
    ├── BadRequest (400)
    ├── Unauthorized (401)          no, bad or revoked API key
    ├── Forbidden (403)             a partner key on an admin endpoint
    ├── NotFound (404)              also another partner's objects
    ├── Conflict (409)
    ├── Gone (410)
    ├── PayloadTooLarge (413)
    ├── ValidationFailed (422)      carries ``errors``, one per bad field
    └── TooManyRequests (429)       carries ``Retry-After``
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.routing import iter_route_contexts
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from app.jsonutil import dumps

log = logging.getLogger("hub.errors")
PROBLEM = "application/problem+json"


class HubError(Exception):
    status = 500
    title = "Internal error"
    type = "about:blank"

    def __init__(self, detail: str = "", *, errors: list[dict[str, Any]] | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        self.errors = errors
        self.headers = headers or {}


class BadRequest(HubError):
    status, title = 400, "Bad request"


class Unauthorized(HubError):
    status, title = 401, "Unauthorized"

    def __init__(self, detail: str = "A valid API key is required") -> None:
        super().__init__(detail, headers={"WWW-Authenticate": "Bearer"})


class Forbidden(HubError):
    status, title = 403, "Forbidden"


class NotFound(HubError):
    status, title = 404, "Not found"


class Conflict(HubError):
    status, title = 409, "Conflict"


class Gone(HubError):
    status, title = 410, "Gone"


class PayloadTooLarge(HubError):
    status, title = 413, "Payload too large"


class ValidationFailed(HubError):
    status, title = 422, "Validation failed"


class TooManyRequests(HubError):
    status, title = 429, "Too many requests"


def field_error(loc: str, msg: str, type_: str = "value_error") -> dict[str, Any]:
    return {"field": loc, "message": msg, "type": type_}


def _is_union_tag(item: Any) -> bool:
    """Pydantic puts the union member's type name in ``loc`` (``SalaryIn``, ``str``, ``constrained-str``)."""
    return isinstance(item, str) and (item[:1].isupper() or "[" in item or item in ("str", "constrained-str", "int"))


def loc_to_field(loc: tuple[Any, ...] | list[Any]) -> str:
    """``("body", "postings", 3, "title")`` → ``postings[3].title``."""
    parts: list[str] = []
    if len(loc) >= 2 and loc[0] in ("query", "path", "header", "cookie"):
        parts.append(str(loc[1]))  # a parameter's own name, even one that looks like a union tag
        loc = loc[2:]
    elif loc and loc[0] in ("body", "query", "path", "header", "cookie"):
        loc = loc[1:]  # only where the value came from: a body field may be named "query" or "body"
    for item in loc:
        if _is_union_tag(item):
            continue
        if isinstance(item, int):
            parts.append(f"[{item}]")
        else:
            parts.append(("." if parts else "") + str(item))
    return "".join(parts) or "body"


def pydantic_errors(errors: list[Any], prefix: str = "") -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for err in errors:
        if err.get("type") == "json_invalid":  # FastAPI's loc is ("body", <character offset>)
            pos = (err.get("loc") or ())[1:]
            err = {**err, "loc": ("body",), "msg": f"not valid JSON: {(err.get('ctx') or {}).get('error', 'invalid')}"
                   + (f" at position {pos[0]}" if pos else "")}
        field = loc_to_field(err.get("loc", ()))
        if prefix:
            field = prefix if field == "body" else f"{prefix}.{field}" if not field.startswith("[") else prefix + field
        msg = str(err.get("msg", "invalid"))[:300]
        if (field, msg) in seen:
            continue
        seen.add((field, msg))
        out.append(field_error(field, msg, str(err.get("type", "value_error"))))
    return out


def undecodable_body(exc: BaseException) -> bool:
    """FastAPI answers a JSON body it cannot decode (bytes that are not UTF-8, nesting too deep for
    ``json.loads``) with a bare 400 raised from the decoding error; the contract says 422 naming the body."""
    return isinstance(exc.__cause__, (ValueError, RecursionError))


def body_error_message(cause: BaseException | None) -> str:
    if isinstance(cause, UnicodeDecodeError):
        return f"not UTF-8: byte {cause.object[cause.start]:#04x} at position {cause.start}"
    if isinstance(cause, RecursionError):
        return "nested too deeply"
    return "not valid JSON"


def allowed_methods(request: Request) -> list[str]:
    """The methods some route takes at this request's path (for a 405's ``Allow``)."""
    methods: set[str] = set()
    for route in iter_route_contexts(request.app.routes):
        regex = getattr(route, "path_regex", None)
        if regex is not None and route.methods and regex.match(request.scope["path"]):
            methods |= route.methods
    return sorted(methods)


def problem_response(status: int, title: str, detail: str, *, errors: list[dict[str, Any]] | None = None,
                     headers: dict[str, str] | None = None, instance: str | None = None) -> Response:
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    if instance:
        body["instance"] = instance
    if errors is not None:
        body["errors"] = errors
    return Response(dumps(body), status_code=status, media_type=PROBLEM, headers=headers)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(HubError)
    async def _hub(request: Request, exc: HubError) -> Response:
        return problem_response(exc.status, exc.title, exc.detail, errors=exc.errors,
                                headers=exc.headers, instance=request.url.path)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        errors = pydantic_errors(list(exc.errors()))
        return problem_response(422, "Validation failed", "The request is not valid; see errors.",
                                errors=errors, instance=request.url.path)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 400 and undecodable_body(exc):
            return problem_response(422, "Validation failed", "The body is not valid UTF-8 JSON.",
                                    errors=[field_error("body", body_error_message(exc.__cause__), "json_invalid")],
                                    instance=request.url.path)
        titles = {404: "Not found", 405: "Method not allowed", 413: "Payload too large"}
        headers = dict(getattr(exc, "headers", None) or {})
        if exc.status_code == 405:  # every method the path takes, not only those of the first route matched
            headers["Allow"] = ", ".join(allowed_methods(request))
        return problem_response(exc.status_code, titles.get(exc.status_code, "Error"),
                                str(exc.detail), headers=headers or None, instance=request.url.path)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error", extra={"path": request.url.path})
        return problem_response(500, "Internal error", "Something went wrong on our side.")
