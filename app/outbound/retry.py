"""Retry policy: jittered exponential backoff honouring ``Retry-After``."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often and how long to retry connect errors, timeouts, 429 and 5xx.

    ``budget_s`` caps the total time spent sleeping between attempts; a
    ``Retry-After`` longer than what is left of it (or ``max_delay_s``) ends retrying.
    """

    max_attempts: int = 3
    base_delay_s: float = 0.5
    max_delay_s: float = 30.0
    budget_s: float = 60.0
    jitter: float = 0.5  # fraction of the delay that is randomised

    def backoff(self, attempt: int, rng: random.Random | None = None) -> float:
        """Delay before attempt ``attempt + 1`` (``attempt`` counts from 1)."""
        delay = float(min(self.max_delay_s, self.base_delay_s * 2 ** (attempt - 1)))
        spread = delay * self.jitter
        return max(0.0, delay - spread + (rng or random).random() * spread)

    def delay_for(self, attempt: int, retry_after: float | None, spent_s: float,
                  rng: random.Random | None = None) -> float | None:
        """The sleep before the next attempt, or None when retrying should stop."""
        if attempt >= self.max_attempts:
            return None
        delay = self.backoff(attempt, rng)
        if retry_after is not None:
            if retry_after > self.max_delay_s:
                return None
            delay = max(delay, retry_after)
        if spent_s + delay > self.budget_s:
            return None
        return delay


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or HTTP date); None if absent/bad."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    now = now or datetime.now(UTC)
    return max(0.0, (when - now).total_seconds())
