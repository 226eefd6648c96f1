"""Job type and the campus tag read from the title when the partner sends none, both databases."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.search.conftest import Push, Search, titles


def test_the_internship_filter_finds_titles_that_say_实习_when_no_job_type_was_sent(
        push: Push, search: Search, client: TestClient) -> None:
    results = push(("I1", {"title": "数据分析实习生", "job_type": None, "employer": {"name": "甲科技有限公司"}}),
                   ("I2", {"title": "行政见习岗", "job_type": None, "employer": {"name": "乙科技有限公司"}}),
                   ("P1", {"title": "周末兼职家教", "job_type": None, "employer": {"name": "丙教育有限公司"}}),
                   ("F1", {"title": "实习生导师", "job_type": "full_time", "employer": {"name": "丁科技有限公司"}}),
                   ("N1", {"title": "会计", "job_type": None, "tags": [], "employer": {"name": "戊会计师事务所"}}))
    assert sorted(titles(search(job_type="internship"))) == ["数据分析实习生", "行政见习岗"]
    assert titles(search(job_type="part_time")) == ["周末兼职家教"]
    assert "实习生导师" in titles(search(job_type="full_time"))  # what the partner said wins
    ids = {r["external_id"]: r["job_id"] for r in results}
    job = client.get(f"/api/v1/jobs/{ids['I1']}").json()
    assert job["job_type"] == "internship" and job["field_sources"]["job_type"].startswith("title:")
    assert client.get(f"/api/v1/jobs/{ids['F1']}").json()["field_sources"]["job_type"] != "title:"
    plain = client.get(f"/api/v1/jobs/{ids['N1']}").json()
    assert plain["job_type"] is None and "job_type" not in plain["field_sources"]


def test_campus_titles_get_the_campus_tag(push: Push, search: Search, client: TestClient) -> None:
    results = push(("C1", {"title": "Java开发工程师（2026届校招）", "tags": [], "employer": {"name": "甲科技有限公司"}}),
                   ("C2", {"title": "应届生管培生", "tags": ["五险一金"], "employer": {"name": "乙科技有限公司"}}),
                   ("C3", {"title": "高级架构师", "tags": [], "employer": {"name": "丙科技有限公司"}}))
    ids = {r["external_id"]: r["job_id"] for r in results}
    assert client.get(f"/api/v1/jobs/{ids['C1']}").json()["field_sources"]["tags"].startswith("title:")
    assert "tags" not in client.get(f"/api/v1/jobs/{ids['C3']}").json()["field_sources"]
    assert titles(search(q="五险一金")) == ["应届生管培生"]  # the partner's own tags stay
    assert sorted(titles(search(q="校园招聘"))) == ["Java开发工程师(2026届校招)", "应届生管培生"]
