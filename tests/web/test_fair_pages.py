"""The fairs for students: list with filters and a past tab, one fair's page, calendar files,
and the search honouring ``fair=``."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import auth
from tests.web.conftest import HTML
from tests.web.seed import Seeded

BEIJING = timezone(timedelta(hours=8))


def _when(days: int, hour: int = 9) -> datetime:
    base = datetime.now(BEIJING).replace(hour=hour, minute=0, second=0, microsecond=0)
    return base + timedelta(days=days)


def _fair(client: TestClient, key: str, **fields: Any) -> dict[str, Any]:
    start = fields.pop("start", _when(3))
    body = {"title": "深圳市2026届高校毕业生春季双选会", "kind": "regional", "mode": "offline",
            "region_code": "440305", "venue": "深圳会展中心", "address": "福田区福华三路",
            "starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=6)).isoformat(), **fields}
    resp = client.post("/api/v1/fairs", json=body, headers=auth(key))
    assert resp.status_code == 201, resp.text
    return resp.json()  # type: ignore[no-any-return]


def test_fair_list_shows_upcoming_fairs_filters_them_and_keeps_past_ones_on_a_tab(
        client: TestClient, seeded: Seeded) -> None:
    soon = _fair(client, seeded.key, start=_when(2, 10))
    online = _fair(client, seeded.key, title="全国信息技术行业线上专场", kind="industry", mode="online",
                   region_code="000000", industry="I", url="https://example.com/room/1", venue=None, address=None)
    past = _fair(client, seeded.key, title="去年秋季校园招聘会", kind="campus", start=_when(-30))
    beijing = _fair(client, seeded.key, title="北京市区域招聘会", region_code="110105")
    page = client.get("/fairs", headers=HTML)
    assert page.status_code == 200 and page.headers["content-type"] == "text/html; charset=utf-8"
    text = page.text
    assert soon["title"] in text and online["title"] in text and beijing["title"] in text
    assert past["title"] not in text and "招聘会信息正在接入" not in text
    start = soon["starts_at"]
    local = datetime.fromisoformat(start).astimezone(BEIJING)
    assert f"{local.year}年{local.month}月{local.day}日" in text and "10:00–16:00" in text and "北京时间" in text
    guangdong = client.get("/fairs", params={"province": "440000"}, headers=HTML).text
    assert soon["title"] in guangdong and online["title"] in guangdong  # a national fair serves every region
    assert beijing["title"] not in guangdong
    assert online["title"] in client.get("/fairs", params={"industry": "I"}, headers=HTML).text
    assert soon["title"] not in client.get("/fairs", params={"mode": "online"}, headers=HTML).text
    assert soon["title"] not in client.get("/fairs", params={"kind": "industry"}, headers=HTML).text
    later = (datetime.now(BEIJING) + timedelta(days=10)).date().isoformat()
    assert soon["title"] not in client.get("/fairs", params={"date_from": later}, headers=HTML).text
    tab = client.get("/fairs", params={"when": "past"}, headers=HTML).text
    assert past["title"] in tab and soon["title"] not in tab
    bad = client.get("/fairs", params={"kind": "circus", "province": "999999"}, headers=HTML)
    assert bad.status_code == 422 and "kind" in bad.text and "province" in bad.text


def test_fair_page_shows_time_venue_organiser_employers_and_its_jobs(client: TestClient, seeded: Seeded) -> None:
    fair = _fair(client, seeded.key, start=_when(5, 14), job_ids=[seeded.ids["JAVA-1"]],
                 employers=[{"name": "深圳市腾讯计算机系统有限公司", "booth": "A-12", "size": "large",
                             "job_ids": [seeded.ids["FE-1"]]}])
    assert sorted(fair["job_ids"]) == sorted([seeded.ids["JAVA-1"], seeded.ids["FE-1"]])
    page = client.get(f"/fairs/{fair['id']}", headers=HTML)
    assert page.status_code == 200
    text = page.text
    assert fair["title"] in text and "14:00–20:00" in text and "北京时间" in text
    assert "深圳会展中心" in text and seeded.partner_name in text
    assert "展位 A-12" in text and "深圳市腾讯计算机系统有限公司" in text
    assert "前端开发工程师" in text and "Java开发工程师" in text and "会计助理" not in text
    assert f'href="/fairs/{fair["id"]}.ics"' in text and f"/?fair={fair['id']}" in text
    assert f'<link rel="canonical" href="http://testserver/fairs/{fair["id"]}">' in text
    job = client.get(f"/jobs/{seeded.ids['FE-1']}", headers=HTML).text  # a job names the fairs it is offered at
    assert f'href="/fairs/{fair["id"]}"' in job
    card = client.get("/", params={"q": "前端"}, headers=HTML).text
    assert f'href="/fairs/{fair["id"]}"' in card


def test_a_cancelled_fair_stays_visible_marked_cancelled(client: TestClient, seeded: Seeded) -> None:
    fair = _fair(client, seeded.key)
    assert client.post(f"/api/v1/fairs/{fair['id']}/cancel", headers=auth(seeded.key)).status_code == 200
    assert "已取消" in client.get("/fairs", headers=HTML).text
    page = client.get(f"/fairs/{fair['id']}", headers=HTML).text
    assert "已取消" in page and "加入日历" not in page
    assert "STATUS:CANCELLED" in client.get(f"/fairs/{fair['id']}.ics").text


def test_unknown_fairs_get_a_friendly_404_page(client: TestClient, seeded: Seeded) -> None:
    for path in ("/fairs/NOSUCHFAIR", "/fairs/%3Cscript%3E", "/fairs/NOSUCHFAIR.ics"):
        resp = client.get(path, headers=HTML)
        assert resp.status_code == 404 and "招聘会不存在" in resp.text and 'href="/fairs"' in resp.text


def test_calendar_files_for_one_fair_and_for_a_filtered_list(client: TestClient, seeded: Seeded) -> None:
    one = _fair(client, seeded.key, title="测试招聘会, 含逗号; 和分号", start=datetime(2099, 5, 9, 9, 0, tzinfo=BEIJING))
    other = _fair(client, seeded.key, title="北京招聘会", region_code="110105")
    resp = client.get(f"/fairs/{one['id']}.ics")
    assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/calendar")
    body = resp.text
    assert body.startswith("BEGIN:VCALENDAR\r\n") and body.endswith("END:VCALENDAR\r\n")
    assert "DTSTART:20990509T010000Z" in body and "DTEND:20990509T070000Z" in body  # 09:00 Beijing is 01:00 UTC
    assert "SUMMARY:测试招聘会\\, 含逗号\\; 和分号" in body and f"UID:fair-{one['id']}@testserver" in body
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))
    listed = client.get("/fairs.ics", params={"province": "440000"}).text
    assert listed.count("BEGIN:VEVENT") == 1 and one["id"] in listed and other["id"] not in listed
    assert 'href="/fairs.ics?province=440000"' in client.get("/fairs", params={"province": "440000"},
                                                             headers=HTML).text


def test_search_page_honours_fair_and_names_an_unknown_one(client: TestClient, seeded: Seeded) -> None:
    fair = _fair(client, seeded.key, title="会计专场招聘会", job_ids=[seeded.ids["ACC-1"]])
    page = client.get("/", params={"fair": fair["id"]}, headers=HTML)
    assert page.status_code == 200
    assert "会计助理" in page.text and "前端开发工程师" not in page.text and "找到 1 个职位" in page.text
    assert "会计专场招聘会" in page.text  # the chip names the fair
    for garbage in ("garbage", "NOSUCHFAIR"):
        bad = client.get("/", params={"fair": garbage}, headers=HTML)
        assert bad.status_code == 422 and "招聘会不存在" in bad.text and 'href="/fairs"' in bad.text
    assert client.get("/", params={"fair": "<x>"}, headers=HTML).status_code == 422


def test_a_series_lists_its_main_venue_and_sub_venues_together(client: TestClient, seeded: Seeded) -> None:
    series = client.post("/api/v1/fair-series", json={"title": "2026届春季校园招聘系列活动"}, headers=auth(seeded.key))
    assert series.status_code == 201, series.text
    sid = series.json()["id"]
    subs = [_fair(client, seeded.key, title=f"分会场{i}", series_id=sid, region_code=code)
            for i, code in enumerate(["440106", "440604"])]
    main = _fair(client, seeded.key, title="主会场", series_id=sid, series_role="main", start=_when(4))
    got = client.get(f"/api/v1/fair-series/{sid}").json()
    assert [f["title"] for f in got["fairs"]] == ["主会场", "分会场0", "分会场1"]
    assert got["fairs"][0]["series_title"] == "2026届春季校园招聘系列活动"
    page = client.get(f"/fairs/{subs[0]['id']}", headers=HTML).text
    assert "2026届春季校园招聘系列活动" in page and f'href="/fairs/{main["id"]}"' in page and "主会场" in page
    listed = client.get("/api/v1/fairs", params={"series": sid}).json()["items"]
    assert {f["id"] for f in listed} == {main["id"], *(s["id"] for s in subs)}


def test_search_pages_link_their_rss_and_atom_feeds(client: TestClient, seeded: Seeded) -> None:
    text = client.get("/", params={"q": "会计", "region": "110000", "sort": "salary"}, headers=HTML).text
    rss = "http://testserver/api/v1/jobs/feed.rss?q=%E4%BC%9A%E8%AE%A1&amp;region=110000"
    assert f'<link rel="alternate" type="application/rss+xml" title="RSS：会计的新职位" href="{rss}">' in text
    assert f'href="{rss.replace("feed.rss", "feed.atom")}"' in text
    assert "订阅这个搜索" in text
    feed = client.get("/api/v1/jobs/feed.rss", params={"q": "会计", "region": "110000"})
    assert feed.status_code == 200 and "会计助理" in feed.text


def test_robots_and_a_sitemap_index_with_paged_job_sitemaps(client: TestClient, seeded: Seeded,
                                                           monkeypatch: Any) -> None:
    from app.web import discovery

    robots = client.get("/robots.txt")
    assert robots.status_code == 200 and "Sitemap: http://testserver/sitemap.xml" in robots.text
    assert "Disallow: /api/" in robots.text
    monkeypatch.setattr(discovery, "PER_FILE", 10)
    monkeypatch.setattr(discovery, "_starts", {})
    index = client.get("/sitemap.xml")
    assert index.status_code == 200 and index.headers["content-type"].startswith("application/xml")
    import re
    files = re.findall(r"<loc>([^<]+)</loc>", index.text)
    assert files[0] == "http://testserver/sitemaps/pages.xml" and len(files) == 1 + 3  # 29 open jobs, 10 a file
    urls = []
    for f in files[1:]:
        body = client.get(f.removeprefix("http://testserver")).text
        urls += re.findall(r"<loc>([^<]+)</loc>", body)
    assert len(urls) == len(set(urls)) == 29 and all(u.startswith("http://testserver/jobs/") for u in urls)
    assert "<lastmod>" in body
    fair = _fair(client, seeded.key)
    assert f"/fairs/{fair['id']}</loc>" in client.get("/sitemaps/pages.xml").text
    assert client.get("/sitemaps/jobs-%3Cx%3E.xml").status_code == 404


def test_a_fair_list_date_out_of_range_is_named_on_the_page_not_a_500(client: TestClient, seeded: Seeded) -> None:
    for day in ("9999-12-31", "0001-01-01"):
        page = client.get("/fairs", params={"date_from": day}, headers=HTML)
        assert page.status_code == 422 and "date_from" in page.text and "2000-01-01" in page.text
        assert client.get("/fairs.ics", params={"date_from": day}).status_code == 422
