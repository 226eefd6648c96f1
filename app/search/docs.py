"""What the index holds for one job: filter values, texts, tokens and the docid.

Filter values are indexed as tokens too (``_r440300``, ``_edu_bachelor``,
``_sal_8000`` …), so a filtered search is one index lookup on either database. The
tokeniser never makes a token with ``_`` in it, so a query cannot hit them by accident.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import RowMapping

from app.jobs.rows import PostingDoc
from app.normalize import ancestors

from .tokens import text_tokens, title_marks

# Salary thresholds (monthly CNY): a job holds ``_sal_T`` for each T at or below its
# salary, so "at least X" is one token (then checked exactly).
THRESHOLDS = (0, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000, 10000, 12000, 15000,
              20000, 25000, 30000, 40000, 50000, 70000, 100000)
# Salary bands: a job also holds ``_sb_K`` for the one band K its salary falls in; the
# salary order walks down the bands, sorting one narrow band at a time.
BANDS = (*range(0, 20000, 500), *range(20000, 30000, 1000), *range(30000, 50000, 2500),
         50000, 60000, 70000, 80000, 100000, 150000, 200000, 300000)
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
# A doc's key = (seconds since 2000 << 31) | sequence: unique, and ordered by freshness.
# Its docid is the key for an open job and key - 2**63 for a closed one, so open jobs
# are the docids >= 0: "open only" is a range of the index, not a term to intersect.
SEQ_BITS = 31
SEQ_MASK = (1 << SEQ_BITS) - 1
OFFSET = 1 << 63
MAX_FRESH = (1 << 32) - 1
# The filter columns of an index row (``search_docs``), as ``Doc`` names them.
DOC_COLUMNS = ("job_id", "status", "employer_id", "industry", "education", "job_type", "employer_type",
               "regions", "salary")


@dataclass(slots=True)
class Doc:
    """One job as the index sees it; equal docs need no rewrite."""

    job_id: str
    status: str
    employer_id: str
    industry: str | None
    education: str | None
    job_type: str | None
    employer_type: str | None
    regions: str
    salary: int | None
    head_text: str
    body_text: str
    fresh: int  # seconds since EPOCH

    def head_tokens(self, known: KnownTokens | None = None) -> list[str]:
        found = known.head.get(self.head_text) if known is not None else None
        return found if found is not None else text_tokens(*self.head_text.split("\n"), bridge=True)

    def title_marks(self) -> list[str]:
        """The title's marked tokens and its exact token (``tokens.title_marks``)."""
        return title_marks(title_of(self.head_text))

    def body_tokens(self, known: KnownTokens | None = None) -> list[str]:
        found = known.body.get(self.body_text) if known is not None else None
        return found if found is not None else text_tokens(self.body_text)

    def fts_tokens(self, known: KnownTokens | None = None) -> str:
        """SQLite's one FTS5 column: head tokens twice (``_h``-marked, so "in the title or the
        employer" is its own term), the title's marks, then every text token, each once, and
        the filter tokens (which no text token equals: text tokens hold no ``_``, and no filter
        token starts ``_h``, ``_t`` or ``_x``)."""
        texts = known.fts.get((self.head_text, self.body_text)) if known is not None else None
        if texts is None:
            texts = fts_text(self.head_tokens(known), self.body_tokens(known), self.title_marks())
        filters = " ".join(self.filter_tokens())
        return f"{texts} {filters}" if texts else filters

    def text_digest(self) -> int:
        """A signed 64-bit hash of the texts the tokens are made from (PostgreSQL's stand-in for
        comparing them: it keeps tsvectors, not texts)."""
        raw = hashlib.blake2b(f"{self.head_text}\x00{self.body_text}".encode(), digest_size=8).digest()
        return int.from_bytes(raw, "big", signed=True)

    def filter_tokens(self) -> list[str]:
        return filter_tokens(self.employer_id, self.industry, self.education, self.job_type,
                             self.employer_type, self.regions, self.salary)


@dataclass(slots=True)
class KnownTokens:
    """Tokens already made for exact texts: ``prepare`` makes them for each posting outside the
    write transaction (in parallel, across API processes), and a doc whose texts are among them
    takes them instead of tokenising again inside it. Keyed by the text itself, so a job whose
    texts came out differently (another member's description, the employer's other name) simply
    finds nothing and is tokenised as before."""

    head: dict[str, list[str]] = field(default_factory=dict)  # by head text (title, employer name)
    body: dict[str, list[str]] = field(default_factory=dict)  # by body text
    fts: dict[tuple[str, str], str] = field(default_factory=dict)  # ``fts_text`` by (head, body) text

    @classmethod
    def merged(cls, parts: Iterable[KnownTokens | None]) -> KnownTokens:
        out = cls()
        for part in parts:
            if part is not None:
                out.head.update(part.head)
                out.body.update(part.body)
                out.fts.update(part.fts)
        return out


def posting_tokens(data: PostingDoc, *, fts: bool = True) -> KnownTokens:
    """The tokens a job indexed from this posting document (``app.ingest.prepare``) needs;
    ``fts``: with SQLite's FTS column text (``Doc.fts_tokens`` makes it anyway where missing)."""
    known = KnownTokens()
    title, name = data["title"], data["employer"]["name"]
    head = head_of(title, name)
    head_tokens = known.head[head] = text_tokens(title, name, bridge=True)
    body = body_of(data.get("description"), data.get("majors"), data.get("tags"))
    body_tokens = text_tokens(body) if body else []
    if body:
        known.body[body] = body_tokens
    if fts:
        known.fts[(head, body)] = fts_text(head_tokens, body_tokens, title_marks(title))
    return known


def fts_text(head: list[str], body: list[str], marks: list[str]) -> str:
    """The text part of SQLite's FTS5 column (see ``Doc.fts_tokens``)."""
    return " ".join(dict.fromkeys(["_h" + t for t in head] + marks + head + body))


def head_of(title: str, employer_name: str) -> str:
    """A job's indexed head: its title and its employer's name, one per line."""
    return f"{title}\n{employer_name}"


def title_of(head_text: str) -> str:
    """The title part of a head text (``head_of``)."""
    return head_text.rsplit("\n", 1)[0]


def body_of(description: str | None, majors: list[str] | None, tags: list[str] | None) -> str:
    """A job's indexed body: its description, majors and tags, one per line."""
    parts = [description or "", *(majors or []), *(tags or [])]
    return "\n".join(p for p in parts if p)


def filter_tokens(employer_id: str, industry: str | None, education: str | None, job_type: str | None,
                  employer_type: str | None, regions: str, salary: int | None) -> list[str]:
    """The tokens a job's filter values are found by (status is the docid's sign instead)."""
    toks = [f"_emp_{employer_id}"]
    toks += [f"_r{code}" for code in regions.split()]
    for name, value in (("ind", industry), ("edu", education), ("jt", job_type), ("et", employer_type)):
        if value:
            toks.append(value_token(name, value))
    if salary is not None:
        toks += [f"_sal_{t}" for t in THRESHOLDS if salary >= t]
        toks.append(f"_sb_{band_of(salary)}")
    return toks


def band_of(salary: int) -> int:
    return max(0, bisect_right(BANDS, salary) - 1)


def value_token(name: str, value: str) -> str:
    """The token for one filter value, e.g. ``value_token("edu", "bachelor")``."""
    return f"_{name}_{value.lower()}"


def fresh_seconds(posted_at: datetime | None, first_seen_at: datetime) -> int:
    """When the job counts as posted: its ``posted_at``, but never later than the hub first saw it."""
    when = min(posted_at, first_seen_at) if posted_at else first_seen_at
    return min(MAX_FRESH, max(0, int((when - EPOCH).total_seconds())))


def make_docid(fresh: int, seq: int, is_open: bool) -> int:
    key = (fresh << SEQ_BITS) | (seq & SEQ_MASK)
    return key if is_open else key - OFFSET


def doc_key(docid: int) -> int:
    """The freshness-ordered key of a docid, whatever the job's status."""
    return docid + OFFSET if docid < 0 else docid


def since_key(when: datetime) -> int:
    """The smallest key of a job that counts as posted at or after ``when``."""
    return min(MAX_FRESH, max(0, int((when - EPOCH).total_seconds()))) << SEQ_BITS


Range = tuple[int | None, int | None, int]


def docid_ranges(status: str, since: int | None, after: int | None) -> list[Range]:
    """Docid ranges ``(lo, hi, shift)``, ``lo <= docid < hi`` (None: unbounded), holding jobs of
    ``status`` with ``since <= key < after``; ``docid = key - shift``. Open, closed, or both."""
    out: list[Range] = []
    if status in ("open", "any"):
        out.append((since or 0, after, 0))
    if status in ("closed", "any"):
        out.append((since - OFFSET if since else None, (after if after is not None else OFFSET) - OFFSET, OFFSET))
    return out


def region_codes(locations: list[dict[str, Any]]) -> str:
    codes: dict[str, None] = {}
    for loc in locations or []:
        code = loc.get("region_code")
        if isinstance(code, str):
            codes.update(dict.fromkeys(ancestors(code)))
    return " ".join(codes)


def job_doc(row: Mapping[str, Any] | RowMapping, employer_name: str) -> Doc:
    """The doc for a row of ``jobs`` (a ``JobRow``, or the columns read from the table) and its
    employer's name."""
    lo, hi = row["salary_month_min"], row["salary_month_max"]
    return Doc(
        job_id=row["id"], status=row["status"], employer_id=row["employer_id"], industry=row["industry"],
        education=row["education"], job_type=row["job_type"], employer_type=row["employer_type"],
        regions=region_codes(row["locations"]), salary=hi if hi is not None else lo,
        head_text=head_of(row["title"], employer_name),
        body_text=body_of(row["description"], row["majors"], row["tags"]),
        fresh=fresh_seconds(row["posted_at"], row["first_seen_at"]),
    )
