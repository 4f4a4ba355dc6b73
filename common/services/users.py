"""Users of a customer: creation with an argon2id password hash.

E-mail addresses are unique across all customers (login knows only the address). A tenant
admin must not learn that an address belongs to another customer, so the API creates users
with `conceal_other_tenants=True`: when the address is taken by another customer, the answer
is the one a new user would get (a fresh id, the requested role), nothing is stored, nothing
is audited in either tenant and the other customer is told nothing. The address taken inside
the caller's own customer is a plain conflict (the admin can list those users anyway). The
operator's CLI keeps the honest error. Chosen over per-tenant addresses because that would
need a schema change and a tenant in every login.
"""

from __future__ import annotations

import logging
import re
import uuid
from datetime import UTC, datetime

from argon2 import PasswordHasher
from sqlalchemy import insert, text
from sqlalchemy.exc import IntegrityError

from common.db.schema import users
from common.db.schema.tenants import ROLES
from common.db.uow import UnitOfWork
from common.services.audit_trail import record
from common.services.customers import Customer

log = logging.getLogger(__name__)

MIN_PASSWORD_LENGTH = 12
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_hasher = PasswordHasher()  # argon2id with the library's vetted defaults
_EXISTS = "a user with this email already exists"


class UserError(ValueError):
    """Bad input for a user operation."""


def hash_password(password: str) -> str:
    """argon2id hash; enforces the minimum length."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"password must be at least {MIN_PASSWORD_LENGTH} characters")
    return _hasher.hash(password)


def create_user(
    uow: UnitOfWork,
    customer: Customer,
    email: str,
    role: str,
    password: str,
    actor: str = "cli",
    *,
    conceal_other_tenants: bool = False,
) -> dict:
    """Create a user of `customer`; audited. Never returns or logs the password.

    Returns id, email, role, active, created_at and the customer's slug. With
    `conceal_other_tenants`, an address owned by another customer gets that same answer
    and nothing happens (see the module docstring); otherwise it is a UserError.
    """
    email = email.strip().lower()
    if not EMAIL_RE.match(email):
        raise UserError("email is not a valid address")
    if role not in ROLES:
        raise UserError(f"role must be one of {', '.join(ROLES)}")
    password_hash = hash_password(password)  # also on the concealed path: same cost
    try:
        with uow.transaction(customer.id) as conn:
            if _owner_of(conn, email) is None:
                return _insert(conn, customer, email, role, password_hash, actor)
    except IntegrityError:
        pass  # another transaction took the address first: look again
    with uow.transaction(customer.id) as conn:
        owner = _owner_of(conn, email)
    if owner is None:
        raise UserError("the user could not be created; try again")
    if owner == str(customer.id) or not conceal_other_tenants:
        raise UserError(_EXISTS)
    log.warning("user creation answered as new: the address belongs to another customer")
    return _answer(uuid.uuid4(), email, role, datetime.now(UTC), customer)


def _owner_of(conn, email: str) -> str | None:
    """The id of the customer whose user has this address, in any tenant, or None."""
    # Across tenants (RLS hides other customers' users; the index still enforces it).
    row = conn.execute(text("SELECT customer_id FROM auth_user_by_email(:e)"), {"e": email}).first()
    return None if row is None else str(row[0])


def _insert(conn, customer: Customer, email: str, role: str, password_hash: str, actor: str):
    row = (
        conn.execute(
            insert(users)
            .values(customer_id=customer.id, email=email, password_hash=password_hash, role=role)
            .returning(users.c.id, users.c.email, users.c.role, users.c.created_at)
        )
        .mappings()
        .one()
    )
    record(conn, customer.id, actor, "user.created", "user", row["id"], {"role": role})
    return _answer(row["id"], row["email"], row["role"], row["created_at"], customer)


def _answer(user_id, email: str, role: str, created_at, customer: Customer) -> dict:
    return {
        "id": str(user_id),
        "email": email,
        "role": role,
        "active": True,
        "created_at": created_at,
        "customer": customer.slug,
    }
