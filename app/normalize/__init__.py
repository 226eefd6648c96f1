"""Pure field normalisers for partner job postings (no database access)."""

from app.normalize.credit_code import is_valid_credit_code, normalize_credit_code
from app.normalize.education import EDUCATION_LEVELS, parse_education
from app.normalize.regions import (
    Region,
    all_regions,
    ancestors,
    children,
    region_by_code,
    resolve_location,
)
from app.normalize.salary import PERIODS, Salary, monthly, parse_salary
from app.normalize.text import clean_text, short_text_cache, to_halfwidth, to_simplified
from app.normalize.vocab import EMPLOYER_TYPES, JOB_TYPES, parse_employer_type, parse_job_type

__all__ = [
    "EDUCATION_LEVELS",
    "EMPLOYER_TYPES",
    "JOB_TYPES",
    "PERIODS",
    "Region",
    "Salary",
    "all_regions",
    "ancestors",
    "children",
    "clean_text",
    "short_text_cache",
    "is_valid_credit_code",
    "monthly",
    "normalize_credit_code",
    "parse_education",
    "parse_employer_type",
    "parse_job_type",
    "parse_salary",
    "region_by_code",
    "resolve_location",
    "to_halfwidth",
    "to_simplified",
]
