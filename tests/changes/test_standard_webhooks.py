"""Webhook deliveries in the Standard Webhooks format, verified with that project's own library
(``standardwebhooks`` from PyPI), while the hub's own ``X-Hub-Signature`` keeps verifying."""

from __future__ import annotations

import base64
import secrets
from datetime import UTC, datetime, timedelta

import orjson
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from standardwebhooks import Webhook as StandardWebhook
from standardwebhooks.webhooks import WebhookVerificationError

from app.db import Database
from app.models import Webhook, utcnow
from app.schemas.webhooks import DeliveryPayload
from app.webhooks import verify
from app.webhooks.signing import standard_headers
from tests.changes.test_webhooks import (  # noqa: F401 - fixtures
    VECTOR_BODY,
    Receiver,
    drain,
    hub,
    new_partner,
    posting,
    receiver,
    register,
)
from tests.conftest import auth, push

# Published in docs/changes.md ("Standard Webhooks").
STD_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
STD_ID, STD_TIMESTAMP = "01a222e6a0b07c3c9e5d2f4b1a0c9d8e", 1767225600
STD_SIGNATURE = "v1,OkHDNlZCw1GbvBjX76gQiBj9qASz7yaG3w7k3rfQlyo="


def test_standard_signature_matches_the_library_and_the_published_vector() -> None:
    headers = standard_headers(STD_SECRET, STD_ID, STD_TIMESTAMP, VECTOR_BODY)
    assert headers == {"webhook-id": STD_ID, "webhook-timestamp": str(STD_TIMESTAMP),
                       "webhook-signature": STD_SIGNATURE}
    signed = StandardWebhook(STD_SECRET).sign(STD_ID, datetime.fromtimestamp(STD_TIMESTAMP, UTC),
                                              VECTOR_BODY.decode())
    assert signed == STD_SIGNATURE


def test_new_secrets_are_taken_by_the_library_as_they_are() -> None:
    from app.webhooks.signing import new_secret, standard_key

    secret = new_secret()
    assert secret.startswith("whsec_") and len(base64.b64decode(secret[6:])) == 24
    now = int(datetime.now(UTC).timestamp())
    body = b'{"changes":[]}'
    assert StandardWebhook(secret).verify(body, standard_headers(secret, "m1", now, body)) == {"changes": []}
    assert standard_key(secret) == base64.b64decode(secret[6:])


def test_a_delivery_verifies_with_the_standard_library_and_with_the_hub_signature(
        hub: TestClient, db: Database, receiver: Receiver) -> None:  # noqa: F811
    key = new_partner(hub)
    hook = register(hub, key, receiver)
    push(hub, key, posting("S1"), posting("S2"))
    assert drain(db, utcnow()) == 1  # now: the library checks the timestamp against its clock
    (headers, body), = receiver.requests
    payload = StandardWebhook(receiver.secret).verify(body, headers)
    assert payload["webhook_id"] == hook["id"] and len(payload["changes"]) == 2
    DeliveryPayload.model_validate(payload)  # the shape the OpenAPI documents under `webhooks`
    assert headers["webhook-id"] == headers["x-hub-delivery"] == payload["delivery_id"]
    stamp = int(headers["webhook-timestamp"])
    assert verify(receiver.secret, headers["x-hub-signature"], body, now=stamp) == stamp  # the old way still works
    with pytest.raises(WebhookVerificationError):
        StandardWebhook(receiver.secret).verify(body.replace(b"S1", b"S9"), headers)
    with pytest.raises(WebhookVerificationError):
        StandardWebhook("whsec_" + base64.b64encode(b"x" * 24).decode()).verify(body, headers)

    # A redelivery is a new message: a new webhook-id, signed the same way.
    redone = hub.post(f"/api/v1/webhooks/{hook['id']}/deliveries/{payload['delivery_id']}/redeliver",
                      headers=auth(key))
    assert redone.status_code == 200, redone.text
    headers2, body2 = receiver.requests[-1]
    again = StandardWebhook(receiver.secret).verify(body2, headers2)
    assert headers2["webhook-id"] == again["delivery_id"] != payload["delivery_id"]
    assert again["redelivery_of"] == payload["delivery_id"]
    assert DeliveryPayload.model_validate(again).redelivery_of == payload["delivery_id"]


def test_a_secret_issued_before_the_standard_form_verifies_once_decoded_as_url_safe(
        hub: TestClient, db: Database, receiver: Receiver) -> None:  # noqa: F811
    key = new_partner(hub)
    hook = register(hub, key, receiver)
    old = "whsec_" + secrets.token_urlsafe(32)
    while "-" not in old and "_" not in old[6:]:  # make sure it is not also standard base64
        old = "whsec_" + secrets.token_urlsafe(32)
    with db.write() as s:
        s.execute(update(Webhook).where(Webhook.id == hook["id"]).values(secret=old))
    push(hub, key, posting("O1"))
    assert drain(db, utcnow() + timedelta(seconds=1)) == 1
    (headers, body), = receiver.requests
    key_bytes = base64.urlsafe_b64decode(old[6:] + "=")  # what docs/changes.md tells such partners
    assert orjson.loads(body) == StandardWebhook(key_bytes).verify(body, headers)
