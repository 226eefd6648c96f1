"""Webhook signatures: HMAC-SHA256 over ``"{timestamp}.{raw body}"``.

Header ``X-Hub-Signature: t=<unix seconds>,v1=<hex digest>``. A receiver recomputes the
digest with its secret, compares in constant time, refuses timestamps older than a few
minutes (a captured request cannot be replayed later) and remembers ``delivery_id``
values it has processed (a replay within the window is a duplicate id). The delivery
id is inside the signed body, so it cannot be swapped. See docs/changes.md for the
published test vector.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

SIGNATURE_HEADER = "X-Hub-Signature"
DELIVERY_HEADER = "X-Hub-Delivery"
TOLERANCE_S = 300


class InvalidSignature(ValueError):
    """The signature header is missing, malformed, wrong, or too old."""


def new_secret() -> str:
    """A fresh signing secret (shown to the partner once)."""
    return "whsec_" + secrets.token_urlsafe(32)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The hex HMAC-SHA256 of ``"{timestamp}.".encode() + body`` under ``secret``."""
    return hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256).hexdigest()


def signature_header(secret: str, timestamp: int, body: bytes) -> str:
    return f"t={timestamp},v1={signature(secret, timestamp, body)}"


def verify(secret: str, header: str | None, body: bytes, *, now: int, tolerance_s: int = TOLERANCE_S) -> int:
    """Check a signature header against the raw body; returns its timestamp.

    Raises ``InvalidSignature`` if the header is malformed, no ``v1`` digest matches, or
    the timestamp is more than ``tolerance_s`` away from ``now``.
    """
    if not header:
        raise InvalidSignature("no signature header")
    timestamp: int | None = None
    digests: list[str] = []
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t" and value.isdigit():
            timestamp = int(value)
        elif key == "v1":
            digests.append(value)
    if timestamp is None or not digests:
        raise InvalidSignature("malformed signature header")
    expected = signature(secret, timestamp, body)
    if not any(hmac.compare_digest(expected, d) for d in digests):
        raise InvalidSignature("signature does not match")
    if abs(now - timestamp) > tolerance_s:
        raise InvalidSignature("timestamp outside the tolerance (replayed or clock skew)")
    return timestamp
