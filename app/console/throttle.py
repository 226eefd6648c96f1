"""Sign-in backoff: after repeated failures for a login, each answer waits longer (in this process).

Known and unknown logins are treated alike, so the wait tells nothing about who exists. The
lockout itself is in the database (``app.services.staff``); this only slows guessing down.
"""

from __future__ import annotations

import threading
import time

WINDOW_S = 15 * 60
MAX_DELAY_S = 8.0
_lock = threading.Lock()
_failures: dict[str, tuple[int, float]] = {}


def delay(login: str, base: float) -> float:
    """Seconds to wait before answering this login's next attempt."""
    with _lock:
        count, last = _failures.get(login, (0, 0.0))
    if time.monotonic() - last > WINDOW_S or count < 2 or base <= 0:
        return 0.0
    return float(min(base * 2 ** (count - 2), MAX_DELAY_S))


def failed(login: str) -> None:
    now = time.monotonic()
    with _lock:
        count, last = _failures.get(login, (0, 0.0))
        _failures[login] = (1 if now - last > WINDOW_S else count + 1, now)
        if len(_failures) > 100_000:  # keep memory bounded under a spray of logins
            _failures.clear()


def succeeded(login: str) -> None:
    with _lock:
        _failures.pop(login, None)
