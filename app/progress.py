"""A one-line text progress bar on stderr, for the long CLI commands (migrate, search rebuild)."""

from __future__ import annotations

import sys
import threading
from typing import IO


class Bar:
    """``label [#####...........]  31%  5/16  note``, redrawn in place; ``close`` ends the line."""

    def __init__(self, label: str, total: int, *, unit: str = "", out: IO[str] | None = None,
                 width: int = 24) -> None:
        self.label, self.total, self.unit = label, max(0, total), unit
        self.out = out or sys.stderr
        self.width = width
        self.done = 0
        self.lock = threading.Lock()
        self.shown = False

    def update(self, done: int, note: str = "") -> None:
        with self.lock:
            self.done = max(0, min(done, self.total)) if self.total else done
            share = self.done / self.total if self.total else 1.0
            filled = round(share * self.width)
            unit = f" {self.unit}" if self.unit else ""
            line = (f"\r{self.label} [{'#' * filled}{'.' * (self.width - filled)}] {share:4.0%}  "
                    f"{self.done:,}/{self.total:,}{unit}  {note}")
            self.out.write(line.rstrip() + "\x1b[K" if self.out.isatty() else line.rstrip())
            self.out.flush()
            self.shown = True

    def advance(self, step: int = 1, note: str = "") -> None:
        self.update(self.done + step, note)

    def close(self) -> None:
        if self.shown:
            self.out.write("\n")
            self.out.flush()
