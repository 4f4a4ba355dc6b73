"""Users of a customer: creation with an argon2id password hash."""

from __future__ import annotations

import re

from argon2 import PasswordHasher
from sqlalchemy import insert, text

from common.db.schema import users
from common.db.schema.tenants import ROLES
from common.db.uow import UnitOfWork
from common.services.audit_trail import record
from common.services.customers import Customer

MIN_PASSWORD_LENGTH = 12
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_hasher = PasswordHasher()  # argon2id with the library's vetted defaults


class UserError(ValueError):
    """Bad input for a user operation."""


def hash_password(password: str) -> str:
    """argon2id hash; enforces the minimum length."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"password must be at least {MIN_PASSWORD_LENGTH} characters")
    return _hasher.hash(password)


def create_user(
    uow: UnitOfWork, customer: Customer, email: str, role: str, password: str, actor: str = "cli"
) -> dict:
    """Create a user of `customer`; audited. Never returns or logs the password."""
    email = email.strip().lower()
    if not EMAIL_RE.match(email):
        raise UserError("email is not a valid address")
    if role not in ROLES:
        raise UserError(f"role must be one of {', '.join(ROLES)}")
    password_hash = hash_password(password)
    with uow.transaction(customer.id) as conn:
        # Across tenants (RLS hides other customers' users; the index still enforces it).
        taken = conn.execute(text("SELECT 1 FROM auth_user_by_email(:e)"), {"e": email}).first()
        if taken:
            raise UserError("a user with this email already exists")
        row = (
            conn.execute(
                insert(users)
                .values(
                    customer_id=customer.id,
                    email=email,
                    password_hash=password_hash,
                    role=role,
                )
                .returning(users.c.id, users.c.email, users.c.role)
            )
            .mappings()
            .one()
        )
        record(conn, customer.id, actor, "user.created", "user", row["id"], {"role": role})
    return {
        "id": str(row["id"]),
        "email": row["email"],
        "role": row["role"],
        "customer": customer.slug,
    }
