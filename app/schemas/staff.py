"""Staff users of a partner: the people who sign in to the operators' console."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field

from .common import NonBlank, SafeStr, StrictModel

StaffRole = Literal["viewer", "editor", "manager"]
ROLE_DOC = "viewer reads; editor also records (visits, case files, fairs, the daily report); manager also manages staff"
Login = Annotated[NonBlank, Field(min_length=3, max_length=100, pattern=r"^[A-Za-z0-9._@+-]+$",
                                  description="Letters, digits and . _ @ + - (an email works); case-insensitive")]
Password = Annotated[SafeStr, Field(min_length=10, max_length=200,
                                    description="At least 10 characters; stored only as an argon2 hash")]


class StaffUserIn(StrictModel):
    login: Login
    name: Annotated[NonBlank, Field(max_length=100)] = Field(description="The person's name as colleagues know it")
    role: StaffRole = Field(description=ROLE_DOC)
    password: Password | None = Field(default=None, description="Leave out and the hub makes one, shown once")


class StaffUserPatch(StrictModel):
    name: Annotated[NonBlank, Field(max_length=100)] | None = None
    role: StaffRole | None = None
    disabled: bool | None = Field(default=None, description="true signs the user out everywhere and refuses sign-in")
    password: Password | None = Field(default=None, description="A new password; ends the user's sessions and "
                                      "lifts a lockout")


class StaffUserOut(StrictModel):
    id: str
    partner_id: str
    login: str
    name: str
    role: StaffRole
    disabled: bool
    locked_until: datetime | None = Field(description="Sign-in is locked until then after repeated wrong passwords")
    last_sign_in_at: datetime | None
    created_at: datetime


class StaffUserCreated(StaffUserOut):
    password: str | None = Field(description="The generated password, shown once (null when you chose one)")


class StaffUserList(StrictModel):
    items: list[StaffUserOut]
