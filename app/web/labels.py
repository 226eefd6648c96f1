"""The pages' labels: the contract's enumerations (``app.export.labels``) and the page's own."""

from __future__ import annotations

from app.export.labels import EDUCATION, EMPLOYER_TYPE, INDUSTRY, JOB_TYPE, PERIOD

__all__ = ["CHOICES", "EDUCATION", "EMPLOYER_TYPE", "FAIR_KIND", "FAIR_MODE", "FILTER_TITLES", "INDUSTRY", "JOB_TYPE",
           "PARTNER_KIND", "PERIOD", "POSTED_WITHIN", "SALARY_FLOORS", "SERIES_ROLE", "SIZE", "SORT", "SOURCE_STATUS",
           "STATUS"]

PARTNER_KIND = {
    "university": "高校就业中心", "provincial_platform": "省级就业平台", "recruiter": "招聘机构",
    "industry_committee": "行业协会", "employer": "用人单位", "national": "国家平台",
}
SOURCE_STATUS = {"active": "有效", "withdrawn": "已撤回", "expired": "已过期"}
SORT = {"relevance": "最相关", "newest": "最新发布", "salary": "薪资最高"}
# The search's ``status`` other than the default (open jobs only).
STATUS = {"closed": "已结束的职位", "any": "含已结束的职位"}
# Monthly salary floors offered by the salary filter (CNY).
SALARY_FLOORS = (3000, 5000, 8000, 10000, 15000, 20000)
# "Posted within" choices, in days.
POSTED_WITHIN = {1: "24 小时内", 3: "3 天内", 7: "7 天内", 30: "30 天内", 90: "3 个月内"}

# Filter name → its labels (the list filters the form shows as checkboxes).
CHOICES: dict[str, dict[str, str]] = {
    "education": EDUCATION, "job_type": JOB_TYPE, "employer_type": EMPLOYER_TYPE, "industry": INDUSTRY,
}
FILTER_TITLES = {
    "region": "地区", "education": "学历", "job_type": "工作性质", "employer_type": "单位性质",
    "industry": "行业", "salary_min": "最低月薪", "posted_since": "发布时间", "posted_within": "发布时间",
}

FAIR_KIND = {"regional": "区域性招聘会", "industry": "行业专场", "alliance": "联盟招聘会", "campus": "校园专场"}
FAIR_MODE = {"online": "线上", "offline": "线下", "hybrid": "线上+线下"}
SERIES_ROLE = {"main": "主会场", "sub": "分会场"}
SIZE = {"large": "大型企业", "medium": "中型企业", "small": "小型企业", "micro": "微型企业"}
