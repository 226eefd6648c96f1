"""Recruitment fairs: organiser-only writes, public reads, region hierarchy, validation, cancel."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from app.services.fairs import fair_job_ids
from tests.campaign.helpers import job
from tests.conftest import auth


def _when(days: float) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).isoformat()


def fair_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": "2026届毕业生春季双选会", "kind": "campus", "mode": "offline", "region_code": "440305",
        "venue": "体育馆", "address": "深圳市南山区学苑大道", "starts_at": _when(3), "ends_at": _when(3.3),
        "description": "百日冲刺校园专场", "employers": [{"name": "深圳某科技有限公司"}],
    }
    body.update(overrides)
    return body


def test_organiser_creates_a_fair_with_jobs_and_anyone_reads_it(client: Any, partner: Any, post_jobs: Any,
                                                                db: Any) -> None:
    ids = post_jobs(job("A", "Java开发", "440305", "甲公司"), job("B", "会计", "440305", "乙公司"))
    resp = client.post("/api/v1/fairs", json=fair_body(job_ids=[ids["B"], ids["A"], ids["B"]]),
                       headers=auth(partner[1]))
    assert resp.status_code == 201, resp.text
    fair = resp.json()
    assert fair["organiser_id"] == partner[0] and fair["status"] == "scheduled"
    assert fair["job_ids"] == [ids["B"], ids["A"]]
    assert fair["region_name"] == "南山区"
    public = client.get(f"/api/v1/fairs/{fair['id']}")
    assert public.status_code == 200 and public.json()["title"] == "2026届毕业生春季双选会"
    with db.read() as session:
        assert fair_job_ids(session, fair["id"]) == [ids["B"], ids["A"]]


def test_unknown_job_ids_are_named_by_position(client: Any, partner: Any, post_jobs: Any) -> None:
    ids = post_jobs(job("A", "Java开发", "440305", "甲公司"))
    resp = client.post("/api/v1/fairs", json=fair_body(job_ids=[ids["A"], "nope"]), headers=auth(partner[1]))
    assert resp.status_code == 422
    assert [e["field"] for e in resp.json()["errors"]] == ["job_ids[1]"]


def test_validation_errors_name_the_fields(client: Any, partner: Any) -> None:
    resp = client.post("/api/v1/fairs", json=fair_body(starts_at=_when(2), ends_at=_when(1)), headers=auth(partner[1]))
    assert resp.status_code == 422 and resp.json()["errors"][0]["field"] == "ends_at"
    resp = client.post("/api/v1/fairs", json=fair_body(region_code="999999", kind="party"), headers=auth(partner[1]))
    assert resp.status_code == 422
    assert {e["field"] for e in resp.json()["errors"]} == {"region_code", "kind"}
    resp = client.post("/api/v1/fairs", json=fair_body(starts_at="2026-05-01T09:00:00"), headers=auth(partner[1]))
    assert resp.status_code == 422 and resp.json()["errors"][0]["field"] == "starts_at"
    assert client.post("/api/v1/fairs", json=fair_body()).status_code == 401


def test_list_filters_by_region_hierarchy_kind_and_time(client: Any, partner: Any) -> None:
    key = auth(partner[1])
    client.post("/api/v1/fairs", json=fair_body(title="南山专场"), headers=key)
    client.post("/api/v1/fairs", json=fair_body(title="北京行业", region_code="110108", kind="industry"), headers=key)
    client.post("/api/v1/fairs", json=fair_body(title="去年的", starts_at=_when(-10), ends_at=_when(-9.9)),
                headers=key)

    def titles(**params: Any) -> list[str]:
        resp = client.get("/api/v1/fairs", params=params)
        assert resp.status_code == 200, resp.text
        return [f["title"] for f in resp.json()["items"]]

    assert sorted(titles()) == ["北京行业", "南山专场"]
    assert titles(region="440000") == ["南山专场"]
    assert titles(region="440300") == ["南山专场"]
    assert titles(region="110000") == ["北京行业"]
    assert titles(kind="industry") == ["北京行业"]
    assert titles(when="past") == ["去年的"]
    assert len(titles(when="all")) == 3
    bad = client.get("/api/v1/fairs", params={"region": "123"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "region"


def test_cursor_pages_through_every_fair_once(client: Any, partner: Any) -> None:
    for i in range(5):
        client.post("/api/v1/fairs", json=fair_body(title=f"F{i}", starts_at=_when(1 + i), ends_at=_when(1.1 + i)),
                    headers=auth(partner[1]))
    seen, cursor = [], None
    while True:
        resp = client.get("/api/v1/fairs", params={"limit": 2, **({"cursor": cursor} if cursor else {})}).json()
        seen += [f["title"] for f in resp["items"]]
        cursor = resp["next_cursor"]
        if not cursor:
            break
    assert seen == ["F0", "F1", "F2", "F3", "F4"]


def test_only_the_organiser_changes_or_cancels_and_cancelled_fairs_stay_visible(
        client: Any, partner: Any, make_partner: Any, post_jobs: Any) -> None:
    ids = post_jobs(job("A", "Java开发", "440305", "甲公司"))
    _, other = make_partner("provincial_platform")
    fair = client.post("/api/v1/fairs", json=fair_body(), headers=auth(partner[1])).json()
    url = f"/api/v1/fairs/{fair['id']}"
    assert client.patch(url, json={"title": "改名"}, headers=auth(other)).status_code == 404
    assert client.post(f"{url}/cancel", headers=auth(other)).status_code == 404
    assert client.delete(url, headers=auth(other)).status_code == 404
    changed = client.patch(url, json={"title": "改名", "job_ids": [ids["A"]]}, headers=auth(partner[1]))
    assert changed.status_code == 200 and changed.json()["title"] == "改名"
    assert changed.json()["job_ids"] == [ids["A"]]
    bad = client.patch(url, json={"ends_at": _when(-1)}, headers=auth(partner[1]))
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "ends_at"
    cancelled = client.post(f"{url}/cancel", headers=auth(partner[1]))
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert client.get(url).json()["status"] == "cancelled"
    assert [f["status"] for f in client.get("/api/v1/fairs").json()["items"]] == ["cancelled"]
    assert client.patch(url, json={"title": "再改"}, headers=auth(partner[1])).status_code == 409
    assert client.delete(url, headers=auth(partner[1])).json()["status"] == "cancelled"


def test_delete_cancels_a_fair(client: Any, partner: Any) -> None:
    fair = client.post("/api/v1/fairs", json=fair_body(), headers=auth(partner[1])).json()
    resp = client.delete(f"/api/v1/fairs/{fair['id']}", headers=auth(partner[1]))
    assert resp.status_code == 200 and resp.json()["status"] == "cancelled"
    assert client.get(f"/api/v1/fairs/{fair['id']}").status_code == 200


def test_unknown_fair_is_404(client: Any) -> None:
    assert client.get("/api/v1/fairs/nope").status_code == 404


def test_the_same_idempotency_key_replays_the_created_fair(client: Any, partner: Any) -> None:
    headers = {**auth(partner[1]), "Idempotency-Key": "fair-1"}
    body = fair_body()
    first = client.post("/api/v1/fairs", json=body, headers=headers)
    again = client.post("/api/v1/fairs", json=body, headers=headers)
    assert first.status_code == again.status_code == 201 and first.json()["id"] == again.json()["id"]
    assert len(client.get("/api/v1/fairs").json()["items"]) == 1
    other = client.post("/api/v1/fairs", json=fair_body(title="另一场"), headers=headers)
    assert other.status_code == 422 and other.json()["errors"][0]["field"] == "Idempotency-Key"


def test_job_search_lists_a_fairs_jobs_with_the_other_filters_and_counts(client: Any, partner: Any,
                                                                          post_jobs: Any) -> None:
    ids = post_jobs(job("A", "Java开发工程师", "440305", "甲公司"), job("B", "会计", "440305", "乙公司"),
                    job("C", "Java开发工程师", "110105", "丙公司"), job("D", "出纳", "440305", "丁公司"))
    fair = client.post("/api/v1/fairs", json=fair_body(job_ids=[ids["A"], ids["B"], ids["C"]]),
                       headers=auth(partner[1])).json()

    def found(**params: Any) -> tuple[set[str], int]:
        resp = client.get("/api/v1/jobs", params={"fair": fair["id"], **params})
        assert resp.status_code == 200, resp.text
        body = resp.json()
        return {item["id"] for item in body["items"]}, body["total"]

    assert found() == ({ids["A"], ids["B"], ids["C"]}, 3)  # D is not on offer there
    assert found(q="Java") == ({ids["A"], ids["C"]}, 2)
    assert found(region="440300") == ({ids["A"], ids["B"]}, 2)
    page = client.get("/api/v1/jobs", params={"fair": fair["id"], "limit": 2, "facets": "region"}).json()
    assert len(page["items"]) == 2 and page["next_cursor"] and page["facets"]["region"] == {"440000": 2, "110000": 1}
    rest = client.get("/api/v1/jobs", params={"fair": fair["id"], "limit": 2, "cursor": page["next_cursor"]}).json()
    assert {i["id"] for i in page["items"] + rest["items"]} == {ids["A"], ids["B"], ids["C"]}
    # The organiser changes the list: the counts follow at once (they are cached per job list).
    client.patch(f"/api/v1/fairs/{fair['id']}", json={"job_ids": [ids["D"]]}, headers=auth(partner[1]))
    assert found() == ({ids["D"]}, 1)
    client.patch(f"/api/v1/fairs/{fair['id']}", json={"job_ids": []}, headers=auth(partner[1]))
    assert found() == (set(), 0)


def test_job_search_names_an_unknown_fair(client: Any) -> None:
    resp = client.get("/api/v1/jobs", params={"fair": "nosuchfair"})
    assert resp.status_code == 422 and resp.headers["content-type"].startswith("application/problem+json")
    assert [e["field"] for e in resp.json()["errors"]] == ["fair"]
    assert client.get("/api/v1/jobs", params={"fair": "bad id!"}).json()["errors"][0]["field"] == "fair"


def test_date_filters_outside_the_years_a_fair_can_have_are_422_naming_them(client: Any) -> None:
    # 9999-12-31 and 0001-01-01 cannot be shifted to Beijing time (found by bench/fuzz.py: a 500)
    for name, day in (("date_from", "9999-12-31"), ("date_to", "0001-01-01"), ("date_from", "1999-12-31")):
        answer = client.get("/api/v1/fairs", params={name: day})
        assert answer.status_code == 422, answer.text
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert [e["field"] for e in answer.json()["errors"]] == [name]
    assert client.get("/api/v1/fairs", params={"date_from": "2000-01-01", "date_to": "2099-12-31"}).status_code == 200
