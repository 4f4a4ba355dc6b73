"""POST /v1/auth/token, /refresh, /logout and GET /v1/auth/me."""

from __future__ import annotations

from dataclasses import asdict

from sqlalchemy import select

from common.db.schema import customers
from common.services import auth, sessions
from common.services.auth_types import TOKEN_TYPE
from common.web.errors import unauthorized


def _pair(pair) -> dict:
    return asdict(pair) | {"token_type": TOKEN_TYPE}


def bearer_token(request) -> str | None:
    """The token of an `Authorization: Bearer <token>` header, or None."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def issue_token(ctx, body):
    """Exchange e-mail and password for tokens (failed logins are throttled)."""
    pair = auth.login(ctx.app.uow, ctx.app.tokens, body.email, body.password, ctx.client_ip)
    return _pair(pair)


def refresh_token(ctx, body):
    """Rotate a refresh token; reusing an old one revokes its whole family."""
    return _pair(sessions.refresh(ctx.app.uow, ctx.app.tokens, body.refresh_token))


def logout(ctx, body):
    """Revoke the bearer access token and/or the refresh token's family."""
    access = bearer_token(ctx.request)
    if access is None and ctx.request.headers.get("Authorization"):
        raise unauthorized("malformed Authorization header")
    sessions.logout(ctx.app.uow, ctx.app.tokens, access, body.refresh_token)


def me(ctx):
    """The authenticated user and tenant."""
    p = ctx.principal
    with ctx.tx() as conn:
        customer = conn.execute(
            select(customers.c.id, customers.c.slug, customers.c.name).where(
                customers.c.id == p.customer_id
            )
        ).mappings().one()  # fmt: skip
    return {"user_id": p.user_id, "email": p.email, "role": p.role, "customer": dict(customer)}
