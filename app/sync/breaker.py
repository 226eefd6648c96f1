"""A per-source circuit breaker, pure and serialisable to plain fields."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(slots=True)
class CircuitBreaker:
    """Closed until ``threshold`` consecutive failures; then open for ``cooldown_s``
    (doubling per further failure, up to ``max_cooldown_s``); then half-open: one
    trial is allowed, success closes, failure re-opens.

    ``now`` is any monotonic-enough float (e.g. a UNIX timestamp); persist the fields
    with ``to_dict()`` and restore with ``CircuitBreaker.from_dict(...)``.
    """

    failures: int = 0
    opened_at: float | None = None
    threshold: int = 5
    cooldown_s: float = 300.0
    max_cooldown_s: float = 6 * 3600.0

    @property
    def current_cooldown_s(self) -> float:
        extra = max(0, self.failures - self.threshold)
        return float(min(self.max_cooldown_s, self.cooldown_s * 2 ** min(extra, 32)))

    def state(self, now: float) -> str:
        """``closed``, ``open`` or ``half_open``."""
        if self.opened_at is None:
            return "closed"
        return "open" if now < self.opened_at + self.current_cooldown_s else "half_open"

    def allow(self, now: float) -> bool:
        """May a request be made at ``now``?"""
        return self.state(now) != "open"

    def record_success(self) -> None:
        self.failures = 0
        self.opened_at = None

    def record_failure(self, now: float) -> None:
        self.failures += 1
        if self.failures >= self.threshold:
            self.opened_at = now

    def retry_at(self) -> float | None:
        """When the breaker becomes half-open, or None while closed."""
        return None if self.opened_at is None else self.opened_at + self.current_cooldown_s

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CircuitBreaker:
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        return cls(**known)
