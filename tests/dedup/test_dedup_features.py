"""The scorer on pairs of postings: what joins, what a veto keeps apart, and why."""

from __future__ import annotations

from typing import Any

from app.dedup.features import THRESHOLD, compare, score, veto
from app.dedup.signature import from_posting

DESC = ("岗位职责：1、负责公司核心业务系统的后端开发与维护；2、参与系统架构设计与技术选型；"
        "3、编写技术文档。任职要求：计算机相关专业本科及以上学历，熟悉Java与Spring。")


def doc(**over: Any) -> dict[str, Any]:
    """A normalised posting document, as ``app.ingest.normalise`` makes it."""
    base: dict[str, Any] = {
        "title": "Java开发工程师", "employer": {"name": "深圳市骏龙电子有限公司", "credit_code": None,
                                            "credit_code_verified": False, "type": None},
        "locations": [{"region_code": "440305"}], "description": DESC, "job_type": "full_time",
        "education": "bachelor", "salary": {"min": 10000, "max": 15000, "period": "month"},
        "posted_at": "2022-05-09T01:00:00+00:00",
    }
    base.update(over)
    return base


def judge(a: dict[str, Any], b: dict[str, Any]) -> tuple[float, dict[str, Any]]:
    f = compare(from_posting("E1", a), from_posting("E1", b))
    return score(f), f


def test_a_decorated_cut_short_cross_posting_matches() -> None:
    s, f = judge(doc(), doc(title="【急招】JAVA开发工程师（2022届校招）", employer={
        "name": "骏龙电子（深圳）有限公司", "credit_code": None, "credit_code_verified": False, "type": None},
        locations=[{"region_code": "440300"}], description=DESC[:40] + "…",
        salary={"min": 120000, "max": 180000, "period": "year"}))
    assert s >= THRESHOLD, f
    assert (f["title"], f["place"], f["salary"]) == ("exact", "same_city", "overlap")
    assert f["description"] == 1.0


def test_another_city_district_or_seniority_is_vetoed() -> None:
    assert veto(judge(doc(), doc(locations=[{"region_code": "440106"}]))[1]) == "place"
    assert veto(judge(doc(), doc(locations=[{"region_code": "440304"}]))[1]) == "place"
    assert veto(judge(doc(), doc(title="高级Java开发工程师"))[1]) == "title"
    assert veto(judge(doc(title="初级Java开发工程师"), doc(title="高级Java开发工程师"))[1]) == "title"
    assert judge(doc(title="初级Java开发工程师"), doc(title="高级Java开发工程师"))[0] == 0.0


def test_a_title_naming_another_city_than_the_posting_is_another_job() -> None:
    s, f = judge(doc(title="架构师"), doc(title="架构师（东莞）"))
    assert f["title"] == "different" and s == 0.0
    assert judge(doc(title="架构师"), doc(title="架构师（深圳南山）"))[1]["title"] == "exact"


def test_different_verified_credit_codes_never_match() -> None:
    emp = {"name": "深圳市骏龙电子有限公司", "credit_code_verified": True, "type": None}
    s, f = judge(doc(employer={**emp, "credit_code": "91440300MA5F00000A"}),
                 doc(employer={**emp, "credit_code": "91440300MA5F00001B"}))
    assert f["employer"] == "conflict" and s == 0.0


def test_disjoint_or_barely_touching_salaries_keep_the_same_title_apart() -> None:
    no_desc = {"description": None}
    assert judge(doc(**no_desc), doc(**no_desc, salary={"min": 15001, "max": 20000, "period": "month"}))[0] \
        < THRESHOLD
    s, f = judge(doc(**no_desc, salary={"min": 10001, "max": 15000, "period": "month"}),
                 doc(**no_desc, salary={"min": 15000, "max": 20000, "period": "month"}))
    assert f["salary"] == "partial" and s < THRESHOLD


def test_one_employer_reusing_a_description_for_another_title_does_not_match() -> None:
    s, f = judge(doc(title="Java开发工程师"), doc(title="测试工程师"))
    assert f["description"] == 1.0 and f["title"] == "different" and s == 0.0
    city = [{"region_code": "440300"}]
    s, f = judge(doc(title="软件测试", locations=city), doc(title="软件测试工程师", locations=city))
    assert f["title"] == "contained" and s < THRESHOLD


def test_titles_of_pure_decoration_match_only_on_the_description() -> None:
    assert judge(doc(title="急聘"), doc(title="【急聘】双休"))[0] >= THRESHOLD
    assert judge(doc(title="急聘", description=None), doc(title="急聘", description=None))[0] < THRESHOLD


def test_a_hidden_employer_needs_the_description_to_agree() -> None:
    hidden = {"name": "某知名企业", "credit_code": None, "credit_code_verified": False, "type": None}
    s, f = judge(doc(), doc(employer=hidden, description=DESC[:60]))
    assert f["employer"] == "weak" and s >= THRESHOLD, f  # the same text, cut short: the same job
    # Title, place, pay and education all agree, but nothing says it is this employer's vacancy.
    assert veto(judge(doc(), doc(employer=hidden, description=None))[1]) == "weak_employer"
    other = "岗位职责：负责门店日常运营管理，完成销售目标；任职要求：大专及以上学历，有零售行业经验者优先。"
    assert veto(judge(doc(), doc(employer=hidden, description=other))[1]) == "weak_employer"


def test_signature_made_in_prepare_is_the_one_the_store_would_make() -> None:
    """``prepare`` makes each posting's signature before its employer is known; with the employer
    added it equals the signature made from the document, and so do the locks taken from it."""
    from app.dedup.signature import lock_keys, posting_signature
    from app.ingest.pipeline import prepare
    from app.ingest.prepare import NormalPosting
    from tests.samples import AGENCY, PROVINCE, UNIVERSITY, real_postings

    items = [p for p in map(prepare, [*real_postings(), AGENCY, PROVINCE, UNIVERSITY]) if isinstance(p, NormalPosting)]
    assert len(items) == 22
    for item in items:
        assert item.signature == posting_signature(item.data)
        assert from_posting("E1", item.data, item.signature) == from_posting("E1", item.data)
        assert lock_keys("E1", item.data, item.signature) == lock_keys("E1", item.data)
