"""Chinese full text through the API: bigram matching, employers, folding, ranking."""

from __future__ import annotations

from typing import Any

from tests.search.conftest import Push, Search, titles


def test_mixed_english_and_chinese_query_finds_title(push: Push, search: Search) -> None:
    push(("A", {"title": "Java开发工程师（2022届校招）"}), ("B", {"title": "前端开发工程师"}))
    assert titles(search(q="java开发")) == ["Java开发工程师(2022届校招)"]
    assert titles(search(q="JAVA 开发")) == ["Java开发工程师(2022届校招)"]


def test_longer_word_finds_title_that_contains_it(push: Push, search: Search) -> None:
    push(("A", {"title": "高级软件工程师"}), ("B", {"title": "软件测试员"}), ("C", {"title": "机械工程师"}))
    assert titles(search(q="软件工程师")) == ["高级软件工程师"]


def test_two_character_words_find_their_jobs_only(push: Push, search: Search) -> None:
    push(("N", {"title": "急诊科护士", "description": "负责病区护理。"}),
         ("K", {"title": "财务会计", "description": "负责日常账务。"}),
         ("S", {"title": "销售代表", "description": "开发新客户。"}),
         ("O", {"title": "行政专员", "description": "负责日常行政事务。"}))
    assert titles(search(q="护士")) == ["急诊科护士"]
    assert titles(search(q="会计")) == ["财务会计"]
    assert titles(search(q="销售")) == ["销售代表"]
    assert titles(search(q="护理")) == ["急诊科护士"]  # found through the description


def test_single_character_matches_words_that_start_with_it(push: Push, search: Search) -> None:
    push(("N", {"title": "护士"}), ("S", {"title": "销售代表"}))
    assert titles(search(q="护")) == ["护士"]


def test_employer_names_are_searchable(push: Push, search: Search) -> None:
    push(("A", {"title": "后端开发", "employer": {"name": "深圳市腾讯计算机系统有限公司"}}),
         ("B", {"title": "后端开发", "employer": {"name": "阿里巴巴（中国）有限公司"}}))
    body = search(q="腾讯")
    assert [i["employer"]["name"] for i in body["items"]] == ["深圳市腾讯计算机系统有限公司"]
    assert body["total"] == 1


def test_punctuation_full_width_and_traditional_do_not_matter(push: Push, search: Search) -> None:
    push(("A", {"title": "Java开发工程师"}), ("B", {"title": "销售/客服专员"}), ("C", {"title": "行政前台"}))
    for q in ("Ｊａｖａ開發", "java，开发！", "“java” 开发", "java-开发"):
        assert titles(search(q=q)) == ["Java开发工程师"], q
    assert titles(search(q="销售客服")) == ["销售/客服专员"]


def test_every_query_word_must_match(push: Push, search: Search) -> None:
    push(("A", {"title": "Java开发工程师"}), ("B", {"title": "Python开发工程师"}))
    assert titles(search(q="python 开发")) == ["Python开发工程师"]
    assert titles(search(q="python java")) == []


def test_programming_words_keep_their_symbols(push: Push, search: Search) -> None:
    push(("A", {"title": "C++开发工程师"}), ("B", {"title": "C#开发工程师"}), ("C", {"title": "C语言讲师"}))
    assert titles(search(q="c++")) == ["C++开发工程师"]
    assert titles(search(q="C#")) == ["C#开发工程师"]


def test_title_matches_rank_above_description_only_matches(push: Push, search: Search) -> None:
    push(("OLD", {"title": "销售经理", "posted_at": "2026-01-01T09:00:00+08:00"}),
         ("NEW", {"title": "客服专员", "description": "协助销售团队跟进客户。",
                  "posted_at": "2026-05-01T09:00:00+08:00"}))
    assert titles(search(q="销售")) == ["销售经理", "客服专员"]
    assert titles(search(q="销售", sort="newest")) == ["客服专员", "销售经理"]


def test_the_exact_title_comes_first_and_fresher_postings_break_ties(push: Push, search: Search) -> None:
    push(("A", {"title": "会计", "posted_at": "2026-03-01T09:00:00+08:00"}),
         ("B", {"title": "会计助理", "posted_at": "2026-04-01T09:00:00+08:00"}),
         ("C", {"title": "主办会计", "posted_at": "2026-02-01T09:00:00+08:00"}))
    assert titles(search(q="会计")) == ["会计", "会计助理", "主办会计"]


def test_relevance_tiers_exact_then_title_then_employer_then_description(push: Push, search: Search) -> None:
    """后台开发工程师 came 4th behind longer, fresher titles that merely contain it."""
    def at(name: str, day: str, **fields: Any) -> tuple[str, dict[str, Any]]:
        return name, {"employer": {"name": f"{name}科技有限公司"}, "posted_at": f"2026-{day}T09:00:00+08:00",
                      **fields}

    push(at("甲", "01-01", title="后台开发工程师"),
         at("乙", "03-01", title="高级后台开发工程师(Go)"),
         at("丙", "02-01", title="后台开发工程师-支付方向"),
         ("SPLIT", {"title": "后台开发", "employer": {"name": "深圳工程师之家科技有限公司"},
                    "posted_at": "2026-05-01T09:00:00+08:00"}),
         at("丁", "06-01", title="技术专员", description="后台开发工程师岗位，负责服务端。"))
    q = "后台开发 工程师"  # the exact title, spaces aside; SPLIT holds it in title and employer together
    assert titles(search(q=q)) == [
        "后台开发工程师", "高级后台开发工程师(Go)", "后台开发工程师-支付方向", "后台开发", "技术专员"]
    assert titles(search(q="后台开发工程师")) == [
        "后台开发工程师", "高级后台开发工程师(Go)", "后台开发工程师-支付方向", "技术专员"]
    first = search(q=q, limit=2)  # paging walks on from tier to tier
    second = search(q=q, limit=2, cursor=first["next_cursor"])
    third = search(q=q, limit=2, cursor=second["next_cursor"])
    assert titles(first) + titles(second) + titles(third) == titles(search(q=q))
    assert third["next_cursor"] is None


def test_future_posted_at_counts_as_first_seen(push: Push, search: Search) -> None:
    push(("FUTURE", {"title": "会计", "posted_at": "2099-01-01T09:00:00+08:00"}))
    push(("LATER", {"title": "会计助理", "posted_at": "2026-04-01T09:00:00+08:00"}))
    assert titles(search(q="会计")) == ["会计", "会计助理"]  # both seen now; the claim of 2099 earns nothing


def test_query_terms_are_the_words_to_highlight() -> None:
    from app.search.service import query_terms

    assert query_terms("Java开发 工程师") == ["java", "开发", "工程师"]
    assert query_terms("Ｃ＋＋/高級") == ["c++", "高级"]
    assert query_terms("") == []
