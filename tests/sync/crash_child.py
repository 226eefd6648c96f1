"""Run one sync of a source in this process (the crash test kills it with SIGKILL).

Usage: python tests/sync/crash_child.py DATABASE_URL SOURCE_ID
Prints ``start``, then ``batch`` after every committed batch, so the parent can kill it mid-run.
"""

from __future__ import annotations

import asyncio
import sys

from app.config import Settings
from app.db import Database
from app.outbound.fetch import RetryPolicy, make_client
from app.sync import runner


def main(url: str, source_id: str) -> None:
    runner.BATCH = 25  # many commit points to land between
    settings = Settings(env="test", database_url=url, sync_allow_private=True, sync_deadline_s=20,
                        admin_token="crash-test-admin-token", secret_key="crash-test-secret-key")
    db = Database(url, pool_size=2)

    async def go() -> None:
        async with make_client() as client:
            print("start", flush=True)
            run = await runner.run_source(
                db, settings, client, source_id, trigger="schedule",
                progress=lambda tally, fraction: print("batch", tally.seen, flush=True),
                hooks=runner.FetchHooks(retry=RetryPolicy(max_attempts=1)))
        print("done", run.status, run.seen, run.withdrawn, flush=True)

    asyncio.run(go())
    db.dispose()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
