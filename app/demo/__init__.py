"""The demo (``make run``, ``hub demo``): a few partners and their postings, loaded through the road
in; ``feeds`` serves local partner feeds (written by ``feedgen``) for the sync worker to pull."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import select

from app.config import get_settings
from app.db import Database
from app.ingest.pipeline import PartnerRef, prepare, store_batch
from app.migrate import upgrade
from app.models import Partner
from app.services.partners import create_partner, issue_key

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "demo"


def load_demo(data_dir: str | None = None) -> dict[str, Any]:
    """Migrate, create (or reuse) the demo partners, push their postings; returns keys and counts."""
    folder = Path(data_dir) if data_dir else DEFAULT_DIR
    settings = get_settings()
    upgrade(settings.database_url)
    db = Database(settings.database_url, pool_size=2)
    summary: dict[str, Any] = {"partners": []}
    try:
        for spec in json.loads((folder / "partners.json").read_text(encoding="utf-8")):
            with db.write() as session:
                partner = session.execute(select(Partner).where(Partner.name == spec["name"])).scalar_one_or_none()
                if partner is None:
                    partner, key = create_partner(session, name=spec["name"], kind=spec["kind"],
                                                  region_code=spec["region_code"], secret=settings.secret_key,
                                                  website=spec.get("website"))
                else:
                    key = issue_key(session, partner.id, settings.secret_key)
                ref = PartnerRef(partner.id, partner.kind)
            lines = [ln for ln in (folder / spec["file"]).read_text(encoding="utf-8").split("\n") if ln.strip()]
            counts: dict[str, int] = {}
            for i in range(0, len(lines), 500):
                prepared = [prepare(json.loads(line), spec["region_code"], fts=db.sqlite)
                            for line in lines[i:i + 500]]
                with db.write() as session:
                    for outcome in store_batch(session, ref, prepared):
                        counts[outcome.status] = counts.get(outcome.status, 0) + 1
            summary["partners"].append({"id": ref.id, "name": spec["name"], "kind": spec["kind"],
                                        "api_key": key, "postings": counts})
        _campaign(db, settings, folder, summary)
    finally:
        db.dispose()
    return summary


def _campaign(db: Database, settings: Any, folder: Path, summary: dict[str, Any]) -> None:
    """The campaign's demo (app.demo.campaign): the ministry, provinces, universities and their records."""
    from app.demo.campaign import demo_staff, load_campaign_demo

    lines = (folder / "university.jsonl").read_text(encoding="utf-8").split("\n")
    postings = [json.loads(line) for line in lines if line.strip()]
    known = {p["id"]: p for p in summary["partners"]}
    for p in load_campaign_demo(db, settings, postings):
        if p["id"] in known:
            known[p["id"]]["api_key"] = p["api_key"]  # the newest key works; print that one
        else:
            summary["partners"].append(p)
    summary["staff"] = demo_staff(db)
