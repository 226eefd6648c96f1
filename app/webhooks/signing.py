"""Webhook signatures: HMAC-SHA256 over ``"{timestamp}.{raw body}"``.

Header ``X-Hub-Signature: t=<unix seconds>,v1=<hex digest>``. A receiver recomputes the
digest with its secret, compares in constant time, refuses timestamps older than a few
minutes (a captured request cannot be replayed later) and remembers ``delivery_id``
values it has processed (a replay within the window is a duplicate id). The delivery
id is inside the signed body, so it cannot be swapped. See docs/changes.md for the
published test vector.

The same deliveries also carry the Standard Webhooks headers (``webhook-id`` = the delivery
id, ``webhook-timestamp``, ``webhook-signature: v1,<base64 HMAC-SHA256 of
"{id}.{timestamp}.{body}">``), so receivers can verify with that project's published
libraries. Its key is the secret's base64 part decoded: secrets are ``whsec_`` + standard
base64; secrets issued before that were URL-safe base64, decoded as such.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets

SIGNATURE_HEADER = "X-Hub-Signature"
DELIVERY_HEADER = "X-Hub-Delivery"
TOLERANCE_S = 300


class InvalidSignature(ValueError):
    """The signature header is missing, malformed, wrong, or too old."""


STANDARD_HEADERS = ("webhook-id", "webhook-timestamp", "webhook-signature")


def new_secret() -> str:
    """A fresh signing secret (shown to the partner once): ``whsec_`` + standard base64 of 24
    random bytes, the form Standard Webhooks libraries take as it is."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


def standard_key(secret: str) -> bytes:
    """The Standard Webhooks HMAC key of a secret: its base64 part, decoded."""
    raw = secret.removeprefix("whsec_")
    padded = raw + "=" * (-len(raw) % 4)
    try:
        return base64.b64decode(padded, validate=True)
    except binascii.Error:  # a secret issued before the standard form: URL-safe base64
        try:
            return base64.urlsafe_b64decode(padded)
        except (binascii.Error, ValueError):
            return secret.encode()  # not base64 at all (a hand-made secret): the bytes as they are


def standard_headers(secret: str, msg_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """``webhook-id``, ``webhook-timestamp`` and ``webhook-signature`` for one delivery."""
    signed = msg_id.encode() + b"." + str(timestamp).encode() + b"." + body
    digest = hmac.new(standard_key(secret), signed, hashlib.sha256).digest()
    return {"webhook-id": msg_id, "webhook-timestamp": str(timestamp),
            "webhook-signature": "v1," + base64.b64encode(digest).decode()}


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
