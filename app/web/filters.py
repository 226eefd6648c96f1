"""The filter form's model: options with facet counts, the region picker, removable chips."""

from __future__ import annotations

from dataclasses import dataclass

from app.normalize import Region, children, region_by_code

from .labels import CHOICES, FILTER_TITLES, POSTED_WITHIN, SALARY_FLOORS, STATUS
from .query import PageQuery, posted_within_choices
from .view import money

FACETS = ("region", "industry", "education", "job_type", "employer_type")


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    count: int | None
    selected: bool


@dataclass(frozen=True)
class Group:
    name: str
    title: str
    options: list[Option]

    @property
    def chosen(self) -> int:
        return sum(o.selected for o in self.options)


@dataclass(frozen=True)
class Chip:
    label: str
    remove_url: str


def choice_groups(query: PageQuery, facets: dict[str, dict[str, int]]) -> list[Group]:
    """Checkbox groups; short lists keep zero-count values (dimmed), industry drops them."""
    groups = []
    for name in ("education", "job_type", "employer_type", "industry"):
        counts = facets.get(name)
        chosen = getattr(query.search, name)
        options = [Option(v, text, (counts or {}).get(v, 0) if counts is not None else None, v in chosen)
                   for v, text in CHOICES[name].items()]
        if name == "industry":  # twenty sections: list only those with jobs (and the chosen ones)
            options = [o for o in options if o.selected or o.count is None or o.count > 0]
        if options:
            groups.append(Group(name, FILTER_TITLES[name], options))
    return groups


@dataclass(frozen=True)
class RegionPicker:
    provinces: list[Option]
    cities: list[Option]
    province: Region | None
    extra: list[Region]


def region_picker(query: PageQuery, facets: dict[str, dict[str, int]]) -> RegionPicker:
    """Province select, and the chosen province's cities; other chosen regions stay as chips."""
    counts = facets.get("region")
    chosen = [r for r in (region_by_code(c) for c in query.search.region) if r]
    first = chosen[0] if chosen else None
    province = region_by_code(first.province_code) if first else None

    def opt(r: Region, selected: bool) -> Option:
        return Option(r.code, r.name, counts.get(r.code) if counts is not None else None, selected)

    provinces = [opt(p, province is not None and p.code == province.code) for p in children(None)]
    cities = [opt(c, first is not None and c.code == first.code) for c in children(province.code)] if province else []
    if first is not None and province is not None and first.code not in {c.value for c in cities} \
            and first.code != province.code:  # a district under a city: list it under its city
        at = next((i + 1 for i, c in enumerate(cities) if c.value == first.city_code), len(cities))
        cities.insert(at, Option(first.code, f"{first.city}·{first.name}", (counts or {}).get(first.code), True))
    return RegionPicker(provinces, cities, province, chosen[1:])


def region_name(code: str) -> str:
    r = region_by_code(code)
    if r is None:
        return code
    return "·".join(dict.fromkeys(n for n in (r.province, r.city, r.district) if n))


def salary_choices(current: int | None) -> list[tuple[int, str]]:
    floors = sorted({*SALARY_FLOORS, *([current] if current else [])})
    return [(n, f"{money(n)} 元以上") for n in floors]


def chips(query: PageQuery, fair_title: str | None = None) -> list[Chip]:
    """One removable chip per active filter value."""
    search = query.search
    out = [Chip(region_name(c), query.without("region", c)) for c in search.region]
    for name in ("education", "job_type", "employer_type", "industry"):
        out += [Chip(CHOICES[name][v], query.without(name, v)) for v in getattr(search, name)]
    if search.salary_min is not None:
        out.append(Chip(f"月薪 {money(search.salary_min)} 元以上", query.without("salary_min")))
    if query.posted_within:
        text = POSTED_WITHIN.get(query.posted_within, f"{query.posted_within} 天内")
        out.append(Chip(f"{text}发布", query.without("posted_within")))
    if search.posted_since:
        out.append(Chip(f"{search.posted_since.isoformat()} 以后发布", query.without("posted_since")))
    if search.status != "open":
        out.append(Chip(STATUS[search.status], query.without("status")))
    if search.employer_id:
        out.append(Chip("指定单位的职位", query.without("employer_id")))
    if search.fair:
        out.append(Chip(f"招聘会：{fair_title}" if fair_title else "指定招聘会的职位", query.without("fair")))
    return out


__all__ = ["FACETS", "Chip", "Group", "Option", "RegionPicker", "chips", "choice_groups",
           "posted_within_choices", "region_picker", "salary_choices"]
