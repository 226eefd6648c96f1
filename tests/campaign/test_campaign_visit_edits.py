"""Visits: corrected and deleted by their university, never dated after today (Beijing), flagged as
newly developed employers with the hub's suggestion, and sized for the SME counts."""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone
from typing import Any

from sqlalchemy import select

from app.models import Employer
from tests.campaign.helpers import job
from tests.conftest import auth

BEIJING = timezone(timedelta(hours=8))


def today() -> datetime:
    return datetime.now(BEIJING)


def visit(employer: str, when: datetime | None = None, **overrides: Any) -> dict[str, Any]:
    body = {"employer_name": employer, "visited_at": (when or today()).isoformat(), "leader_name": "王校长",
            "region_code": "440305", "jobs_promised": 3}
    return {**body, **overrides}


def test_visit_dates_stop_at_today_in_beijing(client: Any, partner: Any) -> None:
    key = auth(partner[1])
    tomorrow = datetime.combine(today().date() + timedelta(days=1), time(0, 5), BEIJING)
    for when in (tomorrow, datetime(2030, 5, 9, 10, 0, tzinfo=BEIJING)):
        resp = client.post("/api/v1/visits", json=visit("甲公司", when), headers=key)
        assert resp.status_code == 422 and resp.json()["errors"][0]["field"] == "visited_at", when
    late_today = datetime.combine(today().date(), time(23, 59), BEIJING)
    assert client.post("/api/v1/visits", json=visit("甲公司", late_today), headers=key).status_code == 201


def test_the_owner_corrects_and_deletes_a_visit(client: Any, partner: Any, make_partner: Any) -> None:
    key = auth(partner[1])
    created = client.post("/api/v1/visits", json=visit("甲公司"), headers=key).json()
    url = f"/api/v1/visits/{created['id']}"
    _, other = make_partner("university")
    for resp in (client.patch(url, json={"jobs_promised": 9}, headers=auth(other)),
                 client.delete(url, headers=auth(other))):
        assert resp.status_code == 404
    changed = client.patch(url, json={"jobs_promised": 9, "leader_title": "校长", "employer_size": "small"},
                           headers=key)
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert (body["jobs_promised"], body["leader_title"], body["employer_size"]) == (9, "校长", "small")
    assert body["updated_at"] >= created["updated_at"] and body["employer_name"] == "甲公司"
    tomorrow = (today() + timedelta(days=1)).isoformat()
    future = client.patch(url, json={"visited_at": tomorrow}, headers=key)
    assert future.status_code == 422 and future.json()["errors"][0]["field"] == "visited_at"
    cleared = client.patch(url, json={"employer_name": None}, headers=key)
    assert cleared.status_code == 422 and cleared.json()["errors"][0]["field"] == "employer_name"
    assert client.get(url, headers=key).json()["jobs_promised"] == 9
    assert client.get("/api/v1/visits/progress", headers=key).json()["jobs_promised"] == 9
    assert client.delete(url, headers=key).status_code == 204
    assert client.get(url, headers=key).status_code == 404
    assert client.delete(url, headers=key).status_code == 404
    assert client.get("/api/v1/visits/progress", headers=key).json()["visits"] == 0


def test_the_hub_suggests_whether_an_employer_is_newly_developed(client: Any, make_partner: Any) -> None:
    uni_id, uni = make_partner("university", region_code="440300")
    key = auth(uni)
    # The university already shared a posting from 老朋友公司: visiting it develops nothing new.
    client.post("/api/v1/postings/batch", json={"postings": [job("P1", "会计", "440305", "深圳老朋友科技有限公司")]},
                headers=key)
    check = client.get("/api/v1/visits/new-employer", params={"employer_name": "深圳老朋友科技有限公司"}, headers=key)
    assert check.status_code == 200 and check.json()["new_employer"] is False and check.json()["postings"] == 1
    old = client.post("/api/v1/visits", json=visit("深圳老朋友科技有限公司"), headers=key).json()
    assert (old["new_employer"], old["new_employer_suggested"]) == (False, False) and old["employer_id"]

    first = client.post("/api/v1/visits", json=visit("深圳新开拓科技有限公司", today() - timedelta(days=2)),
                        headers=key).json()
    assert (first["new_employer"], first["new_employer_suggested"]) == (True, True)
    again = client.post("/api/v1/visits", json=visit("深圳新开拓科技有限公司"), headers=key).json()
    assert again["new_employer_suggested"] is False  # visited before
    said = client.post("/api/v1/visits", json=visit("深圳另一家公司", new_employer=False), headers=key).json()
    assert (said["new_employer"], said["new_employer_suggested"]) == (False, True)
    check = client.get("/api/v1/visits/new-employer", params={"employer_name": "深圳新开拓科技有限公司"}, headers=key)
    assert check.json() == {**check.json(), "new_employer": False, "earlier_visits": 2}

    progress = client.get("/api/v1/visits/progress", headers=key).json()
    assert (progress["employers_visited"], progress["new_employers"]) == (3, 1)
    assert {lp["leader_name"]: lp["new_employers"] for lp in progress["leaders"]} == {"王校长": 1}
    # Another university's history says nothing about this one's.
    _, other = make_partner("university", region_code="440100")
    theirs = client.post("/api/v1/visits", json=visit("深圳老朋友科技有限公司"), headers=auth(other)).json()
    assert theirs["new_employer_suggested"] is True
    assert client.get("/api/v1/visits/new-employer", headers=key).status_code == 422


def test_employer_size_counts_smes_and_marks_the_employer(client: Any, partner: Any, post_jobs: Any,
                                                          db: Any) -> None:
    post_jobs(job("A", "Java开发", "440305", "深圳市小微创新科技有限公司"))
    key = auth(partner[1])
    for name, size in (("深圳市小微创新科技有限公司", "micro"), ("某大型集团", "large"), ("某中型企业", "medium"),
                       ("某中型企业", None), ("未说规模公司", None)):
        body = visit(name, employer_size=size) if size else visit(name)
        assert client.post("/api/v1/visits", json=body, headers=key).status_code == 201
    assert client.get("/api/v1/visits/progress", headers=key).json()["sme_employers"] == 2
    with db.read() as s:
        sizes = dict(s.execute(select(Employer.name, Employer.size_class)).all())
    assert sizes["深圳市小微创新科技有限公司"] == "micro"
    bad = client.post("/api/v1/visits", json=visit("x", employer_size="huge"), headers=key)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "employer_size"
