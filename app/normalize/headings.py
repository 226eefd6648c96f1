"""Scraped descriptions repeat their section headings (``职位描述 职位描述：…``, ``岗位职责：岗位职责``);
one is enough. ``tidy_headings`` folds each run of the same heading into one, ``职位描述：``."""

from __future__ import annotations

import re

__all__ = ["HEADINGS", "strip_leading_heading", "tidy_headings"]

HEADINGS = ("职位描述", "岗位描述", "职位职责", "岗位职责", "工作职责", "工作内容", "职位要求", "岗位要求", "任职要求",
            "任职资格", "职位福利", "福利待遇", "工作地址", "工作地点", "职位信息", "岗位信息", "职位详情")
_H = "|".join(HEADINGS)
_REPEATED = re.compile(rf"({_H})(?:\s*[:：]?\s*\1)+\s*[:：]?\s*")
_LEADING = re.compile(rf"^\s*(?:{_H})\s*[:：]?\s*")


def tidy_headings(text: str) -> str:
    """The text with each repeated heading said once, followed by a full-width colon."""
    return _REPEATED.sub(lambda m: m.group(1) + "：", text)


def strip_leading_heading(text: str) -> str:
    """The text without a heading at its very start (the page shows its own heading above it)."""
    return _LEADING.sub("", text, count=1)
