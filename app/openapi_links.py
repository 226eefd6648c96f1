"""OpenAPI links: from each operation that creates something to the operations that take its id.

A client (or a stateful fuzzer) reads them as "after POST /fairs answers 201, GET/PATCH/cancel
/fairs/{fair_id} with ``$response.body#/id``". Declared here in one table, keyed by operationId
(the endpoint names, ``app.openapi.operation_id``); ``add_links`` refuses a link to or from an
operation that does not exist, so a renamed endpoint cannot leave a dangling link.
"""

from __future__ import annotations

from typing import Any

# source operationId, its status, {target operationId: {parameter: runtime expression}}
Link = tuple[str, str, dict[str, dict[str, str]]]

FIRST_JOB = "$response.body#/results/0/job_id"
FIRST_EXTERNAL_ID = "$response.body#/results/0/external_id"

LINKS: list[Link] = [
    ("post_partner", "201", {
        "get_one_partner": {"partner_id": "$response.body#/id"},
        "post_key": {"partner_id": "$response.body#/id"},
        "get_keys": {"partner_id": "$response.body#/id"},
        "delete_key": {"partner_id": "$response.body#/id", "key_id": "$response.body#/api_key_id"},
        "delete_keys": {"partner_id": "$response.body#/id"},
        "patch_partner": {"partner_id": "$response.body#/id"},
        "post_staff_user": {"partner_id": "$response.body#/id"},
        "get_staff_users": {"partner_id": "$response.body#/id"}}),
    ("post_staff_user", "201", {"patch_staff_user": {"partner_id": "$response.body#/partner_id",
                                                     "user_id": "$response.body#/id"},
                                "get_staff_users": {"partner_id": "$response.body#/partner_id"}}),
    ("post_key", "201", {"get_one_partner": {"partner_id": "$response.body#/partner_id"},
                         "get_keys": {"partner_id": "$response.body#/partner_id"},
                         "delete_key": {"partner_id": "$response.body#/partner_id", "key_id": "$response.body#/id"}}),
    # Postings: the batch's first result, and a posting put on its own.
    ("push_batch", "200", {
        "get_posting": {"external_id": FIRST_EXTERNAL_ID},
        "put_posting": {"external_id": FIRST_EXTERNAL_ID},
        "delete_posting": {"external_id": FIRST_EXTERNAL_ID},
        "get_one_job": {"job_id": FIRST_JOB},
        "get_jsonld": {"job_id": FIRST_JOB},
        "merge_job": {"job_id": FIRST_JOB}}),
    *[(op, status, {
        "get_posting": {"external_id": "$response.body#/external_id"},
        "delete_posting": {"external_id": "$response.body#/external_id"},
        "get_one_job": {"job_id": "$response.body#/job_id"},
        "get_jsonld": {"job_id": "$response.body#/job_id"},
        "explain_posting": {"posting_id": "$response.body#/id"},
        "split_posting": {"posting_id": "$response.body#/id"}})
      for op, status in (("put_posting", "200"), ("put_posting", "201"), ("get_posting", "200"))],
    ("split_posting", "200", {"get_one_job": {"job_id": "$response.body#/job_id"},
                              "merge_job": {"job_id": "$response.body#/job_id"}}),
    ("get_jobs", "200", {"get_one_job": {"job_id": "$response.body#/items/0/id"},
                         "get_jsonld": {"job_id": "$response.body#/items/0/id"},
                         "get_employer": {"employer_id": "$response.body#/items/0/employer/id"}}),
    ("get_one_job", "200", {"get_employer": {"employer_id": "$response.body#/employer/id"},
                            "get_jsonld": {"job_id": "$response.body#/id"},
                            "merge_job": {"job_id": "$response.body#/id"}}),
    ("get_changes", "200", {"get_changes": {"cursor": "$response.body#/next_cursor"}}),
    ("get_snapshot", "200", {"get_snapshot": {"cursor": "$response.body#/next_cursor"},
                             "get_changes": {"cursor": "$response.body#/changes_cursor"}}),
    # Feed sources.
    *[(op, status, {target: {"source_id": "$response.body#/id"} for target in (
        "get_source", "patch_source", "delete_source", "post_sync", "get_runs")})
      for op, status in (("post_source", "201"), ("patch_source", "200"))],
    # Webhooks and their deliveries.
    *[(op, status, {target: {"webhook_id": "$response.body#/id"} for target in (
        "get_webhook", "patch_webhook", "delete_webhook", "get_deliveries")})
      for op, status in (("post_webhook", "201"), ("patch_webhook", "200"))],
    ("get_deliveries", "200", {"post_redelivery": {"webhook_id": "$request.path.webhook_id",
                                                   "delivery_id": "$response.body#/items/0/id"}}),
    # The campaign: fairs, case files, visits.
    *[(op, status, {
        "get_one_fair": {"fair_id": "$response.body#/id"},
        "patch_fair": {"fair_id": "$response.body#/id"},
        "post_cancel": {"fair_id": "$response.body#/id"},
        "delete_fair": {"fair_id": "$response.body#/id"},
        "get_jobs": {"fair": "$response.body#/id"}})
      for op, status in (("post_fair", "201"), ("patch_fair", "200"))],
    ("post_fair_series", "201", {"get_fair_series": {"series_id": "$response.body#/id"},
                                 "get_fairs": {"series": "$response.body#/id"}}),
    *[(op, status, {target: {"case_id": "$response.body#/id"} for target in (
        "get_case", "patch_case", "get_recommendations", "post_pushes", "get_pushes", "post_record",
        "get_records", "delete_case")})
      for op, status in (("post_case", "201"), ("patch_case", "200"))],
    ("get_recommendations", "200", {"post_pushes": {"case_id": "$request.path.case_id"}}),
    *[(op, status, {target: {"visit_id": "$response.body#/id"} for target in (
        "get_visit", "patch_visit", "remove_visit")})
      for op, status in (("post_visit", "201"), ("patch_visit", "200"))],
    # The campaign run from above: a province's table leads to each university's row.
    ("get_university_oversight", "200", {target: {"university_id": "$response.body#/rows/0/id"}
                                         for target in ("get_university", "patch_university")}),
]


def _name(target: str) -> str:
    """A link's name: ``get_one_fair`` → ``GetOneFair``."""
    return "".join(part.capitalize() for part in target.split("_"))


def add_links(schema: dict[str, Any]) -> None:
    """Put ``LINKS`` on the source operations' responses (``responses[status].links``)."""
    operations = {op["operationId"]: op for item in schema["paths"].values() for op in item.values()
                  if isinstance(op, dict) and "operationId" in op}
    for source, status, targets in LINKS:
        if source not in operations:
            raise RuntimeError(f"OpenAPI link from unknown operation {source!r}")
        response = operations[source]["responses"].get(status)
        if response is None:
            raise RuntimeError(f"OpenAPI link from {source!r} {status}, which it does not answer")
        links = response.setdefault("links", {})
        for target, parameters in targets.items():
            if target not in operations:
                raise RuntimeError(f"OpenAPI link from {source!r} to unknown operation {target!r}")
            links[_name(target)] = {"operationId": target, "parameters": dict(parameters)}
