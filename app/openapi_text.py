"""The prose of the served OpenAPI: the API's introduction, one description per tag, and a
description for each operation whose endpoint has no docstring.

An endpoint's docstring is its description; this table fills in for the rest, keyed by
operationId. ``tests/api/test_openapi_prose.py`` fails on an operation with neither, on an
entry here for an operation that has a docstring (say it once), and on an entry for an
operation that no longer exists.
"""

from __future__ import annotations

API_DESCRIPTION = """\
The national job-sharing hub for college graduates (24365 全国大学生就业服务平台岗位信息互联共享).

Partners — provincial graduate-employment platforms, university career sites, recruitment
agencies, industry committees — **push** postings here or publish feeds the hub **pulls**;
each posting is deduplicated into one **job** per real vacancy with every source kept;
students **search** that index; partners **pull changes** back (change feed, snapshots,
webhooks, RSS/Atom/CSV exports).

**Authentication.** `Authorization: Bearer <api_key>` for partner operations (keys are shown
once and stored only as hashes; an admin issues, lists and revokes them), the admin token for
admin operations. Searching jobs, reading one job, the exports and fairs are public.

**Errors** are RFC 9457 problem details (`application/problem+json`, schema `Problem`): `type`,
`title`, `status`, `detail` and, for a 422, `errors: [{"field": "postings[3].title", "message",
"type"}]` naming each bad field. Bad input never yields a 500.

**Conventions.** JSON in and out, UTF-8; times RFC 3339 with an offset (a time without one is read
as Beijing time); lists page with an opaque `cursor` and `next_cursor`; writes accept
`Idempotency-Key` (the same key and body replays the first answer for 48 hours; another body
is a 422). Query strings with Chinese must be percent-encoded (`curl -G --data-urlencode 'q=会计'`).

**Webhooks** (see `webhooks` below) carry batches of changes, signed twice: `X-Hub-Signature`
and the Standard Webhooks headers (`webhook-id`, `webhook-timestamp`, `webhook-signature`).
"""

TAGS: list[dict[str, str]] = [
    {"name": "postings", "description": "Push postings (partner key): a batch of up to 1000, or one at a time by "
     "your own `external_id`; read back what the hub stored and its job; withdraw. Raw forms (salary and "
     "place text, full-width and traditional characters) are normalised; each posting is accepted or "
     "rejected on its own."},
    {"name": "jobs", "description": "The shared index (public): one job per real vacancy, deduplicated across "
     "partners, every source kept. Chinese full-text search, filters (region with its hierarchy, industry, "
     "education, job type, employer type, salary, posted since, fair), facets, sorting and cursor paging."},
    {"name": "exports", "description": "Any search as an RSS or Atom feed or as CSV for Excel, and one job as "
     "schema.org JobPosting JSON-LD (public)."},
    {"name": "changes", "description": "Mirror the index (partner key): every committed change at least once, in "
     "commit order, after your cursor; a snapshot to start or re-sync from. Optional filters by region, "
     "industry and job type."},
    {"name": "webhooks", "description": "Have changes POSTed to your URL instead of polling (partner key): batches "
     "in order, retried with backoff until you answer 2xx, signed with your secret (X-Hub-Signature and "
     "Standard Webhooks). The payload is described under `webhooks` in this document."},
    {"name": "sources", "description": "Feeds the hub pulls (admin, or a partner for its own feeds): JSON, "
     "JSON-LD, RSS, Atom, Indeed-style XML, CSV, Greenhouse and Lever; on an interval, or now; with each "
     "run's counts and errors."},
    {"name": "partners", "description": "Partners and their API keys (admin): register a partner, issue a named "
     "key, list keys (never the secret) with their last use, revoke one key or all. `GET /api/v1/me` "
     "tells a partner who its key belongs to."},
    {"name": "dedup", "description": "Deduplication for the admin: why a posting joined its job, split a posting "
     "off, merge two jobs (these decisions stick through later updates), an employer and its names."},
    {"name": "campaign", "description": "The spring campaign (百日冲刺): recruitment fairs (招聘会), enterprise "
     "visits (访企拓岗), case files for graduates in hardship (一人一档、一人一策) with matched job pushes, "
     "and the daily report."},
    {"name": "operations", "description": "Liveness, readiness (the database answers and is migrated) and "
     "Prometheus metrics."},
]

DESCRIPTIONS: dict[str, str] = {
    # operations
    "healthz": "Answers while the process runs; it does not touch the database (use `/readyz` for that).",
    "readyz": "200 when the database answers and the schema is migrated; 503 (a problem) otherwise. Point a load "
              "balancer's or orchestrator's readiness check here.",
    "metrics": "The Prometheus text format: requests by route and status, latencies, postings ingested and "
               "rejected by reason, sync runs. Under `hub serve --workers N` every process's figures, summed. "
               "Needs `HUB_METRICS_TOKEN` (or the admin token) unless `HUB_METRICS_ACCESS=public`.",
    # partners
    "post_partner": "Registers an organisation. `kind` decides what it may do (visits and case files need a "
                    "`university`); `region_code` (GB/T 2260) is where ambiguous place names in its postings are "
                    "read. The answer holds its first API key (`api_key`, shown only now) and that key's id.",
    "get_partners": "Every partner, by id, paged with `cursor`/`next_cursor`. Keys are not listed here: see "
                    "`GET /api/v1/partners/{partner_id}/keys`.",
    "get_one_partner": "One partner's record.",
    "get_keys": "Every key of the partner, revoked ones too, oldest first: id, your name for it, its prefix (the "
                "8 hex characters after `hub_`, enough to recognise a key in logs), when it was created, last "
                "used (to within a minute) and revoked. The secret is never shown again.",
    "delete_key": "Revokes one key at once; the partner's other keys keep working. Revoking a revoked key again "
                  "keeps its first revocation time. To rotate: issue a new key, switch over, watch the old key's "
                  "`last_used_at` stop moving, then revoke it.",
    "delete_keys": "Revokes every key of the partner at once (a compromised partner). Issue a new key with "
                   "`POST /api/v1/partners/{partner_id}/keys` to let it back in.",
    "get_me": "The partner the presented key belongs to: a quick check that a key works.",
    # postings
    "push_batch": "Each posting is validated and normalised on its own: a bad one is `rejected` with `errors` "
                  "naming its fields, the others are stored. The answer has one result per posting, in input "
                  "order: `created`, `updated`, `unchanged` or `rejected`, with the `job_id` it joined. The batch's "
                  "accepted postings are stored in one transaction. A body that is not a batch at all (no "
                  "`postings` list, more than `HUB_MAX_BATCH`) is a 422 problem. Send an `Idempotency-Key` to make "
                  "a retry safe.",
    "put_posting": "Creates (201) or replaces (200) your posting with this `external_id`; the body's "
                   "`external_id`, if given, must match the path. An invalid posting is a 422 naming each bad field. "
                   "The answer is what the hub stored (normalised, and as received) and the job it joined.",
    "get_posting": "Your posting as the hub stored it: the normalised fields, what you sent, its status (`active`, "
                   "`withdrawn`, `expired` past `valid_through`) and its `job_id`. Another partner's posting is a 404.",
    "delete_posting": "Withdraws the posting (204). Its job stays open while another source still lists it, and "
                      "closes (a `delete` in the change feed) when none does. Pushing it again reactivates it.",
    # jobs
    "get_one_job": "One job with its canonical fields (chosen from its sources), every source that lists it, and "
                   "`status`: `open`, or `closed` once every source withdrew or expired.",
    # exports
    "get_rss": "The same search parameters as `GET /api/v1/jobs`, newest first, as RSS 2.0: subscribe to a search "
               "in any feed reader. Partner text is escaped, never rendered as HTML.",
    "get_atom": "The same search parameters as `GET /api/v1/jobs`, newest first, as an Atom feed.",
    "get_csv": "The jobs of a search as CSV (UTF-8 with a byte-order mark, so Excel reads the Chinese), streamed, "
               "up to `max_rows` rows.",
    "get_jsonld": "One job as a schema.org `JobPosting` (JSON-LD), the form search engines read.",
    # changes
    "get_changes": "Start without a cursor to read from the beginning; store `next_cursor` after applying a page "
                   "and pass it next time. `upsert`: store `job` under `job_id`; `delete`: remove `job_id` (closed, "
                   "merged away, or out of your filter). `has_more` says call again at once. A cursor older than "
                   "the log keeps is a 410: re-sync from `GET /api/v1/changes/snapshot`.",
    "get_snapshot": "Page through every open job (in your filter) with `cursor` until `next_cursor` is null, "
                    "replace your copy with them, then follow `GET /api/v1/changes` from `changes_cursor`: nothing "
                    "that happened while you paged is lost.",
    # webhooks
    "post_webhook": "Batches of up to 100 changes (the change feed's shape) are POSTed to `url` in order; the next "
                    "batch is sent only after a 2xx. Optional `filters` (region, industry, job type) and a start "
                    "`cursor` (default: from now). The URL must be http(s) to a public address. The answer's "
                    "`secret` (shown only now) signs every delivery.",
    "get_webhooks": "Your webhooks with their position, consecutive failures and next attempt.",
    "get_webhook": "One of your webhooks with its delivery state.",
    "patch_webhook": "Change the URL or filters, disable it, re-enable it (delivery resumes where it stopped), or "
                     "move it to a change cursor after a re-sync.",
    "delete_webhook": "Stops deliveries and forgets the webhook and its delivery log.",
    "get_deliveries": "Each batch sent, newest first: its id (also `webhook-id` and `X-Hub-Delivery`), the change "
                      "positions it carried, attempts, the receiver's answer or the error.",
    "post_redelivery": "Sends a past batch again now under a new delivery id (`redelivery_of` names the original), "
                       "e.g. after restoring your mirror from a backup; answers with the outcome.",
    # sources
    "post_source": "Registers a feed URL for the worker to pull every `interval_seconds`, in one of the formats, "
                   "optionally with a field `mapping` for feeds with their own key names and `snapshot: true` when "
                   "the feed always lists every open posting (missing ones are then withdrawn). The admin names the "
                   "owning `partner_id`; a partner registers for itself. A URL you already registered is a 409.",
    "get_sources": "Your sources (every source for the admin), each with its settings and health: state, last run "
                   "and its status, consecutive failures, last error, circuit breaker; paged with `cursor`.",
    "get_source": "One source's settings and health. Another partner's source is a 404.",
    "patch_source": "Change the fields you send; `enabled: false` pauses pulling.",
    "delete_source": "The worker stops pulling the feed. Postings it brought in stay; withdraw them with "
                     "`DELETE /api/v1/postings/{external_id}`.",
    "post_sync": "Runs the source now and answers with the finished run (counts: seen, created, updated, "
                 "unchanged, rejected; errors). 409 while another run holds the source.",
    "get_runs": "The source's runs, newest first, paged: when each was due and ran, how it ended, its counts and "
                "the first rejections with their reasons.",
    # dedup
    "explain_posting": "What dedup decided when the posting last arrived or changed: the decision, its score against "
                       "the best candidate job's representative and the thresholds, the features compared (employer, "
                       "title, place, salary, description), overrides that pin or forbid it, and how it compares "
                       "with its job now. To check a surprising grouping.",
    "split_posting": "Moves the posting to a job of its own. The decision sticks: later updates of the posting "
                     "keep it there.",
    "merge_job": "Moves every posting of this job into the job named by `into`; this job closes (a `delete` in the "
                 "change feed). Later updates keep the postings in `into`.",
    "get_employer": "An employer record, its credit code if verified, and every name it was seen under.",
    # campaign: fairs
    "post_fair": "Kinds `regional`, `industry`, `alliance`, `campus`; modes `online`, `offline`, `hybrid`. "
                 "`job_ids` must be jobs the hub knows (an unknown one is a 422 naming `job_ids[i]`); `ends_at` "
                 "must follow `starts_at`. List a fair's jobs with `GET /api/v1/jobs?fair=ID`.",
    "get_fairs": "Filter by `region` (a province or city matches every fair inside it, and the national online "
                 "fairs serve it too), `kind`, `mode`, `industry`, `scope`, `series`, `date_from`/`date_to` (Beijing "
                 "days the fair touches) and `when` (`upcoming`, `past`, `all`); paged with `cursor`.",
    "get_one_fair": "One fair with its employers and job ids.",
    "patch_fair": "Only the organiser may change a fair (anyone else gets 404); a cancelled fair cannot change (409).",
    "delete_fair": "Cancels the fair (the same as `POST /api/v1/fairs/{fair_id}/cancel`); it stays listed, marked "
                   "`cancelled`, so students who saw it learn it is off.",
    "post_cancel": "The fair stays visible with `status: cancelled`.",
    # campaign: visits
    "post_visit": "A university partner records a leader's visit to an employer (访企拓岗). The hub links it to the "
                  "employer's record by credit code, or by its normalised name when exactly one employer has it.",
    "get_visits": "Your visits, most recent first; `leader` filters by the leader's name.",
    "get_progress": "Distinct employers visited (one employer under two spellings counts once) against your "
                    "target, jobs promised, and the same per leader.",
    "put_target": "How many distinct employers your leaders mean to visit this campaign (default 100).",
    "get_visit": "One of your visits; another university's is a 404.",
    # campaign: cases
    "post_case": "A case file for a graduate in hardship. The hub holds no name, ID number or phone number: "
                 "`student_ref` is your own pseudonymous reference (a value that looks like a resident ID or a "
                 "mobile number is refused). One `student_ref` per university (409 on a repeat).",
    "get_cases": "Your case files, newest first; filter by `status` and `category`.",
    "get_coverage": "How many open cases have had at least three jobs pushed, how many have not, by category, and "
                    "which are short (fewest pushes first).",
    "get_case": "One of your case files; another university's is a 404.",
    "patch_case": "Change the fields you send, e.g. `status: placed` once the graduate has a job.",
    "get_recommendations": "Open jobs matched to the case's regions, education, job types, major and salary floor, "
                           "each with the `reasons` it matched; when too few match, the major and then the salary are "
                           "relaxed (`relaxed` says which). Jobs already pushed are left out.",
    "post_pushes": "Records jobs pushed to the graduate; each job once per case (`already` lists repeats); only "
                   "open jobs the hub knows (422 naming `job_ids[i]` otherwise).",
    "get_pushes": "The jobs pushed to the case, in the order they were pushed.",
    "get_daily": "One Beijing day's figures for a region (a province, city or district code covers everything "
                 "inside it; none: all of China): postings received, new and open jobs, jobs closed, fairs, visits, "
                 "cases and pushes. JSON, or CSV with `Accept: text/csv` (UTF-8 with a BOM).",
}
