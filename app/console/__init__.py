"""The operators' console (``/console``): staff users of universities, provinces and the ministry
sign in and work the campaign in server-rendered pages that need no script.

Rooms: ``auth`` (session cookie, CSRF, posted forms), ``account`` (sign-in, sign-out, staff users),
``university``, ``province``, ``ministry`` (each role's pages), ``charts`` (SVG), ``exports``.
"""

from __future__ import annotations

from fastapi import FastAPI

from . import account, ministry, province, university


def install(app: FastAPI) -> None:
    for module in (account, university, province, ministry):
        app.include_router(module.router)


__all__ = ["install"]
