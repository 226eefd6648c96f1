"""The candidate pool's choice among stored jobs: the best score wins, equal scores go to the
smaller job id (so every writer picks the same job), and the candidates seen are counted (the
admin explain's ``candidates``)."""

from __future__ import annotations

from app.dedup.assigner import _Local, _Pool
from app.dedup.signature import from_posting
from app.ingest.prepare import normalise
from app.schemas.posting import PostingIn
from tests.conftest import make_posting


def _sig(external_id: str, **fields: object) -> object:
    posting = PostingIn.model_validate(make_posting(external_id, **fields))
    return from_posting("employer-1", normalise(posting, {}).data)


def test_equal_scores_go_to_the_smaller_job_id_and_every_candidate_is_counted() -> None:
    newcomer = _sig("N-1")
    reps = {"job-b": _sig("S-1"), "job-a": _sig("S-2"), "job-c": _sig("S-3", title="完全不同的岗位名称会计")}
    pool = _Pool(newcomer, (), ["job-b", "job-a", "job-c"], reps, _Local(), set())  # type: ignore[arg-type]
    job_id, features, best, seen = pool.best()
    assert job_id == "job-a" and seen == 3 and features
    _, _, other, _ = _Pool(newcomer, (), ["job-c"], reps, _Local(), set()).best()  # type: ignore[arg-type]
    assert best is not None and other is not None and best > other
    again = _Pool(newcomer, (), ["job-a", "job-b"], reps, _Local(), set()).best()  # type: ignore[arg-type]
    assert again[0] == "job-a" and again[3] == 2  # the order the candidates came in does not matter


def test_an_excluded_or_unknown_candidate_is_neither_chosen_nor_counted() -> None:
    newcomer = _sig("N-1")
    reps = {"job-b": _sig("S-1"), "job-a": _sig("S-2")}
    pool = _Pool(newcomer, (), ["job-b", "job-a", "job-gone"], reps, _Local(), set())  # type: ignore[arg-type]
    assert pool.best(exclude="job-a")[0::3] == ("job-b", 1)
    assert _Pool(newcomer, (), ["job-a"], reps, _Local(), {"job-a"}).best() == (  # type: ignore[arg-type]
        None, {}, None, 0)
