"""Synthetic jobs shaped like the real Zhilian postings, for ``bench/search.py``.

Titles, duties and salaries come from job families across industries (IT, sales,
finance, nursing, teaching, manufacturing, …) with the real postings' noise
(requisition codes, perks in brackets); requirement sentences and employer names
are drawn from /work/shared/data/real/. Places cover every province (all of
``app.normalize.all_regions()``), weighted towards the big cities. Deterministic
for a given seed; jobs come out oldest first, as they would arrive.
"""

from __future__ import annotations

import csv
import json
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from app.normalize import all_regions

REAL = Path("/work/shared/data/real")

# industry, base monthly salary, titles, duties, majors, weight
FAMILIES: list[tuple[str, int, list[str], list[str], list[str], float]] = [
    ("I", 11000, ["Java开发工程师", "Java后端开发", "前端开发工程师", "Python开发工程师", "C++开发工程师",
                  "软件工程师", "测试工程师", "运维工程师", "嵌入式软件工程师", "Android开发工程师",
                  "iOS开发工程师", "算法工程师", "大数据开发工程师", "数据分析师", "产品经理", "UI设计师",
                  "网络安全工程师", "PHP开发工程师", "Go开发工程师", "实施工程师", "技术支持工程师"],
     ["负责公司核心业务系统的设计与开发", "参与需求分析和技术方案评审", "编写高质量的代码和技术文档",
      "负责系统的性能优化和故障排查", "配合测试完成版本发布", "参与数据平台的建设与维护",
      "跟进线上问题并及时修复", "负责前后端接口联调"],
     ["计算机科学与技术", "软件工程", "信息管理与信息系统", "数学与应用数学", "电子信息工程"], 30),
    ("F", 7000, ["销售代表", "销售经理", "电话销售", "大客户销售", "销售助理", "渠道销售专员", "区域销售经理",
                 "网络销售", "储备店长", "导购员"],
     ["负责开发新客户并维护老客户关系", "完成公司下达的销售任务", "收集市场信息和竞争对手动态",
      "负责产品的推广和销售", "参与销售合同的谈判与签订", "维护区域渠道并拓展市场"],
     ["市场营销", "工商管理", "国际经济与贸易", "电子商务"], 14),
    ("J", 8000, ["会计", "出纳", "财务专员", "审计助理", "银行柜员", "客户经理", "理财顾问", "风控专员",
                 "税务专员", "财务分析师"],
     ["负责日常账务处理和凭证审核", "编制月度季度财务报表", "办理银行结算和税务申报",
      "协助完成年度审计工作", "为客户提供金融产品咨询服务", "负责信贷业务的风险审核"],
     ["会计学", "财务管理", "金融学", "审计学", "经济学"], 10),
    ("Q", 7000, ["护士", "护理专员", "临床医生", "药剂师", "康复治疗师", "医学检验技师", "医药代表",
                 "健康管理师"],
     ["负责病区患者的日常护理工作", "执行医嘱并做好护理记录", "协助医生完成诊疗工作",
      "负责药品的调配和发放", "为患者提供康复训练指导"],
     ["护理学", "临床医学", "药学", "医学检验技术", "康复治疗学"], 7),
    ("P", 7500, ["小学语文教师", "初中数学教师", "英语老师", "幼儿教师", "课程顾问", "辅导员", "培训讲师",
                 "教研员"],
     ["负责所教学科的备课和授课", "关注学生学习情况并及时反馈", "参与教研活动和课程开发",
      "组织开展班级管理工作", "为学员提供课程咨询"],
     ["汉语言文学", "英语", "学前教育", "数学与应用数学", "教育学"], 7),
    ("C", 8000, ["机械工程师", "电气工程师", "工艺工程师", "质量工程师", "生产计划专员", "设备维护工程师",
                 "质检员", "自动化工程师", "结构工程师"],
     ["负责产品的结构设计和图纸绘制", "优化生产工艺提高生产效率", "负责设备的日常维护和保养",
      "处理生产过程中的质量问题", "制定生产计划并跟进执行"],
     ["机械设计制造及其自动化", "电气工程及其自动化", "材料科学与工程", "测控技术与仪器"], 10),
    ("E", 8500, ["土木工程师", "造价工程师", "建筑设计师", "施工员", "安全员", "工程监理", "给排水工程师"],
     ["负责施工现场的技术管理", "编制工程预算和结算", "参与建筑方案的设计", "监督施工质量和进度",
      "负责施工安全检查"],
     ["土木工程", "工程造价", "建筑学", "工程管理", "给排水科学与工程"], 6),
    ("L", 6500, ["行政专员", "人事专员", "HR招聘专员", "前台", "法务专员", "律师助理", "管培生",
                 "总经理助理", "市场专员", "新媒体运营"],
     ["负责公司日常行政事务", "组织招聘面试和员工入职", "处理劳动合同和社保事务",
      "协助处理公司法律事务", "策划并执行市场推广活动", "负责公众号的内容运营"],
     ["人力资源管理", "行政管理", "法学", "新闻学", "汉语言文学"], 8),
    ("G", 6500, ["仓库管理员", "物流专员", "采购专员", "供应链专员", "跟单员", "快递员"],
     ["负责仓库货物的出入库管理", "安排运输计划并跟踪物流", "负责供应商的开发与管理",
      "跟进订单的生产和交付进度"],
     ["物流管理", "供应链管理", "国际经济与贸易"], 5),
    ("H", 5500, ["厨师", "餐厅服务员", "酒店前台", "营运主管", "咖啡师"],
     ["负责菜品的制作和出品", "为顾客提供优质的服务", "负责门店的日常营运管理"],
     ["酒店管理", "烹饪与营养教育", "旅游管理"], 3),
]
PREFIXES = ["", "", "", "", "高级", "初级", "资深", "中级", "2024届", "应届生", "实习", "储备"]
SUFFIXES = ["", "", "", "", "(双休+五险一金)", "（包吃住）", "(J10093)", "-急招", "（校招）", "（实习生）",
            " 五险一金", "(可接受应届生)", "(提供住宿)", "【周末双休】"]
PERKS = ["五险一金", "周末双休", "带薪年假", "餐补", "交通补贴", "年终奖金", "定期体检", "节日福利",
         "员工旅游", "住房补贴"]
EDUCATION = [("any", 12), ("secondary", 5), ("associate", 25), ("bachelor", 45), ("master", 11), ("doctorate", 2)]
EDU_TEXT = {"any": "学历不限", "secondary": "中专及以上学历", "associate": "大专及以上学历",
            "bachelor": "本科及以上学历", "master": "硕士研究生及以上学历", "doctorate": "博士研究生学历"}
JOB_TYPES = [("full_time", 80), ("internship", 12), ("part_time", 5), ("other", 3)]
EMPLOYER_TYPES = [("private", 60), ("soe", 15), ("foreign", 10), ("public_institution", 8), ("government", 3),
                  ("other", 4)]
PROVINCE_WEIGHT = {"440000": 12, "320000": 8, "330000": 8, "370000": 6, "110000": 7, "310000": 7, "510000": 5,
                   "410000": 5, "420000": 5, "430000": 4, "350000": 4, "340000": 3, "130000": 3, "500000": 3,
                   "610000": 3, "120000": 2, "210000": 3}
BRANDS = list("华为腾飞盛达恒信博远安创新锐星辰启明海纳正泰金鼎天宇众诚优品宏图汇智联科睿德嘉和")
TRADES = ["科技", "信息技术", "网络科技", "电子", "教育科技", "医疗器械", "医药", "贸易", "实业", "物流",
          "建设工程", "餐饮管理", "人力资源", "金融服务", "智能制造", "文化传媒", "食品", "汽车服务"]
FORMS = ["有限公司", "股份有限公司", "集团有限公司", "有限责任公司"]
START = datetime(2026, 6, 1, tzinfo=UTC)
SPAN_DAYS = 180


@dataclass(slots=True)
class Place:
    code: str
    province: str
    city: str | None
    district: str | None


def _weighted(rng: random.Random, pairs: list[tuple[Any, float]]) -> Any:
    return rng.choices([p for p, _ in pairs], weights=[w for _, w in pairs])[0]


def _real_sentences() -> list[str]:
    out: dict[str, None] = {}
    with (REAL / "zhilian_sample.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            for s in re.split(r"[；;。\n]+", row["requirements"]):
                s = re.sub(r"^\s*[0-9一二三四五六七八九十]+[、.．)）]\s*", "", s).strip()
                if 8 <= len(s) <= 50:
                    out[s] = None
    return list(out)


def _real_employers() -> list[str]:
    names: dict[str, None] = {}
    with (REAL / "zhilian_shenzhen_java.jsonl").open(encoding="utf-8") as f:
        for line in f:
            names[json.loads(line)["companyName"].strip()] = None
    return [n for n in names if n]


class Generator:
    """Yields job dicts (oldest first) with the fields the bench writes into ``jobs``."""

    def __init__(self, n: int, seed: int = 24365) -> None:
        self.n = n
        self.rng = random.Random(seed)
        self.sentences = _real_sentences()
        regions = all_regions()
        by_province: dict[str, list[Place]] = {}
        with_districts = {r.city_code for r in regions if r.level == "district"}
        for r in regions:
            if r.level == "district" or (r.level == "city" and r.code not in with_districts):
                by_province.setdefault(r.province_code, []).append(Place(r.code, r.province, r.city, r.district))
        self.places = by_province
        self.provinces = [(code, PROVINCE_WEIGHT.get(code, 1.5)) for code in by_province]
        cities = sorted({r.city for r in regions if r.city})
        rng = self.rng
        self.employers = _real_employers() + [
            f"{rng.choice(cities).removesuffix('市')}{rng.choice(BRANDS)}{rng.choice(BRANDS)}{rng.choice(TRADES)}"
            f"{rng.choice(FORMS)}" for _ in range(max(1000, n // 20))]
        self.employer_types = [_weighted(rng, EMPLOYER_TYPES) for _ in self.employers]

    def place(self) -> Place:
        province = _weighted(self.rng, self.provinces)
        return self.rng.choice(self.places[province])

    def jobs(self) -> Iterator[dict[str, Any]]:
        rng = self.rng
        step = SPAN_DAYS * 86400 / max(1, self.n)
        weights = [f[5] for f in FAMILIES]
        for i in range(self.n):
            industry, base, titles, duties, majors, _ = rng.choices(FAMILIES, weights=weights)[0]
            title = rng.choice(PREFIXES) + rng.choice(titles) + rng.choice(SUFFIXES)
            # A third of the jobs come from the 2,000 biggest employers.
            emp = rng.randrange(2000 if rng.random() < 0.3 else len(self.employers))
            education = _weighted(rng, EDUCATION)
            posted = START + timedelta(seconds=i * step + rng.random() * step)
            places = [self.place() for _ in range(2 if rng.random() < 0.05 else 1)]
            salary = None
            if rng.random() > 0.1:
                lo = int(base * rng.uniform(0.5, 1.6) / 500) * 500 + 1000
                salary = {"min": lo, "max": lo + rng.choice([1000, 2000, 3000, 5000, 8000]), "period": "month",
                          "negotiable": False, "text": None}
            desc = ["岗位职责：", *(f"{k + 1}、{d}；" for k, d in enumerate(rng.sample(duties, min(3, len(duties))))),
                    "任职要求：", f"1、{EDU_TEXT[education]}，{rng.choice(majors)}等相关专业；"]
            desc += [f"{k + 2}、{s}；" for k, s in enumerate(rng.sample(self.sentences, rng.randint(2, 4)))]
            desc.append("福利待遇：" + "、".join(rng.sample(PERKS, 4)) + "。")
            yield {
                "title": title, "employer": self.employers[emp], "employer_type": self.employer_types[emp],
                "description": "\n".join(desc), "industry": industry, "education": education,
                "job_type": _weighted(rng, JOB_TYPES), "majors": rng.sample(majors, 2), "salary": salary,
                "headcount": rng.randint(1, 10), "posted_at": posted,
                "first_seen_at": posted + timedelta(minutes=rng.randint(1, 600)),
                "locations": [{"region_code": p.code, "province": p.province, "city": p.city,
                               "district": p.district, "address": None} for p in places],
                "tags": rng.sample(["校园招聘", "社会招聘", "急招", "应届生"], 1),
            }
