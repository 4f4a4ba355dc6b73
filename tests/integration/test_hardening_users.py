"""Issue 12: user administration under concurrency (last owner) — real Postgres, real threads.

A trigger that sleeps inside every UPDATE/DELETE of `users` holds both transactions open at
the same time, so the two changes really overlap (without the tenant lock both would commit).
"""

from __future__ import annotations

import threading
import uuid

import pytest
from sqlalchemy import text

from common.services import user_admin
from common.services.auth_types import Principal
from common.services.customers import create_customer
from common.services.user_admin import UserConflict, UserForbidden
from common.services.users import UserError, create_user

PASSWORD = "correct horse battery staple"  # pragma: allowlist secret
CHANGES = {
    "delete": None,
    "deactivate": {"active": False},
    "demote to admin": {"role": "admin"},
    "demote to viewer": {"role": "viewer"},
}


@pytest.fixture
def acme(app):
    return create_customer(app.uow, "acme", "Acme Clinic")


@pytest.fixture
def slow_user_writes(owner):
    """Every write to `users` sleeps 0.4 s before it happens (the race window, widened)."""
    with owner.begin() as conn:
        conn.execute(
            text(
                "CREATE FUNCTION test_slow_users() RETURNS trigger LANGUAGE plpgsql AS $$"
                " BEGIN PERFORM pg_sleep(0.4); RETURN COALESCE(NEW, OLD); END $$"
            )
        )
        conn.execute(
            text(
                "CREATE TRIGGER test_slow_users BEFORE UPDATE OR DELETE ON users"
                " FOR EACH ROW EXECUTE FUNCTION test_slow_users()"
            )
        )
    yield
    with owner.begin() as conn:
        conn.execute(text("DROP TRIGGER IF EXISTS test_slow_users ON users"))
        conn.execute(text("DROP FUNCTION IF EXISTS test_slow_users()"))


def principal(customer, user: dict) -> Principal:
    return Principal(
        user_id=user["id"],
        customer_id=customer.id,
        role=user["role"],
        email=user["email"],
        jti=str(uuid.uuid4()),
        exp=0,
    )


def change(app, actor: Principal, target_id: str, what):
    if what is None:
        return user_admin.delete_user(app.uow, actor, target_id)
    return user_admin.update_user(app.uow, actor, target_id, what)


def at_once(*calls) -> list:
    """Run the calls in threads released together; each result or the exception it raised."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(n, call):
        barrier.wait()
        try:
            results[n] = call()
        except Exception as exc:  # noqa: BLE001 - the outcome under test
            results[n] = exc

    threads = [threading.Thread(target=run, args=(n, c)) for n, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


def active_owners(owner, customer_id) -> int:
    with owner.connect() as conn:
        return conn.execute(
            text("SELECT count(*) FROM users WHERE customer_id = :c AND role = 'owner' AND active"),
            {"c": customer_id},
        ).scalar_one()


@pytest.mark.parametrize("what", CHANGES.values(), ids=CHANGES.keys())
def test_two_owners_changing_each_other_at_once_leave_one_owner(
    app, acme, owner, slow_user_writes, what
):
    a = create_user(app.uow, acme, "a@acme.test", "owner", PASSWORD)
    b = create_user(app.uow, acme, "b@acme.test", "owner", PASSWORD)

    results = at_once(
        lambda: change(app, principal(acme, a), b["id"], what),
        lambda: change(app, principal(acme, b), a["id"], what),
    )

    refused = [r for r in results if isinstance(r, Exception)]
    assert len(refused) == 1, results
    assert isinstance(refused[0], UserConflict), refused
    assert active_owners(owner, acme.id) == 1


def test_the_last_owner_cannot_be_removed_by_a_stale_owner(app, acme, owner):
    """B was demoted after its request's role check: the change re-reads B's role."""
    a = create_user(app.uow, acme, "a@acme.test", "owner", PASSWORD)
    b = create_user(app.uow, acme, "b@acme.test", "owner", PASSWORD)
    c = create_user(app.uow, acme, "c@acme.test", "owner", PASSWORD)
    stale_b = principal(acme, b)
    user_admin.update_user(app.uow, principal(acme, a), b["id"], {"role": "viewer"})

    with pytest.raises(UserForbidden):
        user_admin.delete_user(app.uow, stale_b, c["id"])
    with pytest.raises(UserForbidden):
        user_admin.update_user(app.uow, stale_b, a["id"], {"active": False})
    assert active_owners(owner, acme.id) == 2


def test_a_deactivated_caller_changes_nothing(app, acme, owner):
    a = create_user(app.uow, acme, "a@acme.test", "owner", PASSWORD)
    admin = create_user(app.uow, acme, "admin@acme.test", "admin", PASSWORD)
    viewer = create_user(app.uow, acme, "v@acme.test", "viewer", PASSWORD)
    stale_admin = principal(acme, admin)
    user_admin.update_user(app.uow, principal(acme, a), admin["id"], {"active": False})
    with pytest.raises(UserForbidden):
        user_admin.delete_user(app.uow, stale_admin, viewer["id"])


def test_one_owner_may_still_remove_another(app, acme, owner):
    a = create_user(app.uow, acme, "a@acme.test", "owner", PASSWORD)
    b = create_user(app.uow, acme, "b@acme.test", "owner", PASSWORD)
    user_admin.update_user(app.uow, principal(acme, a), b["id"], {"role": "admin"})
    assert active_owners(owner, acme.id) == 1
    user_admin.update_user(app.uow, principal(acme, a), b["id"], {"role": "owner"})
    user_admin.delete_user(app.uow, principal(acme, a), b["id"])
    assert active_owners(owner, acme.id) == 1


def test_an_inactive_owner_may_be_deleted_by_the_last_active_owner(app, acme, owner):
    a = create_user(app.uow, acme, "a@acme.test", "owner", PASSWORD)
    b = create_user(app.uow, acme, "b@acme.test", "owner", PASSWORD)
    user_admin.update_user(app.uow, principal(acme, a), b["id"], {"active": False})
    user_admin.delete_user(app.uow, principal(acme, a), b["id"])
    assert active_owners(owner, acme.id) == 1


# Issue 12 item 9: another customer's e-mail address is not revealed to a tenant admin.


@pytest.fixture
def bravo(app):
    return create_customer(app.uow, "bravo", "Bravo Health")


def users_of(owner, customer_id) -> list[dict]:
    with owner.connect() as conn:
        rows = conn.execute(
            text("SELECT email, role, active FROM users WHERE customer_id = :c ORDER BY email"),
            {"c": customer_id},
        )
        return [dict(r) for r in rows.mappings()]


def audit_actions(owner) -> list[tuple]:
    with owner.connect() as conn:
        rows = conn.execute(text("SELECT customer_id, action FROM audit_events ORDER BY id"))
        return [(str(r[0]), r[1]) for r in rows]


def test_another_customers_address_is_answered_as_if_new(app, acme, bravo, owner):
    theirs = create_user(app.uow, acme, "Ann@Acme.test", "owner", PASSWORD)
    before = audit_actions(owner)

    concealed = create_user(
        app.uow, bravo, "ann@acme.test", "viewer", PASSWORD, "user:x", conceal_other_tenants=True
    )
    fresh = create_user(
        app.uow, bravo, "new@bravo.test", "viewer", PASSWORD, "user:x", conceal_other_tenants=True
    )

    # The same shape as a real creation: nothing tells the two apart.
    assert set(concealed) == set(fresh)
    assert {k: type(v) for k, v in concealed.items()} == {k: type(v) for k, v in fresh.items()}
    assert (concealed["email"], concealed["role"], concealed["active"]) == (
        "ann@acme.test",
        "viewer",
        True,
    )
    assert concealed["customer"] == "bravo"
    assert str(uuid.UUID(concealed["id"])) not in (theirs["id"], fresh["id"])
    # Nothing was stored or audited for the concealed one; the real owner is untouched.
    assert [u["email"] for u in users_of(owner, bravo.id)] == ["new@bravo.test"]
    assert users_of(owner, acme.id) == [{"email": "ann@acme.test", "role": "owner", "active": True}]
    assert audit_actions(owner) == before + [(bravo.id, "user.created")]


def test_the_operator_cli_and_the_own_customer_get_the_conflict(app, acme, bravo):
    create_user(app.uow, acme, "ann@acme.test", "owner", PASSWORD)
    with pytest.raises(UserError, match="already exists"):
        create_user(app.uow, bravo, "ann@acme.test", "viewer", PASSWORD)  # the operator
    with pytest.raises(UserError, match="already exists"):
        create_user(app.uow, acme, "ANN@acme.test", "viewer", PASSWORD, conceal_other_tenants=True)


@pytest.fixture
def slow_user_inserts(owner):
    """Every INSERT into `users` sleeps 0.4 s first, so two creations overlap."""
    with owner.begin() as conn:
        conn.execute(
            text(
                "CREATE FUNCTION test_slow_insert() RETURNS trigger LANGUAGE plpgsql AS $$"
                " BEGIN PERFORM pg_sleep(0.4); RETURN NEW; END $$"
            )
        )
        conn.execute(
            text(
                "CREATE TRIGGER test_slow_insert BEFORE INSERT ON users"
                " FOR EACH ROW EXECUTE FUNCTION test_slow_insert()"
            )
        )
    yield
    with owner.begin() as conn:
        conn.execute(text("DROP TRIGGER IF EXISTS test_slow_insert ON users"))
        conn.execute(text("DROP FUNCTION IF EXISTS test_slow_insert()"))


def test_two_customers_taking_one_new_address_at_once(app, acme, bravo, owner, slow_user_inserts):
    def make(customer):
        return lambda: create_user(
            app.uow, customer, "same@x.test", "viewer", PASSWORD, conceal_other_tenants=True
        )

    results = at_once(make(acme), make(bravo))

    assert all(isinstance(r, dict) for r in results), results  # no IntegrityError escapes
    stored = users_of(owner, acme.id) + users_of(owner, bravo.id)
    assert [u["email"] for u in stored] == ["same@x.test"]
