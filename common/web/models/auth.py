"""Auth request and response models."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from pydantic import Field

from common.web.models.common import Input, Output, Role


class TokenRequest(Input):
    """E-mail and password."""

    email: str = Field(min_length=3, max_length=320)
    password: str = Field(min_length=1, max_length=1024)


class RefreshRequest(Input):
    """A refresh token to rotate."""

    refresh_token: str = Field(min_length=1, max_length=4096)


class LogoutRequest(Input):
    """Optional refresh token whose family is revoked (the bearer access token is revoked too)."""

    refresh_token: str | None = Field(None, max_length=4096)


class TokenResponse(Output):
    """A fresh access/refresh token pair."""

    access_token: str
    refresh_token: str
    token_type: Literal["Bearer"]
    expires_in: int
    refresh_expires_in: int


class CustomerRef(Output):
    """The caller's tenant."""

    id: UUID
    slug: str
    name: str


class Me(Output):
    """The authenticated user."""

    user_id: UUID
    email: str
    role: Role
    customer: CustomerRef
