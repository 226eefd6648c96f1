"""Build the labelled dedup set from the real Zhilian postings (../shared/data/real/).

Each real vacancy is cross-posted by one to four partners, each writing it the way
real partners do: decorated titles, name variants of the employer, salary and place
in other forms, descriptions cut short, other ids. Siblings are different vacancies
made to look alike (same employer and description, another city or seniority).

The decorations below were written from what partners' sites show, not from the
hub's normaliser word lists; several are deliberately outside them.
"""

from __future__ import annotations

import csv
import hashlib
import json
import random
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.normalize import resolve_location
from app.normalize.credit_code import ALPHABET, check_character

REAL = Path(__file__).resolve().parents[2] / "shared" / "data" / "real"
EDU = {"本科": "bachelor", "大专": "associate", "硕士": "master", "博士": "doctorate", "中专": "secondary",
       "中技": "secondary", "高中": "secondary", "不限": "any"}
CITIES = ["北京", "上海", "广州", "深圳", "杭州", "南京", "成都", "武汉", "西安", "苏州", "长沙", "郑州"]
TITLE_PREFIXES = ["【急招】", "【急聘】", "诚聘：", "[热招]", "【高薪诚聘】", "急招-", "【2023届校招】", "HOT "]
TITLE_SUFFIXES = ["（双休+五险一金）", "(五险一金/周末双休)", "（包吃住+年终奖）", "【2023届春招】", "（校招）",
                  "(2023届)", " 急招", "-{city}", "（{city}）", "【{city}】", " {city}", "(月薪{pay}K)", "（带薪年假）",
                  "（餐补+交通补贴）", "-{city}{district}"]
SENIORITY = ["初级", "中级", "高级", "资深"]


@dataclass
class Vacancy:
    vid: str
    company: str
    title: str
    city: str                     # 深圳
    district: str | None          # 南山区
    salary: tuple[int, int] | None  # monthly
    edu: str | None
    desc: str
    credit_code: str | None = None
    half: str = "tune"
    sibling_of: str | None = None
    postings: list[dict[str, Any]] = field(default_factory=list)


def _salary(lo: str, hi: str) -> tuple[int, int] | None:
    return (int(lo), int(hi)) if lo.isdigit() and hi.isdigit() and int(lo) <= int(hi) else None


def _csv_salary(text: str) -> tuple[int, int] | None:
    m = re.fullmatch(r"([\d.]+)(千|万)-([\d.]+)(千|万)", text.strip())
    if not m:
        return None
    unit = {"千": 1000, "万": 10000}
    return int(float(m[1]) * unit[m[2]]), int(float(m[3]) * unit[m[4]])


def load_vacancies() -> tuple[list[Vacancy], dict[str, int]]:
    """Distinct real vacancies; where one employer has several postings with the same title and
    place that differ in detail, we cannot tell if they are one vacancy, so we keep one."""
    raw: list[Vacancy] = []
    for line in (REAL / "zhilian_shenzhen_java.jsonl").open(encoding="utf-8"):
        r = json.loads(line)
        city, _, district = r["location"].partition("-")
        desc = r["deatil"].strip()
        raw.append(Vacancy("", r["companyName"].strip(), r["jobName"].strip(), city or "深圳", district or None,
                           _salary(r["minSalary"], r["maxSalary"]), EDU.get(r["edu"]), "" if desc == "..." else desc))
    with (REAL / "zhilian_sample.csv").open(encoding="utf-8") as f:
        for r in csv.DictReader(f):
            raw.append(Vacancy("", r["company"].strip(), r["title"].strip(), r["address"].strip(), None,
                               _csv_salary(r["salary"]), EDU.get(r["education"]), r["requirements"].strip()))
    exact: dict[tuple[Any, ...], Vacancy] = {}
    for v in raw:
        exact.setdefault((v.company, v.title, v.city, v.district, v.salary, v.edu, v.desc), v)
    by_place: dict[tuple[str, str, str], list[Vacancy]] = {}
    for v in exact.values():
        if v.title and v.company:  # one city: a city-level listing may be any district's
            by_place.setdefault((v.company, _plain(v.title, v.city, v.district), v.city), []).append(v)
    kept = [group[0] for group in by_place.values()]
    for i, v in enumerate(kept):
        v.vid = f"V{i:05d}"
        v.half = "tune" if int(hashlib.sha1(v.company.encode()).hexdigest(), 16) % 2 == 0 else "test"
    stats = {"rows": len(raw), "distinct": len(exact), "ambiguous_dropped": len(exact) - len(kept)}
    return kept, stats


_ASIDE = re.compile(r"[(（【\[][^)）】\]]*[)）】\]]?|诚聘|急聘|急招|热招|直招|诚招|招聘|双休|周末|包吃住|包食宿|包住|"
                    r"提供住宿|五险一金|高薪|\d+(\.\d+)?[kK千万]")


def _plain(title: str, city: str, district: str | None) -> str:
    """Titles the source cannot tell apart: what issue 3 says the hub must ignore (brackets, recruiting
    words, perks, pay, case, punctuation, the posting's own place) set aside. Written for the
    labelling, independently of the hub's normaliser."""
    title = _ASIDE.sub("", title)
    for place in (district, city):
        if place:
            title = title.replace(place, "")
    return "".join(ch for ch in title.lower() if ch.isalnum())


def credit_code(rng: random.Random, district_code: str) -> str:
    body = "91" + district_code + "".join(rng.choice(ALPHABET) for _ in range(9))
    return body + check_character(body)


def add_siblings(vacancies: list[Vacancy], rng: random.Random, share: float) -> list[tuple[str, str]]:
    """Different vacancies that look alike: same employer and description, another city or seniority."""
    pairs = []
    taken = {(v.company, _plain(v.title, "", None), v.city) for v in vacancies}
    for v in list(vacancies):
        if rng.random() >= share:
            continue
        s = Vacancy(f"{v.vid}s", v.company, v.title, v.city, v.district, v.salary, v.edu, v.desc,
                    v.credit_code, v.half, v.vid)
        present = [w for w in SENIORITY if w in v.title]
        if rng.random() < 0.5:
            s.city, s.district = rng.choice([c for c in CITIES if c != v.city]), None
        elif present:
            s.title = v.title.replace(present[0], rng.choice([w for w in SENIORITY if w != present[0]]), 1)
        else:
            s.title = rng.choice(SENIORITY) + v.title
        if (s.company, _plain(s.title, "", None), s.city) in taken:  # that vacancy exists for real
            continue
        taken.add((s.company, _plain(s.title, "", None), s.city))
        vacancies.append(s)
        pairs.append((v.vid, s.vid))
    return pairs


def _employer_variant(name: str, city: str, rng: random.Random) -> str:
    base = re.sub(r"^(广东省)?" + city + "市?", "", name)
    stem = re.sub(r"(股份有限公司|有限责任公司|有限公司)$", "", base)
    forms = [name, name, f"{city}市{base}" if base != name else base, f"{stem}（{city}）有限公司" if stem != base else name,
             stem, f"{city}{stem}", name.replace("有限公司", "股份有限公司") if "股份" not in name else
             name.replace("股份有限公司", "有限公司"), name.replace("(", "（").replace(")", "）")]
    out = rng.choice(forms)
    if rng.random() < 0.1:
        out = _traditional(out)
    if rng.random() < 0.1:
        out = _fullwidth(out)
    return out


def _title_variant(title: str, city: str, district: str | None, rng: random.Random) -> str:
    out = title
    if rng.random() < 0.35:
        out = rng.choice(TITLE_PREFIXES) + out
    if rng.random() < 0.45:
        suffix = rng.choice(TITLE_SUFFIXES)
        if "{district}" in suffix and not district:
            suffix = "-{city}"
        out += suffix.format(city=city, district=district or "", pay=rng.choice([8, 10, 12, 15]))
    r = rng.random()
    if r < 0.15:
        out = out.upper() if rng.random() < 0.5 else out.lower()
    elif r < 0.25:
        out = _fullwidth(out)
    elif r < 0.32:
        out = _traditional(out)
    elif r < 0.4:
        out = re.sub(r"([A-Za-z+#]+)", r" \1 ", out).strip()
    return out


def _salary_variant(salary: tuple[int, int] | None, rng: random.Random) -> Any:
    if salary is None or rng.random() < 0.1:
        return None if rng.random() < 0.7 else "面议"
    lo, hi = salary
    r = rng.random()
    if r < 0.3:
        return {"min": lo, "max": hi, "period": "month"}
    if r < 0.5:
        return f"{lo / 1000:g}k-{hi / 1000:g}k"
    if r < 0.65:
        return f"{lo}-{hi}元/月"
    if r < 0.8:
        return f"{_cn(lo)}-{_cn(hi)}"
    return {"min": lo * 12, "max": hi * 12, "period": "year"}


def _cn(amount: int) -> str:
    return f"{amount / 10000:g}万" if amount >= 10000 else f"{amount / 1000:g}千"


def _location_variant(city: str, district: str | None, rng: random.Random) -> Any:
    r = rng.random()
    if r < 0.3:
        region = resolve_location(city + (district or ""))
        return {"region_code": region.code} if region else {"city": city}
    if r < 0.5:
        return f"{city}-{district}" if district else city
    if r < 0.65:
        return {"city": f"{city}市", "district": district} if district else {"city": f"{city}市"}
    if r < 0.8:
        return {"city": city}  # only the city: districts get lost on the way
    return f"{city}{district or ''}"


def _desc_variant(desc: str, rng: random.Random) -> str | None:
    if not desc or rng.random() < 0.1:
        return None
    r = rng.random()
    if r < 0.35:
        return desc[: max(20, int(len(desc) * rng.uniform(0.3, 0.8)))] + "…"
    if r < 0.5:
        return re.sub(r"\s+", "\n", desc)
    return desc


# How agencies hide the employer they recruit for (the hub calls these weak names).
HIDDEN_NAMES = ("某知名企业", "某上市公司", "保密", "某大型集团", "知名500强企业", "某知名互联网公司")


def render(v: Vacancy, partner: str, n: int, rng: random.Random, day: int, hidden: float = 0.0) -> dict[str, Any]:
    """One partner's posting of vacancy ``v``; an agency (partner R*) hides the employer's name
    in a ``hidden`` share of its postings."""
    employer: dict[str, Any] = {"name": _employer_variant(v.company, v.city, rng)}
    if v.credit_code and rng.random() < 0.6:
        employer["credit_code"] = v.credit_code
    if hidden and partner.startswith("R") and rng.random() < hidden:
        employer = {"name": rng.choice(HIDDEN_NAMES)}
    posting: dict[str, Any] = {
        "external_id": f"{partner}-{hashlib.md5(f'{v.vid}{n}'.encode()).hexdigest()[:10]}",
        "title": _title_variant(v.title, v.city, v.district, rng),
        "employer": employer,
        "locations": [_location_variant(v.city, v.district, rng)],
        "description": _desc_variant(v.desc, rng),
        "posted_at": f"2022-05-{day + rng.randint(0, 4):02d}T09:00:00+08:00",
        "valid_through": "2099-12-31T23:59:59+08:00",
    }
    salary = _salary_variant(v.salary, rng)
    if salary is not None:
        posting["salary"] = salary
    if v.edu and rng.random() < 0.8:
        posting["education"] = v.edu if rng.random() < 0.6 else {v: k for k, v in EDU.items()}[v.edu]
    if rng.random() < 0.7:
        posting["job_type"] = "internship" if "实习" in v.title else "full_time"
    return posting


def _fullwidth(s: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in s)


_S2T: Any = None


def _traditional(s: str) -> str:
    global _S2T
    if _S2T is None:
        import opencc

        _S2T = opencc.OpenCC("s2t")
    return str(_S2T.convert(s))
