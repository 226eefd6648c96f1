"""Edges of the road in's preparation of one posting (app/ingest/prepare.py) that the mutation run
(bench/mutate.py prepare) found untested: a rejection keeps its external id, naive times are Beijing
time, places named without a code, a salary with no upper bound, lower-case industry sections, and
the text of a posting's errors."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from app.errors import field_error
from app.ingest.prepare import NormaliseError
from tests.conftest import make_posting, push


def _job(client: TestClient, job_id: str) -> dict[str, Any]:
    resp = client.get(f"/api/v1/jobs/{job_id}")
    assert resp.status_code == 200, resp.text
    return resp.json()  # type: ignore[no-any-return]


def test_a_rejected_posting_is_reported_under_its_external_id(client: TestClient, partner: tuple[str, str]) -> None:
    _, key = partner
    [rejected] = push(client, key, make_posting("REJ-7", title=""))
    assert (rejected["external_id"], rejected["status"]) == ("REJ-7", "rejected")


def test_a_time_without_a_zone_is_beijing_time(client: TestClient, partner: tuple[str, str]) -> None:
    _, key = partner
    [row] = push(client, key, make_posting("TZ", posted_at="2026-05-09T09:00:00"))
    job = _job(client, row["job_id"])
    assert job["posted_at"].replace("Z", "+00:00") == "2026-05-09T01:00:00+00:00"


def test_a_place_named_without_a_code_is_resolved_from_its_names(client: TestClient,
                                                                 partner: tuple[str, str]) -> None:
    _, key = partner
    place = {"province": "广东省", "city": "深圳市", "district": "南山区"}
    [row] = push(client, key, make_posting("NAMED", locations=[place]))
    assert row["status"] == "created", row
    assert [loc["region_code"] for loc in _job(client, row["job_id"])["locations"]] == ["440305"]


def test_a_salary_without_an_upper_bound_is_kept_and_a_reversed_one_refused(
        client: TestClient, partner: tuple[str, str]) -> None:
    _, key = partner
    open_ended, reversed_ = push(client, key, make_posting("FROM", salary={"min": 9000, "period": "month"}),
                                 make_posting("REV", title="会计", salary={"min": 9000, "max": 8000, "period": "month"}))
    assert open_ended["status"] == "created", open_ended
    assert _job(client, open_ended["job_id"])["salary"]["min"] == 9000
    assert reversed_["status"] == "rejected"
    assert [e["field"] for e in reversed_["errors"]] == ["salary"]


def test_an_industry_section_is_stored_in_capitals(client: TestClient, partner: tuple[str, str]) -> None:
    _, key = partner
    [row] = push(client, key, make_posting("IND", industry="c"))
    assert _job(client, row["job_id"])["industry"] == "C"


def test_a_normalise_error_reads_as_its_messages() -> None:
    err = NormaliseError([field_error("salary", "min is above max"), field_error("title", "empty")])
    assert str(err) == "min is above max; empty"
    assert [e["field"] for e in err.errors] == ["salary", "title"]
