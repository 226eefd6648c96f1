"""Request and response examples in the served OpenAPI (Chinese postings, as partners send them).

``EXAMPLES`` maps an operationId to its examples: ``"request"`` (the JSON body) and a status
code (its JSON answer, or under ``"problem"`` its problem+json answer). Each example is
checked by ``tests/api/test_openapi_prose.py``: request examples are sent to a real app and
must be accepted, answers must validate against the operation's response model.
"""

from __future__ import annotations

from typing import Any

PARTNER_ID = "01a22d5e8c3b7f0a9e4d2c1b0a998877"
KEY_ID = "01a22d5e8c3d71e2b5a4f6c7d8e9f0a1"
JOB_ID = "01a22d5e9b1c7d2e8f3a4b5c6d7e8f90"
JOB_ID_2 = "01a22d5e9b1c7d2e8f3a4b5c6d7e8f91"
EMPLOYER_ID = "01a22d5e9a007b6c5d4e3f2a1b0c9d8e"
POSTING_ID = "01a22d5e9a117c6d5e4f3a2b1c0d9e8f"
WEBHOOK_ID = "01a22d5ea0c17e8f9a0b1c2d3e4f5a6b"
SOURCE_ID = "01a22d5ea1d27f8e9d0c1b2a3f4e5d6c"
CURSOR = "eyJwIjoxNywiZiI6IiJ9.2f6c1e0a9b8d7c6e"
NOW = "2026-03-18T02:00:00Z"
STAFF_ID = "01a22d5ea2e3808f9e1d2c3b4a5f6e7d"

POSTING: dict[str, Any] = {
    "external_id": "SZU-2026-00017",
    "title": "Java开发工程师（2026届校招）",
    "employer": {"name": "深圳市某某科技有限公司", "credit_code": "91440300MA5G0XXX4K", "type": "private"},
    "locations": [{"region_code": "440305", "city": "深圳市", "address": "南山区科技园"}],
    "description": "岗位职责：负责后台服务的设计与开发。任职要求：计算机相关专业本科及以上学历，熟悉Java。",
    "job_type": "full_time",
    "education": "bachelor",
    "majors": ["计算机科学与技术", "软件工程"],
    "industry": "I",
    "salary": {"min": 8000, "max": 12000, "period": "month"},
    "headcount": 5,
    "posted_at": "2026-03-18T09:00:00+08:00",
    "valid_through": "2026-08-15T23:59:59+08:00",
    "apply_url": "https://career.example.edu.cn/apply/17",
    "url": "https://career.example.edu.cn/jobs/17",
    "tags": ["校园招聘", "百日冲刺"],
}
RAW_POSTING: dict[str, Any] = {  # the raw forms partners really have: the hub normalises them
    "external_id": "SZU-2026-00018",
    "title": "會計（應屆生）",
    "employer": {"name": "广州某某会计师事务所（普通合伙）", "type": "民营"},
    "locations": ["广东省广州市天河区"],
    "salary": "6千-8千",
    "education": "本科及以上",
}
BAD_POSTING: dict[str, Any] = {"external_id": "SZU-2026-00019", "title": "", "employer": {"name": "某公司"},
                               "locations": ["深圳-南山区"]}

EMPLOYER = {"id": EMPLOYER_ID, "name": "深圳市某某科技有限公司", "credit_code": None,
            "credit_code_verified": False, "type": "private"}
LOCATION = {"region_code": "440305", "province": "广东省", "city": "深圳市", "district": "南山区",
            "address": "南山区科技园"}
JOB: dict[str, Any] = {
    "id": JOB_ID, "title": "Java开发工程师(2026届校招)", "employer": EMPLOYER, "locations": [LOCATION],
    "description": POSTING["description"], "job_type": "full_time", "education": "bachelor",
    "majors": ["计算机科学与技术", "软件工程"], "industry": "I",
    "salary": {"min": 8000, "max": 12000, "period": "month", "negotiable": False, "text": None},
    "headcount": 5, "posted_at": "2026-03-18T01:00:00Z", "valid_through": "2026-08-15T15:59:59Z",
    "apply_url": "https://career.example.edu.cn/apply/17", "status": "open",
    "first_seen_at": NOW, "updated_at": NOW,
    "sources": [{"partner_id": PARTNER_ID, "partner_name": "深圳大学", "partner_kind": "university",
                 "external_id": "SZU-2026-00017", "url": "https://career.example.edu.cn/jobs/17",
                 "status": "active", "first_seen_at": NOW, "last_seen_at": NOW}],
    "field_sources": {"title": POSTING_ID, "salary": POSTING_ID},
}
FIELD_ERROR = {"field": "postings[2].title", "message": "Value error, must not be empty", "type": "value_error"}


def _problem(detail: str, errors: list[dict[str, str]], instance: str) -> dict[str, Any]:
    return {"type": "about:blank", "title": "Validation failed", "status": 422, "detail": detail,
            "instance": instance, "errors": errors}


EXAMPLES: dict[str, dict[str, Any]] = {
    "post_partner": {
        "request": {"name": "深圳大学", "kind": "university", "region_code": "440300",
                    "website": "https://career.szu.edu.cn/"},
        "201": {"id": PARTNER_ID, "name": "深圳大学", "kind": "university", "region_code": "440300",
                "website": "https://career.szu.edu.cn/", "created_at": NOW, "api_key": "hub_3f9c2a1b_kq0V7yJ2mX4nR8sT1uW5zA9cE3gH6iL0oP2rB4dF7hK",
                "api_key_id": KEY_ID},
        "problem": _problem("The request is not valid; see errors.",
                            [{"field": "kind", "message": "Input should be 'university', 'provincial_platform', "
                              "'recruiter', 'industry_committee', 'employer' or 'national'", "type": "literal_error"}],
                            "/api/v1/partners"),
    },
    "post_key": {
        "request": {"name": "招聘系统（2026新版）"},
        "201": {"id": KEY_ID, "partner_id": PARTNER_ID, "name": "招聘系统（2026新版）", "prefix": "7d41e0c2",
                "created_at": NOW, "last_used_at": None, "revoked_at": None,
                "api_key": "hub_7d41e0c2_Zp3xQ8wE1rT6yU0iO9pA4sD7fG2hJ5kL8zX1cV3bN6m"},
    },
    "get_keys": {
        "200": {"items": [
            {"id": "01a22d5e8c3b7f0a9e4d2c1b0a998878", "partner_id": PARTNER_ID, "name": None, "prefix": "3f9c2a1b",
             "created_at": "2026-01-05T02:00:00Z", "last_used_at": "2026-03-18T01:59:00Z",
             "revoked_at": "2026-03-18T02:30:00Z"},
            {"id": KEY_ID, "partner_id": PARTNER_ID, "name": "招聘系统（2026新版）", "prefix": "7d41e0c2",
             "created_at": NOW, "last_used_at": "2026-03-18T02:31:00Z", "revoked_at": None}]},
    },
    "post_staff_user": {
        "request": {"login": "wang.li@career.szu.example", "name": "王丽", "role": "editor"},
        "201": {"id": STAFF_ID, "partner_id": PARTNER_ID, "login": "wang.li@career.szu.example", "name": "王丽",
                "role": "editor", "disabled": False, "locked_until": None, "last_sign_in_at": None,
                "created_at": NOW, "password": "q7Vd2kPz9XwLm3Ta"},
    },
    "get_staff_users": {
        "200": {"items": [{"id": STAFF_ID, "partner_id": PARTNER_ID, "login": "wang.li@career.szu.example",
                           "name": "王丽", "role": "editor", "disabled": False, "locked_until": None,
                           "last_sign_in_at": "2026-03-18T01:30:00Z", "created_at": NOW}]},
    },
    "patch_staff_user": {
        "request": {"role": "viewer", "disabled": True},
        "200": {"id": STAFF_ID, "partner_id": PARTNER_ID, "login": "wang.li@career.szu.example", "name": "王丽",
                "role": "viewer", "disabled": True, "locked_until": None, "last_sign_in_at": None,
                "created_at": NOW},
    },
    "push_batch": {
        "request": {"postings": [POSTING, RAW_POSTING, BAD_POSTING]},
        "200": {"results": [
            {"external_id": "SZU-2026-00017", "status": "created", "job_id": JOB_ID, "errors": []},
            {"external_id": "SZU-2026-00018", "status": "created", "job_id": JOB_ID_2, "errors": []},
            {"external_id": "SZU-2026-00019", "status": "rejected", "job_id": None,
             "errors": [{"field": "title", "message": "Value error, must not be empty", "type": "value_error"}]}]},
        "problem": _problem("The same external_id appears twice in one batch.",
                            [{"field": "postings[1].external_id", "message": "duplicate of postings[0].external_id",
                              "type": "duplicate"}], "/api/v1/postings/batch"),
    },
    "put_posting": {
        "request": {k: v for k, v in RAW_POSTING.items() if k != "external_id"},
        "201": {"id": POSTING_ID, "external_id": "SZU-2026-00018", "job_id": JOB_ID_2, "status": "active",
                "posting": {"external_id": "SZU-2026-00018", "title": "会计(应届生)",
                            "employer": {"name": "广州某某会计师事务所(普通合伙)", "credit_code": None,
                                         "credit_code_verified": False, "type": "private"},
                            "locations": [{"region_code": "440106", "province": "广东省", "city": "广州市",
                                           "district": "天河区", "address": None}],
                            "description": None, "job_type": None, "education": "bachelor", "majors": [],
                            "industry": None,
                            "salary": {"min": 6000, "max": 8000, "period": "month", "negotiable": False,
                                       "text": "6千-8千"},
                            "headcount": None, "posted_at": None, "valid_through": None, "apply_url": None,
                            "url": None, "tags": []},
                "received": RAW_POSTING, "first_seen_at": NOW, "last_seen_at": NOW, "updated_at": NOW},
        "problem": _problem("The posting is not valid; see errors.",
                            [{"field": "employer", "message": "Field required", "type": "missing"},
                             {"field": "locations", "message": "Field required", "type": "missing"}],
                            "/api/v1/postings/SZU-2026-00018"),
    },
    "get_jobs": {
        "200": {"items": [JOB], "next_cursor": CURSOR, "total": 38, "total_capped": False,
                "facets": {"region": {"440000": 31, "110000": 7}, "education": {"bachelor": 30, "master": 8}}},
        "problem": _problem("The request is not valid; see errors.",
                            [{"field": "limit", "message": "Input should be less than or equal to 100",
                              "type": "less_than_equal"}], "/api/v1/jobs"),
    },
    "get_one_job": {"200": JOB},
    "get_changes": {
        "200": {"changes": [{"seq": 17, "op": "upsert", "job_id": JOB_ID, "job": JOB},
                            {"seq": 18, "op": "delete", "job_id": JOB_ID_2, "job": None}],
                "next_cursor": CURSOR, "has_more": False},
    },
    "get_snapshot": {"200": {"jobs": [JOB], "next_cursor": None, "changes_cursor": CURSOR}},
    "post_webhook": {
        "request": {"url": "https://mirror.example.edu.cn/hub-hook",
                    "filters": {"region": ["440000"], "job_type": ["full_time"]}},
    },
    "post_source": {
        "request": {"url": "https://career.example.edu.cn/jobs.rss", "format": "rss", "interval_seconds": 3600},
    },
}

# The webhook's payload (under ``webhooks`` in the document).
DELIVERY: dict[str, Any] = {
    "delivery_id": "01a222e6a0b07c3c9e5d2f4b1a0c9d8e", "webhook_id": WEBHOOK_ID,
    "changes": [{"seq": 17, "op": "upsert", "job_id": JOB_ID, "job": JOB},
                {"seq": 18, "op": "delete", "job_id": JOB_ID_2, "job": None}],
}


def attach_examples(schema: dict[str, Any]) -> None:
    """Put ``EXAMPLES`` into the operations' request bodies and answers."""
    for item in schema["paths"].values():
        for op in item.values():
            found = EXAMPLES.get(op.get("operationId", ""))
            if not found:
                continue
            for key, value in found.items():
                if key == "request":
                    content = op["requestBody"]["content"]["application/json"]
                    content["examples"] = {"example": {"summary": "An example", "value": value}}
                elif key == "problem":
                    content = op["responses"]["422"]["content"]["application/problem+json"]
                    content["examples"] = {"invalid": {"summary": "Invalid input", "value": value}}
                else:
                    response = op["responses"][key]
                    content = response.setdefault("content", {}).setdefault("application/json", {})
                    content["examples"] = {"example": {"summary": "An example", "value": value}}
