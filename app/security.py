"""API keys: ``hub_<8 hex prefix>_<secret>``, stored only as an HMAC-SHA256 hash."""

from __future__ import annotations

import hashlib
import hmac
import secrets


def generate_api_key() -> tuple[str, str]:
    """A new key and its public prefix (shown in logs and listings)."""
    prefix = secrets.token_hex(4)
    return f"hub_{prefix}_{secrets.token_urlsafe(32)}", prefix


def hash_api_key(key: str, secret: str) -> str:
    return hmac.new(secret.encode(), key.encode(), hashlib.sha256).hexdigest()


def same_token(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())
