"""Users of the caller's customer."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import Field

from common.web.models.common import Input, Output, Role


class UserCreate(Input):
    """A new user of the caller's customer (password ≥ 12 characters)."""

    email: str = Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=320)
    role: Role
    password: str = Field(min_length=12, max_length=1024)


class UserPatch(Input):
    """Change a user's role or deactivate them (sessions end at once)."""

    role: Role | None = None
    active: bool | None = None


class User(Output):
    """A user (never the password hash)."""

    id: UUID
    email: str
    role: Role
    active: bool
    created_at: datetime


class UserList(Output):
    """A page of users."""

    items: list[User]
    next_cursor: str | None
