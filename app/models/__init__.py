"""ORM models, one table per file."""

from .base import Base, new_id, utcnow
from .campaign import (
    SIZE_CLASSES,
    SME_CLASSES,
    Case,
    CasePush,
    CaseRecord,
    Fair,
    FairJob,
    FairSeries,
    Visit,
)
from .campaign_rules import RULE_LEVELS, RULES, CampaignRule, UniversityFlag
from .case_audit import CaseAudit
from .change import Change, Counter
from .daily_report import ReportRun, ReportSnapshot, ReportSubmission
from .dedup import (
    EmployerName,
    JobBlock,
    JobBlockNew,
    JobMerge,
    JobSignature,
    PostingMatch,
    PostingOverride,
)
from .employer import Employer
from .idempotency import IdempotencyKey
from .job import Job
from .job_document import JobDocument
from .partner import PARTNER_KINDS, ApiKey, Partner
from .posting import POSTING_STATUSES, Posting
from .search import SearchDoc, SearchText
from .source import Source
from .source_item import SourceItem
from .staff import STAFF_ROLES, StaffSession, StaffUser
from .sync_run import RUN_STATUSES, SyncRun
from .webhook import Webhook, WebhookDelivery

__all__ = [
    "Base", "new_id", "utcnow", "Change", "Counter", "Employer", "IdempotencyKey", "Job",
    "PARTNER_KINDS", "ApiKey", "Partner", "POSTING_STATUSES", "Posting", "SearchDoc", "SearchText",
    "Webhook", "WebhookDelivery", "JobDocument",
    "Source", "SourceItem", "STAFF_ROLES", "StaffSession", "StaffUser", "RUN_STATUSES", "SyncRun",
    "SIZE_CLASSES", "SME_CLASSES", "Fair", "FairJob", "FairSeries", "Visit", "Case", "CasePush", "CaseRecord",
    "CaseAudit",
    "RULES", "RULE_LEVELS", "CampaignRule", "UniversityFlag", "ReportRun", "ReportSnapshot", "ReportSubmission",
    "EmployerName", "JobBlock", "JobBlockNew", "JobMerge", "JobSignature", "PostingMatch", "PostingOverride",
]
