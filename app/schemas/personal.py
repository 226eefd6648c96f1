"""Personal data the campaign's free text must not hold: resident ID numbers, mobile numbers, emails.

Case files are pseudonymous; a university that types a graduate's ID card, phone or email into a
note gets a 422 naming the field, and the hub never stores it.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, Field

from .common import NonBlank, SafeStr

# A resident ID (18 characters, or the old 15 digits) anywhere in a run of digits.
_ID = re.compile(r"\d{17}[\dXx]|\d{15}")
# A mainland mobile number, with or without separators or the +86 prefix.
_MOBILE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")


def personal_kind(text: str) -> str | None:
    """What personal datum ``text`` seems to hold ("an ID card number", …), or None."""
    if _ID.search(text):
        return "an ID card number"
    if _MOBILE.search(text):
        return "a mobile number"
    if _EMAIL.search(text):
        return "an email address"
    return None


def _refuse_personal(text: str) -> str:
    kind = personal_kind(text)
    if kind:
        raise ValueError(f"looks like {kind}; case files hold no personal contact or ID data")
    return text


def _refuse_personal_ref(ref: str) -> str:
    if _ID.search(ref) or re.search(r"1[3-9]\d{9}", ref) or _EMAIL.search(ref):
        raise ValueError("looks like an ID card or phone number; use your own pseudonymous reference")
    return ref


# Free text in a case file (or a province's narrative): not blank; no ID, mobile or email.
FreeText = Annotated[NonBlank, AfterValidator(_refuse_personal)]
Line = Annotated[NonBlank, Field(max_length=500), AfterValidator(_refuse_personal)]
StudentRef = Annotated[SafeStr, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]*$"),
                       AfterValidator(_refuse_personal_ref)]
