"""The change feed's slices and edges the mutation run (bench/mutate.py changes) found untested: the
job-type filter, a filtered snapshot paged to its end, changes whose job document was never stored,
the errors' wording, and a second prune that leaves the compacted log below the horizon alone."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import delete

from app.db import Database
from app.models import utcnow
from app.services.changes import DOCS, prune_changes
from tests.changes.test_changes_feed import follow, posting
from tests.conftest import auth, push


def test_the_job_type_filter_keeps_only_those_jobs(client: TestClient, partner: tuple[str, str]) -> None:
    _, key = partner
    rows = push(client, key, posting("F"), posting("I", job_type="internship"), posting("P", job_type="part_time"))
    full, intern, part = (r["job_id"] for r in rows)
    changes, _ = follow(client, key, job_type="internship")
    assert [c["job_id"] for c in changes] == [intern]
    changes, _ = follow(client, key, job_type="internship,part_time")
    assert sorted(c["job_id"] for c in changes) == sorted([intern, part])
    changes, _ = follow(client, key, job_type="full_time", region="440300")
    assert [c["job_id"] for c in changes] == [full]
    snapshot = client.get("/api/v1/changes/snapshot", params={"job_type": "part_time"}, headers=auth(key)).json()
    assert [j["id"] for j in snapshot["jobs"]] == [part]


def test_a_filtered_snapshot_pages_to_the_end_past_jobs_outside_the_slice(
        client: TestClient, partner: tuple[str, str]) -> None:
    _, key = partner
    regions = ["110105", "440305", "110105", "110105", "440106", "110105", "440305", "110105"]
    rows = push(client, key, *[posting(f"J{i}", locations=[{"region_code": code}])
                               for i, code in enumerate(regions)])
    guangdong = sorted(r["job_id"] for r, code in zip(rows, regions, strict=True) if code.startswith("44"))
    pages: list[list[str]] = []
    cursor = None
    while True:
        page = client.get("/api/v1/changes/snapshot", params={"region": "440000", "limit": 1,
                                                              **({"cursor": cursor} if cursor else {})},
                          headers=auth(key))
        assert page.status_code == 200, page.text
        body = page.json()
        pages.append([j["id"] for j in body["jobs"]])
        cursor = body["next_cursor"]
        if cursor is None:
            break
        assert len(pages) <= len(rows)
    assert [job for page in pages for job in page] == guangdong
    assert all(len(page) <= 1 for page in pages)
    for page in pages[:-1]:
        assert page  # a page ends early only at the end of the jobs


def test_a_change_without_a_stored_document_gets_the_job_rendered_now(
        client: TestClient, db: Database, partner: tuple[str, str]) -> None:
    """Changes written before job documents were kept (no ``job_documents`` row) are served with the
    job rendered at read time, and only where it is open and in the reader's slice."""
    _, key = partner
    rows = push(client, key, posting("A", title="文档之前"), posting("B", locations=[{"region_code": "110105"}]),
                posting("C", title="已撤回"))
    a, b, c = (r["job_id"] for r in rows)
    assert client.delete("/api/v1/postings/C", headers=auth(key)).status_code == 204
    stored, _ = follow(client, key)
    with db.write() as session:
        session.execute(delete(DOCS))
    changes, _ = follow(client, key)
    assert changes == stored
    by_job = {ch["job_id"]: ch for ch in changes}
    assert by_job[a]["op"] == "upsert" and by_job[a]["job"]["title"] == "文档之前"
    assert by_job[b]["op"] == "upsert" and by_job[b]["job"]["id"] == b
    assert by_job[c]["op"] == "delete" and by_job[c]["job"] is None
    guangdong, _ = follow(client, key, region="440000")
    assert sorted((ch["job_id"], ch["op"]) for ch in guangdong) == sorted([(a, "upsert"), (c, "delete"), (c, "delete")])


def test_bad_filters_and_cursors_say_what_is_wrong(client: TestClient, partner: tuple[str, str]) -> None:
    _, key = partner
    bad = client.get("/api/v1/changes", params={"job_type": "gig"}, headers=auth(key))
    assert bad.status_code == 422
    assert bad.json()["detail"] == "The subscription filter is not valid; see errors."
    push(client, key, posting("A"), posting("B"))
    snap = client.get("/api/v1/changes/snapshot", params={"limit": 1}, headers=auth(key)).json()
    wrong_kind = client.get("/api/v1/changes", params={"cursor": snap["next_cursor"]},  # signed, but a snapshot's
                            headers=auth(key))
    assert wrong_kind.status_code == 422
    assert wrong_kind.json()["detail"] == "The cursor is not valid."
    assert wrong_kind.json()["errors"] == [{"field": "cursor", "message": "not a change cursor", "type": "value_error"}]


def test_a_second_prune_compacts_only_what_came_after_the_first(
        client: TestClient, db: Database, partner: tuple[str, str]) -> None:
    _, key = partner
    push(client, key, posting("A"), posting("B"))
    push(client, key, posting("A", title="新"), posting("B", title="新"))
    later = utcnow() + timedelta(days=31)
    assert prune_changes(db, timedelta(days=30), later) == 2  # A's and B's first versions
    push(client, key, posting("C"))
    assert client.delete("/api/v1/postings/B", headers=auth(key)).status_code == 204
    # B's delete goes; B's second version stays below the horizon: that part of the log is compacted already.
    assert prune_changes(db, timedelta(days=30), later) == 1
    changes, _ = follow(client, key)
    seen = [(ch["op"], ch["job"] and ch["job"]["title"]) for ch in changes]  # A's and B's: in job id order
    assert sorted(seen[:2], key=repr) == sorted([("upsert", "新"), ("delete", None)], key=repr)
    assert seen[2:] == [("upsert", posting("C")["title"])]
