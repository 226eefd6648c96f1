"""Friendly HTML error pages for browsers outside the API; the API keeps problem+json.

Wraps the handlers ``app.errors.install_error_handlers`` registered: a request
whose path is not under ``/api/`` and that accepts ``text/html`` gets a page,
every other request gets exactly what it got before.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from app.errors import pydantic_errors

from .render import error_page

Handler = Callable[[Request, Exception], Awaitable[Response]]
API_PREFIXES = ("/api/", "/openapi.json", "/docs", "/redoc", "/metrics", "/healthz", "/readyz")


def wants_page(request: Request) -> bool:
    path = request.url.path
    if path == "/api" or path.startswith(API_PREFIXES):
        return False
    return "text/html" in request.headers.get("accept", "")


def install_page_errors(app: FastAPI) -> None:
    """Register after ``install_error_handlers``; falls back to its handlers for the API."""
    http_handler: Handler = app.exception_handlers[StarletteHTTPException]  # type: ignore[assignment]
    validation_handler: Handler = app.exception_handlers[RequestValidationError]  # type: ignore[assignment]

    async def _http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        if not wants_page(request):
            return await http_handler(request, exc)
        if exc.status_code == 404:
            return error_page(404, "页面不存在", "您访问的页面不存在，可能链接有误或已被移除。")
        if exc.status_code == 405:
            return error_page(405, "不支持的请求", "这个页面只能用浏览器直接打开。")
        return error_page(exc.status_code, "出错了", "请求没有成功，请稍后再试。")

    async def _validation(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        if not wants_page(request):
            return await validation_handler(request, exc)
        errors = [(e["field"], e["message"]) for e in pydantic_errors(list(exc.errors()))]
        return error_page(422, "请求参数有误", "链接中的参数无法识别。", errors=errors)

    app.add_exception_handler(StarletteHTTPException, _http)
    app.add_exception_handler(RequestValidationError, _validation)
