"""Prometheus metrics of feed syncs, labelled by source id.

Runs triggered by the API show in the API's ``/metrics``; ``hub worker --metrics-port``
serves the worker's own. Health is also in the database (``GET /api/v1/sources/{id}``).
Under ``hub serve --workers N`` (Prometheus multiprocess mode) each gauge says how the
processes' values combine.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

RUNS = Counter("hub_sync_runs_total", "Sync runs by source and final status", ["source", "status"])
POSTINGS = Counter("hub_sync_postings_total", "Postings seen by sync runs, by source and outcome",
                   ["source", "outcome"])
FAILURE_STREAK = Gauge("hub_sync_failure_streak", "Consecutive failed runs of a source", ["source"],
                       multiprocess_mode="mostrecent")
LAG = Gauge("hub_sync_lag_seconds", "Seconds from when a source's run was due to when it finished",
            ["source"], multiprocess_mode="mostrecent")
LAST_SUCCESS = Gauge("hub_sync_last_success_timestamp_seconds",
                     "When a source last synced successfully (UNIX time)", ["source"], multiprocess_mode="max")
RUNNING = Gauge("hub_sync_running", "Sync runs in progress in this process", multiprocess_mode="livesum")
DURATION = Histogram("hub_sync_run_seconds", "Duration of sync runs",
                     buckets=(0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800))
