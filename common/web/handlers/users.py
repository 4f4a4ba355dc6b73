"""Users of the caller's customer (admin and up)."""

from __future__ import annotations

from common.services import user_admin
from common.services.customers import find_by_id
from common.services.queries.settings_reads import get_setting
from common.services.users import create_user as create_user_service
from common.web.errors import not_found
from common.web.handlers.settings import getter, lister

list_users = lister("users")
get_user = getter("users", "user", "user")


def create_user(ctx, body):
    """Create a user (roles up to the caller's own)."""
    user_admin.check_assignable(ctx.principal, body.role)
    with ctx.tx() as conn:
        customer = find_by_id(conn, ctx.customer_id)
    if customer is None:
        raise not_found("customer")
    # Another tenant's address is answered as a new user: the API never reveals that an
    # address exists elsewhere (issue 12); nothing is stored for it.
    created = create_user_service(
        ctx.app.uow, customer, body.email, body.role, body.password,
        actor=ctx.principal.actor, conceal_other_tenants=True,
    )  # fmt: skip
    with ctx.tx() as conn:
        return get_setting(conn, "users", ctx.customer_id, created["id"]) or created


def update_user(ctx, id, body):
    """Change a user's role or active flag."""
    return user_admin.update_user(
        ctx.app.uow, ctx.principal, id, body.model_dump(exclude_unset=True)
    )


def delete_user(ctx, id):
    """Delete a user."""
    user_admin.delete_user(ctx.app.uow, ctx.principal, id)
