"""Webhooks: signed batches of changes POSTed to partners (see docs/changes.md).

``run_webhooks_once`` is the monitor ``hub worker`` calls; ``deliver_due`` the one-step
function it repeats; ``signing`` the signature scheme receivers verify.
"""

from .delivery import deliver_due, run_webhooks_once
from .signing import InvalidSignature, signature_header, verify

__all__ = ["InvalidSignature", "deliver_due", "run_webhooks_once", "signature_header", "verify"]
