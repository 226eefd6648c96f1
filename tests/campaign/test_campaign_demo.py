"""``make run``'s demo holds the campaign: a province with universities at different progress, fairs,
visits, cases, and a submitted and a missing report; loading it twice adds nothing twice."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import func, select

from app.config import get_settings
from app.demo import load_demo
from app.models import Case, Visit
from tests.conftest import auth


@pytest.fixture
def demo(db_url: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    monkeypatch.setenv("HUB_DATABASE_URL", db_url)
    monkeypatch.setenv("HUB_SECRET_KEY", "test-secret-key-0123456789")
    get_settings.cache_clear()
    try:
        load_demo()
        summary = load_demo()  # twice: the second only issues new keys
    finally:
        get_settings.cache_clear()
    return {p["name"]: p["api_key"] for p in summary["partners"]}


def test_the_demo_shows_an_operator_a_realistic_campaign(demo: dict[str, str], client: Any, db: Any) -> None:
    national = auth(demo["教育部高校学生司（示例）"])
    guangdong = auth(demo["广东省大学生就业创业服务平台（示例）"])
    with db.read() as s:
        assert s.execute(select(func.count()).select_from(Visit)).scalar_one() == 112 + 64 + 41 + 9 + 57 + 23
        assert s.execute(select(func.count()).select_from(Case)).scalar_one() == 4 + 3 + 5 + 2 + 2 + 1
    rows = client.get("/api/v1/oversight/universities", headers=guangdong).json()["rows"]
    assert len(rows) == 5 and len({r["behind"] for r in rows}) == 5
    assert rows[0]["linked"] is False and rows[-1]["visits_remaining"] == 0  # the laggard first, the leader last
    assert any(r["new_employer_target"] for r in rows) and any(r["cases_covered"] for r in rows)
    assert all(r["visit_target"] == 110 and r["visit_target_source"] == "province" for r in rows)
    yesterday = (datetime.now(timezone(timedelta(hours=8))).date() - timedelta(days=1)).isoformat()
    table = {r["province_code"]: r for r in client.get("/api/v1/reports/provinces", params={"date": yesterday},
                                                      headers=national).json()["rows"]}
    assert table["440000"]["status"] == "on_time" and table["440000"]["narrative"]
    assert table["320000"]["status"] == "missing" and table["440000"]["figures_source"] == "snapshot"
    assert table["440000"]["universities"] == 5 and table["320000"]["universities"] == 2
    fairs = client.get("/api/v1/fairs", params={"region": "440000", "when": "all"}).json()["items"]
    assert len(fairs) >= 4


def test_the_demo_seeds_fairs_of_every_kind_and_mode_a_series_and_a_way_to_apply_everywhere(
        demo: dict[str, str], client: Any) -> None:
    fairs = client.get("/api/v1/fairs", params={"when": "all", "limit": 100}).json()["items"]
    assert {f["kind"] for f in fairs} == {"regional", "industry", "alliance", "campus"}
    assert {f["mode"] for f in fairs} == {"online", "offline", "hybrid"}
    assert any(f["scope"] == "national" and f["industry"] == "I" for f in fairs)
    assert any(f["status"] == "cancelled" for f in fairs)
    mains = [f for f in fairs if f["series_role"] == "main"]
    assert len(mains) == 1
    series = client.get(f"/api/v1/fair-series/{mains[0]['series_id']}").json()
    assert [f["series_role"] for f in series["fairs"]] == ["main"] + ["sub"] * 5
    page = client.get("/fairs", headers={"Accept": "text/html"}).text
    assert mains[0]["title"] in page and "招聘会信息正在接入" not in page
    jobs = client.get("/api/v1/jobs", params={"fair": mains[0]["id"]}).json()
    assert jobs["total"] >= 1
    body: dict[str, Any] = {"limit": 100}
    bare = 0
    while True:
        page_of = client.get("/api/v1/jobs", params=body).json()
        for job in page_of["items"]:
            text = client.get(f"/jobs/{job['id']}", headers={"Accept": "text/html"}).text
            bare += "button--apply" not in text
        if not page_of["next_cursor"] or bare:
            break
        body["cursor"] = page_of["next_cursor"]
    assert bare == 0  # every open demo job has a way to apply
