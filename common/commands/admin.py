"""`upstream customers create|date-order`, `upstream users create`, `upstream migrate`."""

from __future__ import annotations

import sys

from common.commands.output import BadInput, emit
from common.commands.runtime import ready
from common.services.customers import (
    DATE_ORDERS,
    CustomerError,
    create_customer,
    get_customer,
    set_date_order,
)
from common.services.users import UserError, create_user


def register(sub) -> None:
    """Add the administrative subcommands."""
    customers = sub.add_parser("customers", help="tenants").add_subparsers(
        dest="action", required=True
    )
    c = customers.add_parser("create", help="create a tenant with its default alert rule")
    c.add_argument("slug")
    c.add_argument("--name")
    c.add_argument("--json", action="store_true")
    c.set_defaults(handler=run_customers_create)
    d = customers.add_parser(
        "date-order", help="how the tenant's files write NN/NN/YYYY when no date shows it"
    )
    d.add_argument("slug")
    d.add_argument("order", choices=DATE_ORDERS)
    d.add_argument("--json", action="store_true")
    d.set_defaults(handler=run_customers_date_order)

    users = sub.add_parser("users", help="users").add_subparsers(dest="action", required=True)
    u = users.add_parser("create", help="create a user; the password is read from stdin")
    u.add_argument("--customer", required=True, metavar="SLUG")
    u.add_argument("--email", required=True)
    u.add_argument("--role", required=True, choices=["owner", "admin", "analyst", "viewer"])
    u.add_argument("--json", action="store_true")
    u.set_defaults(handler=run_users_create)

    m = sub.add_parser("migrate", help="apply database migrations")
    m.add_argument("--revision", default="heads")
    m.set_defaults(handler=run_migrate)


def run_customers_create(args) -> None:
    """Create a tenant."""
    try:
        customer = create_customer(ready().uow, args.slug, args.name)
    except CustomerError as exc:
        raise BadInput(str(exc)) from None
    doc = {"id": customer.id, "slug": customer.slug, "name": customer.name}
    emit(args, doc, f"created customer {customer.slug} ({customer.id})")


def run_customers_date_order(args) -> None:
    """Set the tenant's date order for files whose dates fit both orders."""
    try:
        customer = set_date_order(ready().uow, args.slug, args.order, "cli")
    except CustomerError as exc:
        raise BadInput(str(exc)) from None
    doc = {"slug": customer.slug, "date_order": customer.settings["date_order"]}
    emit(args, doc, f"{customer.slug}: dates that fit both orders read as {args.order}")


def run_users_create(args) -> None:
    """Create a user; the password comes from stdin (first line), never from argv."""
    password = sys.stdin.readline().rstrip("\r\n")
    app = ready()
    try:
        user = create_user(
            app.uow, get_customer(app.uow, args.customer), args.email, args.role, password
        )
    except (CustomerError, UserError) as exc:
        raise BadInput(str(exc)) from None
    emit(args, user, f"created {user['role']} {user['email']} for {user['customer']}")


def run_migrate(args) -> None:
    """Apply migrations as the table owner."""
    from common.bootstrap import container

    container().migrate(args.revision)
    print(f"database at {args.revision}", file=sys.stderr)
