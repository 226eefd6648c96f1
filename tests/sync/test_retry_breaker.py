"""RetryPolicy, Retry-After parsing and the circuit breaker."""

from __future__ import annotations

import random
from datetime import UTC, datetime

from app.outbound.fetch import RetryPolicy
from app.outbound.retry import parse_retry_after
from app.sync.breaker import CircuitBreaker


def test_backoff_grows_with_jitter_and_cap() -> None:
    policy = RetryPolicy(base_delay_s=1, max_delay_s=8, jitter=0.5)
    rng = random.Random(7)
    delays = [policy.backoff(n, rng) for n in range(1, 7)]
    assert 0.5 <= delays[0] <= 1 and 1 <= delays[1] <= 2 and 2 <= delays[2] <= 4
    assert all(4 <= d <= 8 for d in delays[3:])
    assert RetryPolicy(jitter=0).backoff(2) == 1.0


def test_delay_for_honours_attempts_budget_and_retry_after() -> None:
    policy = RetryPolicy(max_attempts=3, base_delay_s=1, max_delay_s=30, budget_s=10, jitter=0)
    assert policy.delay_for(1, None, 0) == 1
    assert policy.delay_for(3, None, 0) is None  # attempts used up
    assert policy.delay_for(1, 5, 0) == 5  # Retry-After wins over a shorter backoff
    assert policy.delay_for(1, 60, 0) is None  # longer than max_delay_s
    assert policy.delay_for(2, 5, 7) is None  # would overrun the budget


def test_parse_retry_after() -> None:
    now = datetime(2022, 5, 9, 1, 0, 0, tzinfo=UTC)
    assert parse_retry_after("120") == 120
    assert parse_retry_after("Mon, 09 May 2022 01:00:30 GMT", now) == 30
    assert parse_retry_after("Mon, 09 May 2022 00:00:00 GMT", now) == 0
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


def test_breaker_opens_after_threshold_and_half_opens_after_cooldown() -> None:
    breaker = CircuitBreaker(threshold=3, cooldown_s=60)
    for t in (0, 1, 2):
        assert breaker.allow(t)
        breaker.record_failure(t)
    assert breaker.state(3) == "open" and not breaker.allow(3)
    assert breaker.retry_at() == 62
    assert breaker.state(62) == "half_open" and breaker.allow(62)
    breaker.record_failure(62)  # the trial failed: open again, for longer
    assert not breaker.allow(62 + 100) and breaker.allow(62 + 120)
    breaker.record_success()
    assert breaker.state(0) == "closed" and breaker.failures == 0


def test_breaker_round_trips_through_plain_fields() -> None:
    breaker = CircuitBreaker(threshold=2, cooldown_s=10)
    breaker.record_failure(100.0)
    breaker.record_failure(101.0)
    stored = breaker.to_dict()
    assert stored == {"failures": 2, "opened_at": 101.0, "threshold": 2, "cooldown_s": 10,
                      "max_cooldown_s": 6 * 3600.0}
    again = CircuitBreaker.from_dict({**stored, "unknown": 1})
    assert again == breaker and not again.allow(105)
    assert CircuitBreaker.from_dict({}).state(0) == "closed"
