"""A small, varied set of jobs pushed through the public API, for the page and browser tests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import auth, make_posting

# Distinct employer names, so no deduplication rule can merge the paging jobs.
_NAMES = ["星河", "云帆", "青松", "蓝海", "金石", "白鹭", "红枫", "翠竹", "银杏", "紫荆", "海棠", "山茶",
          "梧桐", "玉兰", "腊梅", "丁香", "木棉", "凤凰", "麒麟", "长城", "黄河", "长江", "珠江", "泰山"]
HOSTILE_TITLE = "<script>alert('x')</script>安全工程师"
HOSTILE_DESC = "岗位</script><img src=x onerror=alert(1)>描述 \u2028 &amp;"
SECOND_SOURCE = "智联招聘（测试）"
PAGING_COUNT = 24  # more than one page (20) of "测试工程师" in 深圳


@dataclass
class Seeded:
    partner_id: str
    partner_name: str
    key: str
    ids: dict[str, str]  # external_id → job_id


def _special() -> list[dict[str, Any]]:
    return [
        make_posting("JAVA-1"),  # 深圳南山, bachelor, full_time, private, I, 8000-12000
        make_posting("FE-1", title="前端开发工程师", employer={"name": "广州网易计算机系统有限公司", "type": "private"},
                     locations=[{"region_code": "440106"}], description="负责前端页面开发，熟悉 React 和 TypeScript。",
                     salary={"min": 13000, "max": 16000, "period": "month"}),
        make_posting("ACC-1", title="会计助理", employer={"name": "中国银行股份有限公司北京市分行", "type": "soe"},
                     locations=[{"region_code": "110105"}], education="associate", industry="J",
                     description="协助完成日常账务处理。", salary={"min": 5000, "max": 7000, "period": "month"},
                     majors=["会计学", "财务管理"], apply_url="https://example.com/apply?a=1&b=2",
                     url="https://example.com/jobs/acc-1"),
        make_posting("DATA-1", title="数据分析实习生", employer={"name": "上海某外资咨询有限公司", "type": "foreign"},
                     locations=[{"region_code": "310115"}], education="master", job_type="internship",
                     description="参与数据清洗与分析报告。", salary={"min": 200, "max": 300, "period": "day"}),
        make_posting("EVIL-1", title=HOSTILE_TITLE, employer={"name": "杭州<b>粗体</b>科技有限公司", "type": "private"},
                     locations=[{"region_code": "330106"}], description=HOSTILE_DESC,
                     url="https://example.com/x?\"><script>alert(3)</script>"),
    ]


def _paging() -> list[dict[str, Any]]:
    return [
        make_posting(f"QA-{i:02d}", title=f"软件测试工程师（{_NAMES[i]}项目）",
                     employer={"name": f"深圳市{_NAMES[i]}信息技术有限公司", "type": "private"},
                     locations=[{"region_code": "440304"}], description=f"负责{_NAMES[i]}产品的功能测试。",
                     salary={"min": 6000 + 100 * i, "max": 9000 + 100 * i, "period": "month"},
                     url=f"https://example.com/qa/{i}", posted_at=f"2026-05-{(i % 28) + 1:02d}T09:00:00+08:00")
        for i in range(PAGING_COUNT)
    ]


def seed_jobs(client: TestClient, make_partner: Any) -> Seeded:
    name = "深圳大学就业指导中心"
    partner_id, key = make_partner("university", name=name, region_code="440300")
    resp = client.post("/api/v1/postings/batch", json={"postings": _special() + _paging()}, headers=auth(key))
    assert resp.status_code == 200, resp.text
    results = resp.json()["results"]
    assert all(r["status"] == "created" for r in results), results
    # A recruiter shares the same Java vacancy: deduplication makes it a second source of JAVA-1.
    _, other = make_partner("recruiter", name=SECOND_SOURCE)
    resp = client.post("/api/v1/postings/batch", headers=auth(other), json={"postings": [
        make_posting("ZL-77", url="https://example.com/zl/77", apply_url=None)]})
    assert resp.status_code == 200, resp.text
    results += resp.json()["results"]
    return Seeded(partner_id, name, key, {r["external_id"]: r["job_id"] for r in results})
