"""Text normalisation: full-width → half-width, traditional → simplified, cleanup.

``to_simplified`` is on the hot path of ingestion (every title and description),
and nearly all partner text is already simplified.  On first use we ask OpenCC
itself which BMP characters its ``t2s`` conversion changes (by converting every
CJK code point once per process) and compile them into one regex character class.
Text with none of those characters is returned unchanged without calling OpenCC.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache, wraps
from typing import Any, TypeVar

T = TypeVar("T")

__all__ = ["clean_text", "short_text_cache", "text_length", "to_halfwidth", "to_simplified"]

# Characters that t2s only changes inside a phrase of TSPhrases (e.g. 回覆→回复,
# 瞭解→了解, 沈默→沉默, 么麽→幺麽) and that are unchanged on their own, so the
# per-character scan cannot find them.  Derived from OpenCC 1.1/1.4 TSPhrases;
# tests/normalize/test_text.py re-derives it from the installed dictionary.
PHRASE_ONLY_CHARS = "瞭覆沈藉坏衹彷哩么甦俱"

# Every BMP code point t2s changes lies in these ranges (checked over U+0080..U+323AF);
# astral characters always go to OpenCC.
_SCAN_RANGES = ((0x2E80, 0xD7FF), (0xF900, 0xFFFF))

# Full-width ASCII, ideographic space and NBSP: the common non-NFKC characters
# in Chinese text, replaced without running NFKC (which costs ~80 ns/char).
_FULLWIDTH = {chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)} | {"\u3000": " ", "\xa0": " "}
_FULLWIDTH_RE = re.compile("[\uff01-\uff5e\u3000\xa0]")


def to_halfwidth(s: str) -> str:
    """Full-width ASCII (Ａ１，：（）) and U+3000 become ASCII; NFKC otherwise.

    The result equals NFKC, so compatibility characters are folded too (① → 1,
    ㎡ → m2, CJK compatibility and Kangxi radical forms → unified ideographs,
    NBSP → space), except that the ellipsis … is kept (NFKC would make it three
    dots).  Chinese-only punctuation (。、“”《》【】—·) is unchanged by NFKC.
    """
    if s.isascii():
        return s
    for ch in set(_FULLWIDTH_RE.findall(s)):
        s = s.replace(ch, _FULLWIDTH[ch])
    probe = s.replace("…", "") if "…" in s else s
    if unicodedata.is_normalized("NFKC", probe):
        return s
    if "…" in s:
        return "…".join(unicodedata.normalize("NFKC", part) for part in s.split("…"))
    return unicodedata.normalize("NFKC", s)


@lru_cache(maxsize=1)
def _converter() -> Any:
    import opencc

    try:
        # Keep rare traditional characters rather than emitting Extension-B
        # simplified forms that most fonts render as tofu.
        return opencc.OpenCC("t2s", include_tofu_risk_dictionaries=False)
    except TypeError:  # opencc < 1.2 has no such option
        return opencc.OpenCC("t2s")


@lru_cache(maxsize=1)
def _triggers() -> tuple[frozenset[str], re.Pattern[str]]:
    """Characters t2s could change, as a set and as a regex (built once)."""
    conv = _converter()
    chars = [chr(c) for lo, hi in _SCAN_RANGES for c in range(lo, hi + 1)]
    out = conv.convert("\n".join(chars)).split("\n")
    if len(out) != len(chars):  # pragma: no cover - defensive
        raise RuntimeError("unexpected OpenCC output while building the t2s trigger set")
    changed = frozenset(c for c, o in zip(chars, out, strict=True) if c != o) | frozenset(PHRASE_ONLY_CHARS)
    body = "".join(re.escape(c) for c in sorted(changed))
    # Astral characters are rare: always let OpenCC look at them.
    return changed, re.compile(f"[{body}\U00010000-\U0010ffff]")


def t2s_trigger_chars() -> frozenset[str]:
    """The BMP characters whose presence makes ``to_simplified`` call OpenCC."""
    return _triggers()[0]


def to_simplified(s: str) -> str:
    """Traditional → simplified Chinese (OpenCC ``t2s``); fast when nothing to do."""
    if s.isascii() or _triggers()[1].search(s) is None:
        return s
    try:
        return _converter().convert(s)
    except UnicodeEncodeError:  # lone surrogates cannot go through UTF-8
        return _converter().convert(_SURROGATES.sub("", s))


_SURROGATES = re.compile("[\ud800-\udfff]")
# C0/C1 controls (tab/newline/CR/VT/FF are whitespace, handled below), zero-width
# and bidi format characters, BOM, soft hyphen, lone surrogates.
_JUNK = re.compile(
    "[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u00ad\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\ufeff\ud800-\udfff]"
)
_NEWLINE_RE = re.compile("[\r\x0b\x0c\x85\u2028\u2029]")


# Short single-line texts (titles, employer and place names, majors, tags, enum values) repeat
# across postings, so their cleaned form is remembered; descriptions are not.
SHORT_TEXT = 64


def _characters(s: str) -> str:
    """Half-width, simplified, without control characters: what both modes of ``clean_text`` do first."""
    return to_simplified(to_halfwidth(_JUNK.sub("", s)))


def _clean_line(s: str) -> str:
    return " ".join(_characters(s).split())


_clean_short_line = lru_cache(maxsize=32768)(_clean_line)


def text_length(value: Any) -> int:
    """Characters of text in a value: strings, and those inside tuples, lists and dataclasses."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, (tuple, list)):
        return sum(text_length(v) for v in value)
    fields = getattr(value, "__dataclass_fields__", None)
    return sum(text_length(getattr(value, f)) for f in fields) if fields else 0


def short_text_cache(maxsize: int, limit: int = SHORT_TEXT) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """``lru_cache`` for functions of short text: a call whose arguments hold more than ``limit``
    characters is computed, not remembered. Real titles and names are short and repeat; long ones
    (a fuzzer's, or junk) rarely repeat and would each hold ~1 KB for as long as the cache lives,
    up to ~100 MB per cache at 65,536 entries. So a cache stays bounded in bytes, not only in entries."""

    def wrap(fn: Callable[..., T]) -> Callable[..., T]:
        cached = lru_cache(maxsize=maxsize)(fn)

        @wraps(fn)
        def call(*args: Any, **kwargs: Any) -> T:
            if text_length(args) + text_length(tuple(kwargs.values())) <= limit:
                return cached(*args, **kwargs)
            return fn(*args, **kwargs)

        # lru_cache's own handles, on the wrapper (typeshed gives a plain function no attributes)
        call.cache_info = cached.cache_info  # type: ignore[attr-defined]
        call.cache_clear = cached.cache_clear  # type: ignore[attr-defined]
        return call

    return wrap


def clean_text(s: str, *, multiline: bool = False) -> str:
    """Half-width + simplified + no control characters + collapsed whitespace.

    Single-line mode turns every whitespace run (newlines included) into one
    space.  Multiline mode keeps line breaks (CR LF, CR, U+2028/9 and NEL become
    ``\\n``), collapses spaces within lines, trims each line and keeps at most
    one blank line between paragraphs.  The result is stripped.
    """
    if not s:
        return ""
    if not multiline:
        return _clean_short_line(s) if len(s) <= SHORT_TEXT else _clean_line(s)
    s = _characters(s)
    out: list[str] = []
    blank = False
    for raw in _NEWLINE_RE.sub("\n", s.replace("\r\n", "\n")).split("\n"):
        line = " ".join(raw.split())
        if not line:
            blank = True
            continue
        if blank and out:
            out.append("")
        out.append(line)
        blank = False
    return "\n".join(out)
