"""The index follows the road in: created, updated, merged, closed and reopened jobs."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from app.db import Database
from app.search.index import rebuild
from tests.conftest import IS_PG, auth
from tests.samples import AGENCY, UNIVERSITY
from tests.search.conftest import Push, Search, titles


def test_updated_job_is_found_by_its_new_words_only(push: Push, search: Search) -> None:
    push(("A", {"title": "出纳", "locations": [{"region_code": "440305"}]}))
    push(("A", {"title": "财务主管", "locations": [{"region_code": "110105"}]}))
    assert titles(search(q="出纳")) == []
    assert titles(search(q="财务主管")) == ["财务主管"]
    assert titles(search(q="财务", region="110000")) == ["财务主管"]
    assert titles(search(region="440000")) == []


def test_updated_posting_date_moves_the_job_in_newest_order(push: Push, search: Search) -> None:
    push(("A", {"title": "会计甲", "posted_at": "2026-01-01T09:00:00+08:00"}),
         ("B", {"title": "会计乙", "posted_at": "2026-02-01T09:00:00+08:00"}))
    assert titles(search(q="会计")) == ["会计乙", "会计甲"]
    push(("A", {"title": "会计甲", "posted_at": "2026-03-01T09:00:00+08:00"}))
    assert titles(search(q="会计")) == ["会计甲", "会计乙"]


def test_one_vacancy_from_two_partners_is_found_once(client: TestClient, make_partner: Any, search: Search) -> None:
    _, uni = make_partner("university")
    _, agency = make_partner("recruiter")
    for key, posting in ((uni, UNIVERSITY), (agency, AGENCY)):
        resp = client.post("/api/v1/postings/batch", json={"postings": [posting]}, headers=auth(key))
        assert resp.status_code == 200
    body = search(q="嵌入式软件")
    assert body["total"] == 1 and len(body["items"][0]["sources"]) == 2


def test_job_merged_away_leaves_the_index(client: TestClient, make_partner: Any, search: Search) -> None:
    _, uni = make_partner("university")
    _, agency = make_partner("recruiter")
    client.post("/api/v1/postings/batch", json={"postings": [UNIVERSITY]}, headers=auth(uni))
    other = {**AGENCY, "title": "仓库管理员", "employer": {"name": "某物流有限公司"}, "description": "负责出入库。"}
    client.post("/api/v1/postings/batch", json={"postings": [other]}, headers=auth(agency))
    assert search(q="仓库")["total"] == 1
    # The agency corrects its posting: it is the university's vacancy after all.
    client.post("/api/v1/postings/batch", json={"postings": [AGENCY]}, headers=auth(agency))
    assert search(q="仓库")["total"] == 0
    assert search(q="仓库", status="closed")["total"] == 1
    assert search(q="嵌入式软件")["total"] == 1


def test_withdrawn_job_closes_and_comes_back_when_pushed_again(client: TestClient, partner: tuple[str, str],
                                                              push: Push, search: Search) -> None:
    push(("A", {"title": "护士长"}))
    assert client.delete("/api/v1/postings/A", headers=auth(partner[1])).status_code == 204
    assert search(q="护士")["total"] == 0
    push(("A", {"title": "护士长", "description": "重新开放。"}))
    assert titles(search(q="护士")) == ["护士长"]


def test_expired_posting_is_not_listed(push: Push, search: Search) -> None:
    push(("OLD", {"title": "保安", "valid_through": "2020-01-01T00:00:00+08:00"}))
    assert search(q="保安")["total"] == 0
    assert search(q="保安", status="closed")["total"] == 1


def test_rebuild_indexes_every_job_again(db: Database, push: Push, search: Search) -> None:
    push(("A", {"title": "数据分析师"}), ("B", {"title": "厨师"}))
    with db.write() as session:
        session.execute(text("DELETE FROM search_docs WHERE job_id IN (SELECT job_id FROM search_docs LIMIT 1)"))
    with db.engine.begin() as conn:
        assert rebuild(conn) == 2
    assert titles(search(q="厨师")) == ["厨师"]
    assert search()["total"] == 2
    push(("B", {"title": "面点师"}))  # rows made by the rebuild are rewritten like any other
    assert titles(search(q="厨师")) == [] and titles(search(q="面点")) == ["面点师"]


@pytest.mark.skipif(not IS_PG, reason="the sample index is PostgreSQL's")
def test_sample_index_holds_the_open_jobs_of_one_eighth_of_the_docids(
        db: Database, client: TestClient, partner: tuple[str, str], push: Push) -> None:
    from app.search.engine_pg import SAMPLE

    push(*[(f"S{i}", {"title": f"会计{i}"}) for i in range(40)])
    assert client.delete("/api/v1/postings/S0", headers=auth(partner[1])).status_code == 204
    query = f"SELECT docid FROM search_docs WHERE head_tsv @@ CAST(:q AS tsquery) AND {SAMPLE}"
    with db.read() as session:
        docs = session.execute(text("SELECT docid FROM search_docs")).scalars().all()
        assert any(d < 0 for d in docs) and any(d >= 0 and d & 7 == 0 for d in docs)
        found = set(session.execute(text(query), {"q": "'会计'"}).scalars())
        assert found == {d for d in docs if d >= 0 and d & 7 == 0}
    # The engine's query states the index's predicate, so with a table of some size (here 5,000
    # extra rows, rolled back) the planner takes the small index for it.
    with db.engine.connect() as conn:
        conn.execute(text(
            "INSERT INTO search_docs (docid, job_id, status, employer_id, regions, head_tsv, full_tsv) "
            "SELECT 1000000 + g, 'x' || g, 'open', 'e', '', array_to_tsvector('{会计}'), "
            "array_to_tsvector('{会计}') FROM generate_series(1, 5000) AS g"))
        conn.execute(text("SET LOCAL enable_seqscan = off"))
        conn.execute(text("SET LOCAL enable_indexscan = off"))
        plan = "\n".join(conn.execute(text("EXPLAIN " + query), {"q": "'会计'"}).scalars())
        conn.rollback()
    assert "Bitmap Index Scan on ix_search_docs_sample" in plan, plan


@pytest.mark.skipif(not IS_PG, reason="the sample index is PostgreSQL's")
def test_counts_from_the_sample_agree_with_the_whole_index(push: Push, search: Search,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from app.search import engine_pg, facets

    push(*[(f"S{i}", {"title": f"会计{i}", "industry": "JKLM"[i % 4]}) for i in range(64)])
    # Pretend the index is huge and walks too dear, so counts and facets ask the sample.
    asked: list[str] = []
    run = engine_pg.PostgresEngine._gin
    monkeypatch.setattr(engine_pg.PostgresEngine, "_gin",
                        lambda self, sql, args: asked.append(sql) or run(self, sql, args))
    monkeypatch.setattr(engine_pg, "doc_count", lambda session, since=None: 10.0 ** 9)
    monkeypatch.setattr(engine_pg, "SAMPLE_WALK_ROWS", 0)
    monkeypatch.setattr(facets, "COUNT_CAP", 2)
    monkeypatch.setattr(facets, "FACET_CAP", 2)
    for q in ("会计", "会"):  # a lone character is a prefix query: the sample answers those too
        asked.clear()
        body = search(q=q, facets="industry")
        assert body["total"] == 2 and body["total_capped"] is True
        assert sum(body["facets"]["industry"].values()) == 2
        assert any(engine_pg.SAMPLE in sql for sql in asked)
    monkeypatch.setattr(facets, "COUNT_CAP", 1000)
    assert search(q="会计")["total"] == 64


def test_index_agrees_with_jobs_after_rounds_of_updates(client: TestClient, partner: tuple[str, str],
                                                        push: Push, search: Search) -> None:
    import random

    words = ["会计", "护士", "销售", "厨师", "司机", "教师"]
    rng = random.Random(5)
    current: dict[str, str | None] = {}
    for _ in range(3):
        batch = []
        for i in range(12):
            ext = f"R{i}"
            if current.get(ext) and rng.random() < 0.2:
                client.delete(f"/api/v1/postings/{ext}", headers=auth(partner[1]))
                current[ext] = None
                continue
            title = "".join(rng.sample(words, 2)) + f"{i}"
            month = rng.randint(1, 9)
            batch.append((ext, {"title": title, "posted_at": f"2026-0{month}-01T09:00:00+08:00",
                                "salary": {"min": 1000 * month, "max": 2000 * month, "period": "month"},
                                "locations": [{"region_code": rng.choice(["440305", "110105", "330106"])}]}))
            current[ext] = title
        push(*batch)
        for word in words:
            expected = {t for t in current.values() if t and word in t}
            assert set(titles(search(q=word, limit=100))) == expected, word


def _index_contents(db: Database) -> list[tuple[Any, ...]]:
    """What the index holds, independent of docids: SQLite's FTS vocabulary (term, documents,
    occurrences), PostgreSQL's tsvectors per job."""
    with db.engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            conn.execute(text("CREATE VIRTUAL TABLE IF NOT EXISTS temp.fts_vocab "
                              "USING fts5vocab(main, search_fts, row)"))
            return [tuple(r) for r in conn.execute(text("SELECT term, doc, cnt FROM temp.fts_vocab ORDER BY term"))]
        return [tuple(r) for r in conn.execute(text(
            "SELECT job_id, status, head_tsv::text, full_tsv::text FROM search_docs ORDER BY job_id"))]


def test_index_written_on_the_road_equals_a_rebuild_for_real_postings(db: Database, push: Push) -> None:
    """Real postings pushed, then changed (SQLite deletes the old rows by naming their tokens again):
    the index holds exactly what indexing every job afresh gives."""
    from tests.samples import real_postings

    postings = [p for p in real_postings() if p["title"].strip()]
    push(*postings)
    push(*[{**p, "description": (p.get("description") or "") + " 另有年终奖。", "title": p["title"] + "（急招）"}
           for p in postings[::2]])
    before = _index_contents(db)
    assert len(before) >= len(postings)  # SQLite: terms; PostgreSQL: one row per job
    with db.engine.begin() as conn:
        assert rebuild(conn) == len(postings)
    assert _index_contents(db) == before


def _row_version(db: Database, job_id: str) -> tuple[Any, ...]:
    """Something that changes whenever the job's index row is written: PostgreSQL's ``xmin`` and
    ``text_digest``; on SQLite the docid and the FTS5 table's stored segments (a rewrite deletes
    the row's tokens and adds them again, which writes new segment data)."""
    with db.engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            return tuple(conn.execute(text(
                "SELECT (SELECT docid FROM search_docs WHERE job_id = :j), count(*), sum(length(block)) "
                "FROM search_fts_data"), {"j": job_id}).one())
        return tuple(conn.execute(text("SELECT xmin::text, text_digest FROM search_docs WHERE job_id = :j"),
                                  {"j": job_id}).one())


def test_a_cross_post_that_changes_nothing_indexed_leaves_the_row_alone(
        db: Database, client: TestClient, make_partner: Any, search: Search) -> None:
    from tests.conftest import push as push_as

    _, uni = make_partner("university")
    _, agency = make_partner("recruiter")
    job_id = push_as(client, uni, UNIVERSITY)[0]["job_id"]
    before = _row_version(db, job_id)
    # The agency's copy joins the job; the university's posting still supplies every field.
    assert push_as(client, agency, {**UNIVERSITY, "external_id": "AG-1"})[0]["job_id"] == job_id
    assert len(search(q="嵌入式软件")["items"][0]["sources"]) == 2
    assert _row_version(db, job_id) == before
    if IS_PG:
        assert before[1] is not None
        # A row from before the digest (migration 0013) is rewritten, with one, on the next change.
        with db.write() as session:
            session.execute(text("UPDATE search_docs SET text_digest = NULL WHERE job_id = :j"), {"j": job_id})
        push_as(client, agency, {**UNIVERSITY, "external_id": "AG-1", "headcount": 3})
        assert _row_version(db, job_id)[1] == before[1]
    # A change to what is indexed rewrites it.
    push_as(client, uni, {**UNIVERSITY, "description": UNIVERSITY["description"] + "熟悉实时操作系统。"})
    assert _row_version(db, job_id) != before
    assert search(q="实时操作系统")["total"] == 1
