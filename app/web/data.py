"""The few reads the pages need beyond the search service."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.models import Employer


def get_employer(session: Session, employer_id: str) -> Employer | None:
    return session.get(Employer, employer_id)
