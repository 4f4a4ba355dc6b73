"""Migrations go up and down on real Postgres; RLS hides rows without a tenant."""

from sqlalchemy import create_engine, insert, inspect, select, text

from common.config import Settings
from common.db.migrate import downgrade, upgrade
from common.db.schema import TENANT_TABLES, customers, uploads
from common.db.uow import UnitOfWork


def test_migrations_down_and_up_again(database_url, pg_home):
    settings = Settings(home=pg_home, database_url=database_url)
    engine = create_engine(database_url)
    try:
        downgrade(settings, "base")
        assert "claims" not in inspect(engine).get_table_names()
        upgrade(settings)
        tables = set(inspect(engine).get_table_names())
        assert {"claims", "claim_versions", "uploads", "outbox", "dead_letters"} <= tables
        with engine.connect() as conn:
            rls = dict(
                conn.execute(
                    text("SELECT relname, relrowsecurity FROM pg_class WHERE relname = ANY(:t)"),
                    {"t": TENANT_TABLES},
                ).all()
            )
        assert all(rls[t] for t in TENANT_TABLES)
    finally:
        engine.dispose()


def test_rls_hides_rows_without_the_tenant_setting(app, owner):
    with owner.begin() as conn:
        a = conn.execute(
            insert(customers).values(slug="aa", name="A").returning(customers.c.id)
        ).scalar()
        b = conn.execute(
            insert(customers).values(slug="bb", name="B").returning(customers.c.id)
        ).scalar()
        for cid in (a, b):
            conn.execute(
                insert(uploads).values(
                    customer_id=cid, object_name=f"{cid}/x.csv", generation="1", status="loaded"
                )
            )
    uow = UnitOfWork(app.engine)
    with uow.transaction() as conn:
        assert conn.execute(select(uploads)).all() == []
    with uow.transaction(str(a)) as conn:
        rows = conn.execute(select(uploads.c.customer_id)).scalars().all()
    assert rows == [a]


def test_app_role_cannot_rewrite_the_audit_trail(app):
    with app.uow.transaction() as conn:
        conn.execute(text("INSERT INTO audit_events (actor, action) VALUES ('t', 'x')"))
    import pytest
    from sqlalchemy.exc import ProgrammingError

    with pytest.raises(ProgrammingError), app.uow.transaction() as conn:
        conn.execute(text("DELETE FROM audit_events"))
