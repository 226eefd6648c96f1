"""The webhook the hub calls (documented under ``webhooks`` in the OpenAPI; nothing is served here)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Response
from fastapi.routing import APIRoute

from app.schemas.webhooks import DeliveryPayload


def _name(route: APIRoute) -> str:
    return route.name


router = APIRouter(generate_unique_id_function=_name)
Text = Annotated[str, Header()]


@router.post("job-changes", tags=["webhooks"], status_code=204,
             summary="A batch of changes, POSTed to your webhook's URL",
             responses={204: {"description": "Any 2xx acknowledges the batch: the next one follows"},
                        500: {"description": "Anything else (or no answer within 10 s) is retried: 10 s doubling to "
                                             "an hour, for 3 days, then the webhook is disabled, keeping its place"}})
def job_changes(
    payload: DeliveryPayload,
    x_hub_signature: Annotated[str, Header(alias="X-Hub-Signature", description=(
        "`t=<unix seconds>,v1=<hex HMAC-SHA256 of \"{t}.\" + raw body, keyed with your secret>`"))],
    x_hub_delivery: Annotated[str, Header(alias="X-Hub-Delivery", description="The delivery id")],
    x_hub_webhook: Annotated[str, Header(alias="X-Hub-Webhook", description="Your webhook's id")],
    x_hub_attempt: Annotated[int, Header(alias="X-Hub-Attempt", description="1 on the first try")],
    webhook_id: Annotated[str, Header(alias="webhook-id", description="Standard Webhooks: the delivery id")],
    webhook_timestamp: Annotated[int, Header(alias="webhook-timestamp", description=(
        "Standard Webhooks: unix seconds; refuse one more than 5 minutes from your clock"))],
    webhook_signature: Annotated[str, Header(alias="webhook-signature", description=(
        "Standard Webhooks: `v1,<base64 HMAC-SHA256 of \"{webhook-id}.{webhook-timestamp}.{raw body}\">`, keyed "
        "with your secret's base64 part decoded; verify with a Standard Webhooks library"))],
    x_hub_redelivery_of: Annotated[str | None, Header(alias="X-Hub-Redelivery-Of", description=(
        "On a redelivery: the delivery it repeats"))] = None,
) -> Response:
    """Verify a signature over the **raw body** before parsing it, then apply the changes in order:
    `upsert` stores `job` under `job_id`, `delete` removes `job_id`. Remember `delivery_id`s you applied:
    a retry repeats one. See docs/changes.md for test vectors."""
    return Response(status_code=204)
