"""Employer-name and title normalisation on real examples (Zhilian postings, see tests/fixtures/README.md)."""

from __future__ import annotations

import pytest

from app.dedup.names import employer_name_key, is_weak_employer
from app.dedup.titles import TitleKey, normalise_title


@pytest.mark.parametrize("variants", [
    ("深圳市骏龙电子有限公司", "骏龙电子(深圳)有限公司", "骏龙电子（深圳）有限公司", "深圳骏龙电子", "駿龍電子有限公司",
     "深圳市 骏龙电子 有限公司", "广东省深圳市骏龙电子股份有限公司"),
    ("深圳通业科技股份有限公司", "深圳市通业科技有限公司", "通业科技有限责任公司", "通業科技(深圳)有限公司"),
    ("中安信业创业投资有限公司", "中安信业创业投资集团有限公司", "中安信业创业投资（集团）有限公司"),
    ("杭州挪蒙广告设计有限公司", "挪蒙广告设计", "杭州市挪蒙广告设计有限公司"),
    ("ＡＢＣ科技（中国）有限公司", "ABC科技有限公司", "abc 科技"),
    ("Shenzhen Tencent Co., Ltd.", "SHENZHEN TENCENT LIMITED", "Shenzhen Tencent Co.,Ltd"),
    ("深圳市越众(集团)股份有限公司", "深圳越众(集团)", "越众集团"),          # a short brand after the place
    ("深圳市地铁集团有限公司", "深圳地铁"),                                # the place is part of a civic name
])
def test_name_variants_of_one_employer_share_a_key(variants: tuple[str, ...]) -> None:
    assert len({employer_name_key(v) for v in variants}) == 1, [employer_name_key(v) for v in variants]


@pytest.mark.parametrize("a,b", [
    ("中国平安人寿保险股份有限公司深圳分公司", "中国平安人寿保险股份有限公司"),      # a branch is its own employer
    ("中国平安人寿保险股份有限公司深圳分公司", "中国平安人寿保险股份有限公司广州分公司"),
    ("北京大学", "南京大学"),                                                  # the place is the institution's name
    ("上海交通大学", "西安交通大学"),
    ("深圳航空有限责任公司", "海南航空有限公司"),                                # a civic name keeps its place
    ("深圳市地铁集团有限公司", "广州地铁集团有限公司"),
    ("深圳市骏龙电子有限公司", "深圳市骏龙科技有限公司"),
])
def test_different_employers_keep_different_keys(a: str, b: str) -> None:
    assert employer_name_key(a) != employer_name_key(b)


def test_branch_key_keeps_the_branch_place_in_any_written_form() -> None:
    assert employer_name_key("中国平安人寿保险股份有限公司深圳分公司") == \
        employer_name_key("中国平安人寿保险股份有限公司深圳市分公司") == "中国平安人寿保险深圳分公司"


@pytest.mark.parametrize("name,weak", [("某知名互联网公司", True), ("保密", True), ("知名500强企业", True),
                                       ("深圳市骏龙电子有限公司", False), ("中国金融电子化公司", False)])
def test_names_that_do_not_identify_an_employer_are_weak(name: str, weak: bool) -> None:
    assert is_weak_employer(name) is weak


@pytest.mark.parametrize("decorated,plain", [
    ("电商数据分析(双休+五险一金+餐补)", "电商数据分析"),
    ("Java开发工程师（2022届校招）", "Java开发工程师"),
    ("【急招】Java开发工程师", "java开发工程师"),
    ("诚聘Java开发工程师-深圳", "JAVA 开发工程师"),
    ("Java开发工程师 | 五险一金 | 深圳南山", "Java开发工程师"),
    ("数据开发工程师（杭州）", "数据开发工程师"),
    ("大数据产品经理-苏州", "大数据产品经理"),
    ("开发工程师[深圳]", "开发工程师"),
    ("数据分析（驻点深圳）", "数据分析"),
    ("前端MDE（地点：深圳）", "前端MDE"),
    ("金融培训讲师10K-15K", "金融培训讲师"),
    ("新媒体运营（证券）（6K-9K）", "新媒体运营（证券）"),
    ("包吃住软件开发学徒（双休）", "软件开发学徒"),
    ("腾讯云大数据开发热招", "腾讯云大数据开发"),
    ("前端开发【2023届春招】", "前端开发"),
    ("實習生（包住）", "实习生"),
])
def test_decorations_partners_add_are_dropped(decorated: str, plain: str) -> None:
    assert normalise_title(decorated).key == normalise_title(plain).key


@pytest.mark.parametrize("a,b", [
    ("高级Java开发工程师", "初级Java开发工程师"),
    ("Java开发工程师", "Java开发实习生"),
    ("税务经理(J10093)", "税务经理(J10094)"),
    ("高级研发工程师(中间件方向)", "高级研发工程师(前端方向)"),
    ("移动开发工程师（Android）", "移动开发工程师（iOS）"),
    ("C#开发", "C++开发"),
    ("招聘专员", "人事专员"),
])
def test_what_tells_jobs_apart_is_kept(a: str, b: str) -> None:
    assert normalise_title(a).key != normalise_title(b).key


def test_seniority_and_requisition_codes_are_reported_apart() -> None:
    t = normalise_title("WEB前端开发工程师（中高级）(J10093)")
    assert (t.seniority, t.codes) == ("中高级", "j10093")
    assert normalise_title("工程师（实习生+包住）").seniority == "实习"
    assert normalise_title("Senior Software Engineer ( ").seniority == "高级"
    assert normalise_title("International Sales").seniority == ""
    assert normalise_title("开发工程师（深圳）(002648)").core == normalise_title("开发工程师").key


def test_a_title_made_only_of_decoration_has_no_key_but_keeps_what_was_written() -> None:
    assert normalise_title("急招（深圳）") == normalise_title("急招-深圳") == TitleKey("", "急招", "", "")
