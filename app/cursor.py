"""Opaque, tamper-evident pagination cursors (HMAC-signed JSON)."""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any

import orjson

from app.errors import ValidationFailed, field_error


def encode_cursor(value: Any, secret: str) -> str:
    payload = orjson.dumps(value)
    sig = hmac.new(secret.encode(), payload, hashlib.sha256).digest()[:12]
    return base64.urlsafe_b64encode(sig + payload).decode().rstrip("=")


def decode_cursor(token: str, secret: str, *, param: str = "cursor") -> Any:
    bad = ValidationFailed("The cursor is not valid.", errors=[field_error(param, "invalid or tampered cursor")])
    if len(token) > 2000:
        raise bad
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (ValueError, TypeError):
        raise bad from None
    sig, payload = raw[:12], raw[12:]
    if not hmac.compare_digest(sig, hmac.new(secret.encode(), payload, hashlib.sha256).digest()[:12]):
        raise bad
    try:
        return orjson.loads(payload)
    except orjson.JSONDecodeError:
        raise bad from None
