"""Chinese-aware tokens: overlapping two-character CJK tokens plus lower-cased words.

Both databases index exactly these tokens (SQLite FTS5 over space-joined tokens,
PostgreSQL ``array_to_tsvector``), so both match alike. "软件工程师" becomes
软件 件工 工程 程师 and "Java开发" becomes java 开发; a query matches a job that
holds every one of its tokens. Text is folded first (full-width, traditional,
case) with ``app.normalize.clean_text``.
"""

from __future__ import annotations

import hashlib
import operator
import re

from app.normalize import clean_text

__all__ = ["MAX_INDEXED_CHARS", "PREFIX", "exact_token", "query_runs", "query_tokens", "text_tokens",
           "title_marks"]

# Ideographs (with extensions and compatibility forms), kana and hangul: scripts
# written without spaces, indexed as overlapping pairs.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f"
_RUN_RE = re.compile(f"([{_CJK}]+)|([^\\W_{_CJK}]+)")
# Two CJK characters with a little punctuation between them ("软件-工程师", "会计/出纳"):
# documents also index the pair across the gap, so a query typed without it still matches.
_BRIDGE_RE = re.compile(f"([{_CJK}])(?=[^\\w]{{1,3}}([{_CJK}]))")
# Programming words that lose their meaning when punctuation is dropped.
_SPECIAL_RE = re.compile(r"(?<![a-z0-9+#])(c\+\+|c#|f#|\.net)(?![a-z0-9+#])")
_SPECIAL = {"c++": " cpp ", "c#": " csharp ", "f#": " fsharp ", ".net": " dotnet "}
MAX_WORD = 40  # longer "words" are noise (hashes, base64); neither indexed nor matched
MAX_INDEXED_CHARS = 20_000
PREFIX = "*"  # ends a query token that matches as a prefix  # PostgreSQL caps a tsvector at 1 MB; a job's text is cut here


def _fold(text: str) -> str:
    text = clean_text(text).lower()
    if "+" in text or "#" in text or ".net" in text:
        text = _SPECIAL_RE.sub(lambda m: _SPECIAL[m.group(1).lower()], text)
    return text


def _bigrams(run: str) -> list[str]:
    if len(run) == 1:
        return [run]
    return list(map(operator.add, run, run[1:]))


def text_tokens(*texts: str | None, bridge: bool = False) -> list[str]:
    """The distinct tokens of a job's texts, in first-seen order (what is indexed).

    ``bridge`` also pairs CJK characters across short punctuation (for titles and names:
    "销售/客服" is then found by 销售客服); it costs time on long descriptions."""
    seen: dict[str, None] = {}
    for text in texts:
        if not text:
            continue
        folded = _fold(text[:MAX_INDEXED_CHARS])
        for cjk, word in _RUN_RE.findall(folded):
            if cjk:
                seen.update(dict.fromkeys(_bigrams(cjk)))
            elif len(word) <= MAX_WORD:
                seen[word] = None
        if bridge:
            seen.update(dict.fromkeys(a + b for a, b in _BRIDGE_RE.findall(folded)))
    return list(seen)


def query_runs(q: str) -> list[str]:
    """The query's words and CJK runs, folded and distinct: what the pages highlight."""
    text = clean_text(q).lower()
    runs = dict.fromkeys(m.group(1) for m in _SPECIAL_RE.finditer(text))
    for cjk, word in _RUN_RE.findall(_SPECIAL_RE.sub(" ", text)):
        runs[cjk or word] = None
    return list(runs)


def query_tokens(q: str) -> list[str] | None:
    """Tokens every match must hold; ``None`` when the query can match nothing (a word too long).

    A lone CJK character ("护") becomes ``护*``: it matches any pair that starts with it.
    """
    out: dict[str, None] = {}
    for cjk, word in _RUN_RE.findall(_fold(q)):
        if word:
            if len(word) > MAX_WORD:
                return None
            out[word] = None
        elif len(cjk) == 1:
            out[cjk + PREFIX] = None
        else:
            out.update(dict.fromkeys(_bigrams(cjk)))
    return list(out)


# Marks of the title's own tokens (``_t`` + token) and of the whole title (``_x`` + a digest):
# relevance tells "the title holds the query" and "the title is the query" apart from the rest
# with them. No text token holds ``_``, and no filter token starts ``_t`` or ``_x``.
TITLE_MARK = "_t"
EXACT_MARK = "_x"


def title_key(text: str) -> str:
    """A title (or query) folded down to its words and CJK runs, run together: ``Java 开发（校招）``
    and ``java开发 校招`` have the same key."""
    return "".join(cjk or word for cjk, word in _RUN_RE.findall(_fold(text[:MAX_INDEXED_CHARS])))


def exact_token(text: str) -> str | None:
    """The token a title holds and a query equal to it looks for (``None`` for an empty key)."""
    key = title_key(text)
    if not key:
        return None
    return EXACT_MARK + hashlib.blake2b(key.encode(), digest_size=8).hexdigest()


def title_marks(title: str) -> list[str]:
    """What a job's title adds to its head: each title token marked, and its exact token."""
    marks = [TITLE_MARK + t for t in text_tokens(title, bridge=True)]
    exact = exact_token(title)
    return marks + [exact] if exact else marks
