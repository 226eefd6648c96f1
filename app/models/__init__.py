"""ORM models, one table per file."""

from .base import Base, new_id, utcnow
from .change import Change, Counter
from .dedup import EmployerName, JobBlock, JobMerge, JobSignature, PostingMatch, PostingOverride
from .employer import Employer
from .idempotency import IdempotencyKey
from .job import Job
from .partner import PARTNER_KINDS, ApiKey, Partner
from .posting import POSTING_STATUSES, Posting
from .search import SearchDoc, SearchText
from .webhook import Webhook, WebhookDelivery

__all__ = [
    "Base", "new_id", "utcnow", "Change", "Counter", "Employer", "IdempotencyKey", "Job",
    "PARTNER_KINDS", "ApiKey", "Partner", "POSTING_STATUSES", "Posting", "SearchDoc", "SearchText",
    "Webhook", "WebhookDelivery",
    "EmployerName", "JobBlock", "JobMerge", "JobSignature", "PostingMatch", "PostingOverride",
]
