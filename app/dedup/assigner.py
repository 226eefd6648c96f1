"""``DedupAssigner``: attach each incoming posting to an existing job or open a new one.

Per batch: one query for admin overrides, one for the members of updated postings'
jobs, one for every candidate in the batch's blocks, one to store explain records.
A newcomer is scored against each candidate job's representative (never against
other members) and joins the best one at or above ``THRESHOLD``; otherwise it opens
a job. Jobs opened earlier in the same transaction are candidates too, so one
partner sending one vacancy twice in a batch still ends in one job.

An updated posting stays in its job while it still matches the representative of
the job's *other* postings (``STAY_THRESHOLD``); otherwise it moves, like a newcomer.
A posting alone in its job moves only if it now matches another job. Admin pins
and forbids always win. The road makes one ``DedupAssigner`` per batch: it remembers the
jobs it opened in that batch (they are in no block index until the batch's last steps).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy.orm import Session

from app.jobs.build import build_job
from app.jobs.members import load_members
from app.jobs.rows import PostingDoc
from app.models import new_id, utcnow

from .features import STAY_THRESHOLD, THRESHOLD, compare, ruled_out, score, veto
from .queries import (
    MAX_PER_BLOCK,
    fetch_candidates,
    fetch_descriptions,
    load_overrides,
    write_matches,
)
from .rows import MatchRow
from .signature import Signature, blocks, from_job, from_posting, lookups


@dataclass(slots=True)
class Work:
    """One created or changed posting on its way to a job."""

    posting_id: str
    partner_id: str
    partner_kind: str
    external_id: str
    employer_id: str
    data: PostingDoc
    is_new: bool
    old_job_id: str | None
    job_id: str | None = None
    explain: dict[str, Any] = field(default_factory=dict)
    # True when the assigner opened ``job_id`` for this posting in this call (no row yet).
    opened: bool = False
    # The signature ``prepare`` already made from ``data`` (without the employer id).
    made: Signature | None = None


@dataclass(slots=True)
class _Local:
    """Jobs opened in this batch (not yet in the block index)."""

    by_block: dict[int, list[str]] = field(default_factory=dict)
    reps: dict[str, Signature] = field(default_factory=dict)

    def add(self, job_id: str, sig: Signature) -> None:
        self.reps[job_id] = sig
        for h in blocks(sig):
            self.by_block.setdefault(h, []).append(job_id)


@dataclass(slots=True)
class _Decision:
    job_id: str
    decision: str
    compared_job_id: str | None = None
    features: dict[str, Any] = field(default_factory=dict)
    score: float | None = None
    candidates: int = 0


class DedupAssigner:
    """Decides each posting's job, across sources, for one batch (see the module docstring)."""

    def __init__(self) -> None:
        self.local = _Local()

    def assign(self, session: Session, work: list[Work]) -> set[str]:
        """Set ``job_id`` on each item; return the ids of jobs to recompute."""
        if not work:
            return set()
        local = self.local
        sigs = {w.posting_id: from_posting(w.employer_id, w.data, w.made) for w in work}
        updated = [w for w in work if not w.is_new]
        pins, forbids = load_overrides(session, [w.posting_id for w in updated]) if updated else ({}, {})
        others = _others_reps(session, [w for w in updated if w.old_job_id and w.posting_id not in pins])
        looks = {pid: lookups(sig) for pid, sig in sigs.items()}
        by_block, reps = fetch_candidates(session, {h for hs in looks.values() for h in hs})
        near = _near(sigs, looks, by_block, reps)
        for job_id, text in fetch_descriptions(session, {j for ids in near.values() for j in ids}).items():
            reps[job_id].description = text
        touched: set[str] = set()
        rows: dict[bool, list[MatchRow]] = {True: [], False: []}
        now = utcnow()
        for w in work:
            sig = sigs[w.posting_id]
            pool = _Pool(sig, looks[w.posting_id], near[w.posting_id], reps, local, forbids.get(w.posting_id, set()))
            if w.posting_id in pins:
                d = _pinned(pins[w.posting_id], sig, pool)
            elif w.is_new or not w.old_job_id:
                d = _place_new(pool)
            else:
                d = _place_updated(w.old_job_id, others.get(w.posting_id), pool)
            if d.decision in ("new", "moved") and d.job_id not in reps and d.job_id not in local.reps:
                local.add(d.job_id, sig)
                w.opened = True
            elif d.decision in ("matched", "moved", "stayed"):
                _refine(local, pool.rep(d.job_id), d.job_id, sig)
            w.job_id = d.job_id
            w.explain = {"decision": d.decision, "score": d.score, "features": d.features}
            touched.add(d.job_id)
            if w.old_job_id:
                touched.add(w.old_job_id)
            rows[w.is_new].append({"posting_id": w.posting_id, "job_id": d.job_id, "decision": d.decision,
                                   "score": d.score, "compared_job_id": d.compared_job_id,
                                   "features": d.features, "candidates": d.candidates, "decided_at": now})
        write_matches(session, rows[True], new=True)
        write_matches(session, rows[False], new=False)
        return touched


class _Pool:
    """The candidate jobs of one newcomer and its best match among them."""

    def __init__(self, sig: Signature, looks: tuple[int, ...], near: list[str], reps: dict[str, Signature],
                 local: _Local, exclude: set[str]) -> None:
        self.sig = sig
        self.reps = reps
        self.local = local
        ids = dict.fromkeys(near)  # stored jobs not ruled out already
        for h in looks:
            for job_id in local.by_block.get(h, ())[-MAX_PER_BLOCK:]:  # the newest, as stored ones
                ids[job_id] = None
        self.exclude = exclude
        self.ids = [j for j in ids if j not in exclude]

    def rep(self, job_id: str) -> Signature | None:
        return self.local.reps.get(job_id) or self.reps.get(job_id)

    def best(self, exclude: str | None = None) -> tuple[str | None, dict[str, Any], float | None, int]:
        """(job id or None, features of the best-scoring candidate, its score, candidates seen)."""
        best: tuple[float, str] | None = None
        best_features: dict[str, Any] = {}
        seen = 0
        for job_id in self.ids:
            rep = self.rep(job_id)
            if job_id == exclude or rep is None:
                continue
            seen += 1
            if job_id in self.local.reps and ruled_out(self.sig, rep):
                continue
            f = compare(self.sig, rep)
            s = score(f)
            if best is None or s > best[0] or (s == best[0] and job_id < best[1]):
                best, best_features = (s, job_id), f
        if best is None:
            return None, {}, None, seen
        return best[1], _explained(best_features), best[0], seen


def _refine(local: _Local, rep: Signature | None, job_id: str, sig: Signature) -> None:
    """After a district-level posting joins a city-level job, the job's representative names that
    district too (as ``build_job`` will), so the rest of the batch cannot add another district."""
    if rep is None:
        return
    places = tuple((city, district or next((d for c, d in sig.places if c == city and d), None))
                   for city, district in rep.places)
    if places != rep.places:
        local.reps[job_id] = replace(rep, places=places)


def _explained(f: dict[str, Any]) -> dict[str, Any]:
    return {**f, "veto": veto(f)} if f else f


def _place_new(pool: _Pool, exclude: str | None = None, decision: str = "matched") -> _Decision:
    job_id, features, s, seen = pool.best(exclude)
    if job_id is not None and s is not None and s >= THRESHOLD:
        return _Decision(job_id, decision, job_id, features, s, seen)
    return _Decision(new_id(), "new" if decision == "matched" else "moved", job_id, features, s, seen)


def _place_updated(old_job_id: str, others: Signature | None, pool: _Pool) -> _Decision:
    forbidden = old_job_id in pool.exclude
    if others is not None and not forbidden:
        f = compare(pool.sig, others)
        s = score(f)
        if s >= STAY_THRESHOLD:
            return _Decision(old_job_id, "stayed", old_job_id, _explained(f), s)
    elif others is None and not forbidden:
        # Alone in its job: it moves only if it now matches another job.
        d = _place_new(pool, exclude=old_job_id)
        if d.decision == "matched":
            d.decision = "moved"
            return d
        return _Decision(old_job_id, "kept", d.compared_job_id, d.features, d.score, d.candidates)
    return _place_new(pool, exclude=old_job_id, decision="moved")


def _pinned(job_id: str, sig: Signature, pool: _Pool) -> _Decision:
    rep = pool.rep(job_id)
    f = compare(sig, rep) if rep is not None else {}
    return _Decision(job_id, "pinned", job_id if rep else None, _explained(f), score(f) if f else None)


def _near(sigs: dict[str, Signature], looks: dict[str, tuple[int, ...]], by_block: dict[int, list[str]],
          reps: dict[str, Signature]) -> dict[str, list[str]]:
    """Per newcomer, the stored candidates not ruled out at a glance (only those need descriptions)."""
    out: dict[str, list[str]] = {}
    for pid, sig in sigs.items():
        ids = dict.fromkeys(job_id for h in looks[pid] for job_id in by_block.get(h, ()))
        out[pid] = [job_id for job_id in ids if not ruled_out(sig, reps[job_id])]
    return out


def _others_reps(session: Session, updated: list[Work]) -> dict[str, Signature | None]:
    """For each updated posting: the representative of its job's other postings (None if alone)."""
    if not updated:
        return {}
    members = load_members(session, sorted({w.old_job_id for w in updated if w.old_job_id}))
    out: dict[str, Signature | None] = {}
    for w in updated:
        rest = [m for m in members.get(w.old_job_id or "", []) if m["id"] != w.posting_id]
        if not rest:
            out[w.posting_id] = None
            continue
        row = build_job(rest)
        best = next(m for m in rest if m["id"] == row["canonical_posting_id"])
        out[w.posting_id] = from_job(row, best["data"])
    return out
