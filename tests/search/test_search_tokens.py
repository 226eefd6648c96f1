"""The tokeniser both databases index with, and the capped, cached totals."""

from __future__ import annotations

from typing import Any

import pytest

from app.search import facets
from app.search.plan import Plan, fts_expr, tsquery
from app.search.tokens import query_tokens, text_tokens
from tests.search.conftest import Push, Search


def test_cjk_text_becomes_overlapping_pairs_and_words_are_lower_cased() -> None:
    assert text_tokens("Java开发工程师（2022届校招）") == ["java", "开发", "发工", "工程", "程师", "2022", "届校", "校招"]


def test_full_width_and_traditional_fold_to_the_same_tokens() -> None:
    assert text_tokens("Ｊａｖａ開發") == text_tokens("java开发") == ["java", "开发"]


def test_titles_pair_characters_across_short_punctuation() -> None:
    assert "售客" in text_tokens("销售/客服", bridge=True)
    assert "售客" not in text_tokens("销售/客服")


def test_query_tokens_mark_lone_characters_as_prefixes_and_refuse_overlong_words() -> None:
    assert query_tokens("护 java") == ["护*", "java"]
    assert query_tokens("a" * 41) is None
    assert query_tokens("！？") == []


def test_match_expressions_quote_every_token() -> None:
    plan = Plan(("软件", "护*"), (("region", ("_r440000", "_r110000")), ("band", ("_sal_8000",)),
                                  ("!band", ("_sal_9000",))))
    assert fts_expr(plan, head_only=True) == (
        '("_h软件" AND "_h护"* AND ("_r440000" OR "_r110000") AND ("_sal_8000")) NOT ("_sal_9000")')
    assert fts_expr(plan, body_only=True) == (
        '(("软件" AND "护"* AND ("_r440000" OR "_r110000") AND ("_sal_8000")) NOT ("_h软件" AND "_h护"*)) '
        'NOT ("_sal_9000")')
    assert tsquery(plan) == "'软件' & '护':* & ('_r440000' | '_r110000') & ('_sal_8000') & !('_sal_9000')"
    assert fts_expr(Plan((), ())) == "" and tsquery(Plan((), ())) == ""


def test_total_is_capped_and_says_so(push: Push, search: Search, monkeypatch: pytest.MonkeyPatch) -> None:
    push(*[(f"K{i}", {"title": f"会计{i}", "posted_at": f"2026-04-0{i + 1}T09:00:00+08:00",
                      "industry": "JKL"[i]}) for i in range(3)])
    monkeypatch.setattr(facets, "COUNT_CAP", 2)
    monkeypatch.setattr(facets, "FACET_CAP", 2)
    body = search(q="会计", facets="industry")
    assert body["total"] == 2 and body["total_capped"] is True
    assert sum(body["facets"]["industry"].values()) == 2
    assert len(body["items"]) == 3


def test_cached_total_follows_new_jobs(push: Push, search: Search) -> None:
    push(("A", {"title": "厨师"}))
    assert search(q="厨师", facets="industry")["total"] == 1
    push(("B", {"title": "厨师长"}))
    body = search(q="厨师", facets="industry")
    assert body["total"] == 2 and body["facets"]["industry"] == {"I": 2}


def test_tokens_made_in_prepare_are_the_ones_the_index_would_make() -> None:
    """``prepare`` tokenises each posting outside the write transaction; a job indexed from it must
    get exactly the tokens tokenising its texts gives (SQLite deletes a row by naming them again)."""
    from app.ingest.prepare import NormalPosting, prepare
    from app.jobs.build import build_job, solo_fields
    from app.models import utcnow
    from app.search.docs import job_doc
    from tests.samples import real_postings

    def reference(doc: Any) -> str:  # the column's definition, token by token
        head = doc.head_tokens()
        toks = dict.fromkeys(["_h" + t for t in head] + doc.title_marks() + head)
        toks.update(dict.fromkeys(doc.body_tokens()))
        toks.update(dict.fromkeys(doc.filter_tokens()))
        return " ".join(toks)

    now = utcnow()
    items = [item for item in map(prepare, real_postings()) if isinstance(item, NormalPosting)]
    assert len(items) == 19  # one real posting has no title
    for item in items:
        assert item.tokens is not None
        member = {"id": "p", "kind": "university", "status": "active", "data": item.data, "updated_at": now,
                  "first_seen_at": now, "valid_through": None, "employer_id": "e"}
        row = {**build_job([member]), "id": "j"}
        # prepare also made the job's fields, were this posting alone in it
        assert build_job([member], {"p": solo_fields("p", item.data)}) == build_job([member])
        other = solo_fields("p", {**item.data, "title": "另一个岗位"})  # another document's: unused
        assert build_job([member], {"p": other})["title"] == item.data["title"]
        assert item.solo is not None and item.posting_id is not None
        own = build_job([{**member, "id": item.posting_id}], {item.posting_id: item.solo})
        assert {k: v.removeprefix("title:") for k, v in own["field_sources"].items()} == dict.fromkeys(
            row["field_sources"], item.posting_id)
        doc = job_doc(row, item.data["employer"]["name"])
        assert doc.body_text in item.tokens.body and doc.head_text in item.tokens.head
        assert (doc.head_text, doc.body_text) in item.tokens.fts
        assert doc.fts_tokens(item.tokens) == doc.fts_tokens() == reference(doc)
        assert doc.head_tokens(item.tokens) == doc.head_tokens()
        assert doc.body_tokens(item.tokens) == doc.body_tokens()
        # For PostgreSQL, prepare leaves out SQLite's FTS column text (nothing there reads it) and
        # makes the same tokens otherwise.
        bare = prepare(item.raw, fts=False)
        assert isinstance(bare, NormalPosting) and bare.tokens is not None
        assert bare.tokens.fts == {} and (bare.tokens.head, bare.tokens.body) == (item.tokens.head, item.tokens.body)


def test_the_exact_title_token_ignores_case_width_spaces_and_punctuation() -> None:
    from app.search.tokens import exact_token, title_marks

    assert exact_token("Java开发工程师（校招）") == exact_token("java 开发工程师 校招") == exact_token("ＪＡＶＡ開發工程師(校招)")
    assert exact_token("Java开发工程师") != exact_token("Java开发工程师（校招）")
    assert exact_token("（）") is None
    marks = title_marks("会计")
    assert marks[0] == "_t会计" and marks[-1] == exact_token("会计")
