"""The console's router: its errors become pages (and a missing session a redirect to sign in)."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.responses import RedirectResponse, Response

from app.errors import HubError, pydantic_errors

from .auth import SignInNeeded
from .render import error_page

TITLES = {403: "没有权限", 404: "没有找到", 409: "有冲突", 413: "内容太长", 422: "填写有误", 429: "请稍后再试"}
MESSAGES = {404: "没有这条记录，或它不属于您的单位。", 403: "您的账号不能进行这个操作。"}


class ConsoleRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        original = super().get_route_handler()

        async def handler(request: Request) -> Response:
            try:
                return await original(request)
            except SignInNeeded:
                target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                return RedirectResponse(f"/console/sign-in?next={quote(target, safe='')}", status_code=303)
            except HubError as exc:
                errors = [(e.get("field", ""), e.get("message", "")) for e in exc.errors or []]
                return error_page(exc.status, TITLES.get(exc.status, "出错了"),
                                  MESSAGES.get(exc.status, exc.detail), errors=errors)
            except RequestValidationError as exc:
                errors = [(e["field"], e["message"]) for e in pydantic_errors(list(exc.errors()))]
                return error_page(422, "链接有误", "链接中的参数无法识别。", errors=errors)

        return handler


def console_router() -> APIRouter:
    return APIRouter(prefix="/console", include_in_schema=False, route_class=ConsoleRoute)
