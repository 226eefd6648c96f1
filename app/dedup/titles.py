"""Job titles → a comparable key, without what partners add and with what tells jobs apart.

Dropped: recruiting words (诚聘, 急招, 热招 …), campaign tags (2022届, 校招, 春招 …),
perks ("(双休+五险一金+餐补)", 包吃住), pay ("9k", "(6K-9K)"), a leading or
trailing place ("-深圳", "(深圳南山)", "工程师深圳"), brackets, spaces, punctuation
and letter case. Kept: seniority (初级/中级/高级/资深/实习 …, also reported on
their own so that 初级 never meets 高级), requisition codes such as (J10093),
and specialisms such as (Android) or (中间件方向).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from app.normalize import clean_text, short_text_cache

from .places import PLACE_WRAPPERS, only_places, strip_leading_places, strip_trailing_places

_OPEN = "([【〔{「『〖<《"
_CLOSE = ")]】〕}」』〗>》"
_RECRUIT = r"高薪诚聘|高薪急聘|高薪急招|火热招聘|紧急招聘|诚聘|急聘|急招|热招|热聘|直招|诚招|招募|急需|急缺|招聘[:：]|hot|urgent|new"
_CAMPAIGN = (r"(?:20)?\d{2}(?:届|年届|级)(?:毕业生|应届生)?|应届毕业生|应届生|往届生?|应届|毕业生|在校生|"
             r"校园招聘|校园|春季招聘|秋季招聘|春招|秋招|校招|社招|社会招聘|补录|提前批|内推")
_NUM = r"(?<![a-z0-9_.])(?<![a-z0-9]-)\d+(?:\.\d+)?"
_PAY = (rf"(?:月薪|年薪|底薪|薪资|日薪|时薪|综合)?{_NUM}\s*(?:k|千|万|w|元)?(?:\s*[-~至到]\s*\d+(?:\.\d+)?)?\s*(?:k|千|万|w|元)"
        r"(?![a-z0-9])(?:/(?:月|年|天|日|时|小时))?\+?|"
        rf"(?:月薪|年薪|底薪|日薪|时薪){_NUM}\+?|{_NUM}元?/(?:天|日|时|小时|月)|月薪过万|年薪百万")
_PERKS = (r"五险一金|六险一金|五险二金|五险|社保|双休|周末双休|单休|大小周|包吃住|包食宿|包住宿|包吃|包住|提供住宿|提供食宿|"
          r"餐补|饭补|房补|交通补贴|补贴|年终奖|年底双薪|双薪|带薪年假|年假|节日福利|福利|绩效奖金|奖金|提成|高提成|高薪|"
          r"朝九晚五|朝九晚六|不加班|弹性工作|弹性|定期体检|员工旅游|免费培训|带薪培训|可转正|转正|上市公司|"
          r"五百强|500强|大平台|稳定|靠地铁站?|地铁口|地铁|无责底薪|经验不限|无经验|零基础|可实习|可兼职|包培训|"
          r"出差少|不出差|待遇优|待遇优厚|待遇好|薪资优|薪资面议|面议")
_DECOR = re.compile(f"(?:{_PAY}|{_CAMPAIGN}|{_RECRUIT}|{_PERKS})")
# Strong decorations that never belong to a real title: dropped wherever they stand.
_ANYWHERE = re.compile(f"(?:{_PAY}|{_CAMPAIGN}|五险一金|六险一金|周末双休|包吃住|包食宿|高薪诚聘|高薪急聘|急聘|急招|热招|诚聘)")
_EDGE_RECRUIT = re.compile(f"^(?:{_RECRUIT}|{_PERKS})+[:：\\s]*|[\\s\\-_]*(?:{_RECRUIT})+$")
_PART_SPLIT = re.compile(r"[+、,;|/&\s]+")
_CODE_LABEL = re.compile(r"^(?:职位编号|岗位编号|编号|job ?id|no\.?|#)[:：]?")
_SEP = re.compile(r"[\s\-_—–~·|:/\\]+")
_SENIORITY = (
    ("中高级", "中高级"), ("初中级", "初中级"), ("初级", "初级"), ("中级", "中级"), ("高级", "高级"),
    ("资深", "资深"), ("首席", "首席"), ("专家", "专家"), ("实习生", "实习"), ("实习", "实习"),
    ("见习", "见习"), ("管培生", "管培"), ("管理培训生", "管培"), ("储备", "储备"), ("学徒", "学徒"),
    ("senior", "高级"), ("junior", "初级"), ("intern", "实习"), ("principal", "首席"),
    ("sr", "高级"), ("jr", "初级"),
)
_SENIORITY_RE = re.compile("|".join(f"(?<![a-z]){re.escape(w)}(?![a-z])" if w.isascii() else re.escape(w)
                                    for w, _ in _SENIORITY))
_SENIORITY_MAP = dict(_SENIORITY)
# Requisition codes: J10093, 002507, ZJ-T-20180309-007W, CLOU-YYGLB002, 编号94725.
_CODE = re.compile(r"[a-z0-9][a-z0-9\-_]*")
_KEEP = re.compile(r"[^\w+#]|_")


@dataclass(frozen=True, slots=True)
class TitleKey:
    key: str         # everything kept, compacted: "高级java开发工程师j10093"; "" if only decoration
    core: str        # the key without requisition codes (for "" keys: what was written, compacted)
    seniority: str   # "高级", "" or several joined by "+"
    codes: str       # "j10093", "" or several joined by "+"
    # Places taken out of the title ("深圳", "驻点东莞"): one that is not where the posting is
    # still tells jobs apart (app.dedup.signature puts it back into the key).
    places: tuple[str, ...] = field(default=(), compare=False)


# Words whose presence or absence alone does not make another job: 开发工程师 ~ 开发, 软件测试 ~ 测试工程师.
GENERIC = ("工程师", "开发", "软件", "岗位", "职位", "人员", "专员", "岗", "师", "员")


def stem(core: str) -> str:
    """A title core without its generic words: what blocks are keyed on, so titles that differ only
    by those words (软件测试 / 软件测试工程师) meet, and a big employer's other titles do not."""
    for word in GENERIC:
        core = core.replace(word, "")
    return core


def _brackets(s: str) -> tuple[str, list[str]]:
    """Split ``s`` into the text outside brackets and the contents of each bracket
    (an unclosed bracket at the end, as in truncated titles, runs to the end)."""
    outside: list[str] = []
    inside: list[str] = []
    depth, buf = 0, list[str]()
    for ch in s:
        if ch in _OPEN:
            if depth == 0:
                outside.append("".join(buf))
                outside.append(" ")
                buf = []
            else:
                buf.append(" ")
            depth += 1
        elif ch in _CLOSE and depth > 0:
            depth -= 1
            if depth == 0:
                inside.append("".join(buf))
                buf = []
            else:
                buf.append(" ")
        elif ch in _CLOSE:
            buf.append(" ")
        else:
            buf.append(ch)
    (inside if depth else outside).append("".join(buf))
    return "".join(outside), inside


def _clean_part(part: str, places: list[str]) -> str:
    """What is left of one bracketed part once decorations and places are gone."""
    part = _CODE_LABEL.sub("", part.strip(" -_:："))
    if not part:
        return ""
    if only_places(part):
        places.append(part)
        return ""
    rest = _DECOR.sub("", part)
    compact = _KEEP.sub("", rest)
    if not compact or only_places(compact):
        places.append(compact)
        return ""
    stripped = strip_trailing_places(compact, min_rest=2)  # a cut-short "(高级-深圳"
    if stripped != compact:
        places.append(compact[len(stripped):])
        return stripped
    return rest.strip()


def _clean_main(s: str, places: list[str]) -> str:
    s = _ANYWHERE.sub(" ", s)
    s = _EDGE_RECRUIT.sub("", s.strip(" -_|:：·—"))
    pieces = [p for p in _SEP.split(s) if p]
    # A trailing or leading piece that is only a place: "Java开发-深圳", "深圳 | 前端".
    while pieces and only_places(pieces[-1]):
        places.append(pieces.pop())
    while pieces and only_places(pieces[0]):
        places.append(pieces.pop(0))
    s = " ".join(pieces)
    compact = _KEEP.sub("", s)
    for word in PLACE_WRAPPERS[:4]:
        if compact.endswith(word) and len(compact) > len(word) + 2:
            stripped = strip_trailing_places(compact[: -len(word)], min_rest=2)
            if stripped != compact[: -len(word)]:
                places.append(compact[len(stripped): -len(word)])
                compact = stripped
    stripped = strip_trailing_places(compact, min_rest=2)
    if stripped != compact:
        places.append(compact[len(stripped):])
        compact = stripped
    if _has_separator_free_place(compact):
        stripped = strip_leading_places(compact, min_rest=2)
        places.append(compact[: len(compact) - len(stripped)])
        compact = stripped
    return compact


def _has_separator_free_place(compact: str) -> bool:
    """A title that starts with a full place name written with its suffix (深圳市…, 南山区…)."""
    return bool(re.match(r"^[\u4e00-\u9fff]{1,6}(?:省|市|区|县)", compact)) and \
        strip_leading_places(compact, min_rest=2) != compact


@short_text_cache(65536)
def normalise_title(title: str) -> TitleKey:
    """The comparable form of a job title (see the module docstring)."""
    s = clean_text(title).lower()
    main, parts = _brackets(s)
    kept: list[str] = []
    places: list[str] = []
    for content in parts:
        if only_places(content):
            places.append(content)
            continue
        for part in _PART_SPLIT.split(_DECOR.sub(" ", content)):
            cleaned = _clean_part(part, places)
            if cleaned:
                kept.append(cleaned)
    main_key = _clean_main(main, places)
    key = main_key + "".join(_KEEP.sub("", k) for k in kept)
    if not key:  # only decoration ("急聘", "双休 包住"): no key; the core keeps the words outside brackets
        core = _KEEP.sub("", " ".join(p for p in _SEP.split(main) if p and not only_places(p))) or _KEEP.sub("", s)
        return TitleKey("", core, "", "", tuple(dict.fromkeys(p for p in places if p)))
    codes = sorted({_KEEP.sub("", m.group(0)) for k in kept for m in _CODE.finditer(k) if _digits(m.group(0)) >= 3}
                   | {_KEEP.sub("", m.group(0)) for m in _CODE.finditer(_ANYWHERE.sub(" ", main)) if _is_code(m.group(0))})
    core = key
    for code in codes:
        core = core.replace(code, "")
    seniority = sorted({_SENIORITY_MAP[m.group(0)] for m in _SENIORITY_RE.finditer(_DECOR.sub(" ", s))})
    return TitleKey(key, core or key, "+".join(seniority), "+".join(c for c in codes if c),
                    tuple(dict.fromkeys(p for p in places if p)))


def _digits(token: str) -> int:
    return sum(ch.isdigit() for ch in token)


def _is_code(token: str) -> bool:
    """Outside brackets only code-like tokens count (letters and digits mixed, or 5+ digits)."""
    digits = _digits(token)
    return digits >= 5 or (digits >= 3 and any(ch.isalpha() for ch in token))


__all__ = ["TitleKey", "normalise_title"]
