"""Postings several test modules share."""

from __future__ import annotations

from typing import Any

from tests.conftest import make_posting
from tests.zhilian import FIXTURES, zhilian_postings

# The same real vacancy as three kinds of partner write it (Zhilian, 2018, Shenzhen).
UNIVERSITY = make_posting(
    "U-1", title="嵌入式软件工程师", employer={"name": "深圳通业科技股份有限公司"},
    locations=[{"region_code": "440300"}], salary={"min": 10001, "max": 15000, "period": "month"},
    description="岗位描述：1、软件设计开发流程相关设计文档的编制，校核，及变更、归档；2、进行产品软件控制的设计实现过程，"
                "软件系统构架设计、代码编写、代码校核；3、检查、评审软件控制相关的设计输出。")
AGENCY = make_posting(
    "AG-778", title="【急招】嵌入式软件工程师（双休+五险一金）", employer={"name": "通業科技（深圳）有限公司"},
    locations=["深圳-南山区"], salary="1万-1.5万",
    description="岗位描述： 1、软件设计开发流程相关设计文档的编制，校核，及变更、归档； 2、进行产品软件控制的设计实现过程...")
PROVINCE = make_posting(
    "GD-2022-17", title="嵌入式软件工程师-深圳", employer={"name": "深圳市通业科技股份有限公司"},
    locations=[{"city": "广东省深圳市南山区"}], salary={"min": 120000, "max": 180000, "period": "year"},
    description=None)


def real_postings() -> list[dict[str, Any]]:
    """The 20 real Zhilian postings of ``tests/fixtures/zhilian_java_sample.jsonl``."""
    return zhilian_postings(FIXTURES / "zhilian_java_sample.jsonl", "ZL")
