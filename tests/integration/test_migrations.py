"""Migrations go up and down on real Postgres; RLS hides rows without a tenant."""

import pytest
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


OLD_ROW = (None, "Cigna", "80053", None, "PATH_LAB", "2026-01-05", "2026-01-20", None, "DENIED",
           "60.00", None, "0.00", "CO-16", None)  # fmt: skip


def _old_row_key() -> str:
    """The first wave's key of an id-less row: sha256 over its 14 values."""
    import hashlib

    content = "\x1f".join("\x00" if v is None else str(v) for v in OLD_ROW)
    return "row:" + hashlib.sha256(content.encode()).hexdigest()


def test_0009_converts_existing_claims_to_lines_and_back(database_url, pg_home, clean_db):
    from common.domain.line_identity import LineKeys

    settings = Settings(home=pg_home, database_url=database_url)
    engine = clean_db
    downgrade(settings, "0008")
    try:
        with engine.begin() as conn:
            cid = conn.execute(
                text("INSERT INTO customers (slug, name) VALUES ('migrated', 'M') RETURNING id")
            ).scalar()
            upload = conn.execute(
                text(
                    "INSERT INTO uploads (customer_id, object_name, generation, status) "
                    "VALUES (:c, 'migrated/a.csv', '1', 'loaded') RETURNING id"
                ),
                {"c": cid},
            ).scalar()
            insert_claim = text(
                "INSERT INTO claims (customer_id, upload_id, claim_key, claim_id, payer, cpt, "
                "cpt_group, submitted_date, decided_date, outcome, billed_amount, paid_amount, "
                "denial_reason_code) VALUES (:c, :u, :k, :id, :payer, :cpt, :grp, "
                "'2026-01-05', '2026-01-20', :o, 60, 0, 'CO-16')"
            )
            conn.execute(insert_claim, {"c": cid, "u": upload, "k": "id:A1", "id": "A1",
                                        "payer": "Aetna", "cpt": "99213", "grp": "E&M",
                                        "o": "DENIED"})  # fmt: skip
            conn.execute(insert_claim, {"c": cid, "u": upload, "k": _old_row_key(), "id": None,
                                        "payer": "Cigna", "cpt": "80053", "grp": "PATH_LAB",
                                        "o": "DENIED"})  # fmt: skip
        upgrade(settings)
        staged = (0, None, None, *OLD_ROW[1:5], None, *OLD_ROW[5:])
        with engine.connect() as conn:
            keys = set(conn.execute(text("SELECT line_key FROM claims")).scalars())
            rollup = conn.execute(text("SELECT n_denied, decision_days FROM claim_rollups")).all()
        # What ingestion computes for the same rows today: a re-send updates, never duplicates.
        assert keys == {LineKeys().claim_line("A1", None, "99213", None),
                        LineKeys().key(staged)}  # fmt: skip
        assert sorted(rollup) == [(1, 15), (1, 15)]
        with UnitOfWork(create_engine(database_url)).transaction(str(cid)) as conn:
            from common.services import rollups

            assert rollups.verify(conn, str(cid)) == []
        with pytest.raises(Exception, match="cannot be deleted"), engine.begin() as conn:
            conn.execute(text("DELETE FROM uploads"))
        downgrade(settings, "0008")
        with engine.connect() as conn:
            keys = set(conn.execute(text("SELECT claim_key FROM claims")).scalars())
        assert keys == {"id:A1", _old_row_key()}
    finally:
        upgrade(settings)


def test_0010_column_mappings_up_down_with_rls_and_known_fields(database_url, pg_home, clean_db):
    from sqlalchemy.exc import DBAPIError, IntegrityError

    from common.db.engine import build_engine
    from common.domain.columns import ALIASES

    settings = Settings(home=pg_home, database_url=database_url)
    engine = clean_db
    try:
        downgrade(settings, "0009")
        assert "column_mappings" not in inspect(engine).get_table_names()
        upgrade(settings)
        with engine.connect() as conn:
            security = conn.execute(
                text(
                    "SELECT relrowsecurity, relforcerowsecurity FROM pg_class "
                    "WHERE relname = 'column_mappings'"
                )
            ).one()
            policies = conn.execute(
                text("SELECT policyname FROM pg_policies WHERE tablename = 'column_mappings'")
            ).scalars()
            grants = conn.execute(
                text(
                    "SELECT privilege_type FROM information_schema.role_table_grants "
                    "WHERE table_name = 'column_mappings' AND grantee = 'upstream_app'"
                )
            ).scalars()
            assert tuple(security) == (True, True) and list(policies) == ["tenant_isolation"]
            assert set(grants) == {"SELECT", "INSERT", "UPDATE", "DELETE"}
        with engine.begin() as conn:
            a, b = (
                conn.execute(
                    text("INSERT INTO customers (slug, name) VALUES (:s, :s) RETURNING id"),
                    {"s": slug},
                ).scalar()
                for slug in ("cols-a", "cols-b")
            )
            # The frozen list in the migration is exactly the canonical fields of today.
            for n, field in enumerate(ALIASES):
                conn.execute(
                    text(
                        "INSERT INTO column_mappings (customer_id, header, header_key, field) "
                        "VALUES (:c, :h, :h, :f)"
                    ),
                    {"c": a, "h": f"h{n}", "f": field},
                )
        with (
            pytest.raises(DBAPIError, match="ck_column_mappings_field_known"),
            engine.begin() as conn,
        ):
            conn.execute(
                text(
                    "INSERT INTO column_mappings (customer_id, header, header_key, field) "
                    "VALUES (:c, 'x', 'x', 'patient_name')"
                ),
                {"c": a},
            )
        unique = "uq_column_mappings_customer_header_key"
        with pytest.raises(IntegrityError, match=unique), engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO column_mappings (customer_id, header, header_key, field) "
                    "VALUES (:c, 'H0', 'h0', 'payer')"
                ),
                {"c": a},
            )
        app_engine = build_engine(settings)  # the application role: RLS applies
        try:
            uow = UnitOfWork(app_engine)
            with uow.transaction(str(b)) as conn:
                assert conn.execute(text("SELECT count(*) FROM column_mappings")).scalar() == 0
            with uow.transaction(str(a)) as conn:
                seen = conn.execute(text("SELECT count(*) FROM column_mappings")).scalar()
            assert seen == len(ALIASES)
        finally:
            app_engine.dispose()
        downgrade(settings, "0009")
        assert "column_mappings" not in inspect(engine).get_table_names()
        with engine.connect() as conn:
            assert (
                conn.execute(
                    text("SELECT count(*) FROM pg_policies WHERE tablename = 'column_mappings'")
                ).scalar()
                == 0
            )
    finally:
        upgrade(settings)


OLD_SIGNAL = text(
    "INSERT INTO signals (customer_id, product, type, payer, key, direction, as_of, "
    "window_start, window_end, severity, severity_label, confidence, summary, fingerprint) "
    "VALUES (:c, 'driftwatch', 'denial_rate_increase', 'Aetna', 'E&M', 'up', :d, "
    "CAST(:d AS date) - 14, :d, 0.4, :l, 0.9, 's', :f) RETURNING id"
)


def test_0011_folds_signals_into_episodes_and_alerts_follow(database_url, pg_home, clean_db):
    from common.domain.signal_model import Signal

    settings = Settings(home=pg_home, database_url=database_url)
    engine = clean_db
    downgrade(settings, "0010")
    try:
        with engine.begin() as conn:
            cid = conn.execute(
                text("INSERT INTO customers (slug, name) VALUES ('eps', 'E') RETURNING id")
            ).scalar()
            rule = conn.execute(
                text("INSERT INTO alert_rules (customer_id, name) VALUES (:c, 'r') RETURNING id"),
                {"c": cid},
            ).scalar()
            ids = []
            # Three days of one condition (one episode), then the same again 40 days later.
            for day, label in (("2026-05-01", "low"), ("2026-05-02", "high"),
                               ("2026-05-04", "medium"), ("2026-06-13", "low")):  # fmt: skip
                params = {"c": cid, "d": day, "l": label, "f": day}
                ids.append(conn.execute(OLD_SIGNAL, params).scalar())
            for signal_id in ids[:3]:  # one alert per old row of the first episode
                conn.execute(
                    text(
                        "INSERT INTO alerts (customer_id, signal_id, rule_id, status) "
                        "VALUES (:c, :s, :r, 'sent')"
                    ),
                    {"c": cid, "s": signal_id, "r": rule},
                )
        upgrade(settings, "0011")
        with engine.connect() as conn:
            episodes = conn.execute(text(
                "SELECT id, first_seen_as_of, last_seen_as_of, times_seen, ended_as_of, "
                "peak_label, severity_label, episode_key FROM signals ORDER BY first_seen_as_of"
            )).mappings().all()  # fmt: skip
            history = conn.execute(text("SELECT count(*) FROM signal_observations")).scalar()
            alerts = conn.execute(
                text("SELECT signal_id, severity_label FROM alerts ORDER BY severity_label")
            ).all()
        first, second = episodes
        assert first["id"] == ids[0] and second["id"] == ids[3]
        assert (str(first["first_seen_as_of"]), str(first["last_seen_as_of"])) == (
            "2026-05-01",
            "2026-05-04",
        )
        assert (first["times_seen"], first["peak_label"], first["severity_label"]) == (
            3,
            "high",
            "medium",
        )
        assert str(first["ended_as_of"]) == "2026-05-18"  # 14 days after it was last seen
        assert history == 4
        assert [(str(a.signal_id), a.severity_label) for a in alerts] == [
            (str(ids[0]), "high"),
            (str(ids[0]), "low"),
            (str(ids[0]), "medium"),
        ]
        probe = Signal(
            customer_id=str(cid), product="driftwatch", type="denial_rate_increase",
            payer="Aetna", key="E&M", direction="up", as_of=first["last_seen_as_of"],
            window_start=first["last_seen_as_of"], window_end=first["last_seen_as_of"] + (
                first["last_seen_as_of"] - first["first_seen_as_of"]),
            baseline_start=None, baseline_end=None, baseline_value=None, current_value=None,
            delta=None, n_baseline=None, n_current=None, p_value=None, severity=0.4,
            severity_label="low", confidence=0.9, dollars_at_risk=None, summary="s",
        )  # fmt: skip
        assert probe.episode_key == first["episode_key"]  # Python and SQL agree
        downgrade(settings, "0010")
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM signals")).scalar() == 2
            assert conn.execute(text("SELECT count(*) FROM alerts")).scalar() == 1
    finally:
        upgrade(settings)
