"""Prometheus counters for the road in."""

from prometheus_client import Counter

INGESTED = Counter("hub_postings_ingested_total", "Postings through the road in, by outcome", ["status"])
REJECTED = Counter("hub_postings_rejected_total", "Rejected postings, by reason", ["reason"])
