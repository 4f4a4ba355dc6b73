"""application role, grants, row-level security, append-only audit, login lookup

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 04:00:00
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

APP_ROLE = "upstream_app"

# Frozen here on purpose: a migration must not change when application code does.
TENANT_TABLES = (
    "uploads", "upload_rejections", "claims", "claim_versions", "payer_aliases", "cpt_overrides",
    "signals", "alert_rules", "alerts", "operator_judgments", "webhook_endpoints",
    "webhook_deliveries", "webhook_attempts", "reports", "users", "refresh_tokens", "rate_events",
)
TENANT_KEY = "nullif(current_setting('app.customer_id', true), '')::uuid"


def upgrade() -> None:
    op.execute(f"""
        DO $$ BEGIN
          IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{APP_ROLE}') THEN
            CREATE ROLE {APP_ROLE} NOLOGIN;
          END IF;
        END $$;""")
    op.execute(f"GRANT {APP_ROLE} TO CURRENT_USER")
    op.execute(f"GRANT USAGE ON SCHEMA public TO {APP_ROLE}")
    op.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {APP_ROLE}")
    op.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {APP_ROLE}")
    op.execute(f"REVOKE ALL ON alembic_version FROM {APP_ROLE}")
    # The audit trail is append-only for the application.
    op.execute(f"REVOKE UPDATE, DELETE, TRUNCATE ON audit_events FROM {APP_ROLE}")
    for table in TENANT_TABLES:
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
        op.execute(
            f"CREATE POLICY tenant_isolation ON {table} "
            f"USING (customer_id = {TENANT_KEY}) WITH CHECK (customer_id = {TENANT_KEY})"
        )
    op.execute("ALTER TABLE audit_events ENABLE ROW LEVEL SECURITY")
    op.execute("ALTER TABLE audit_events FORCE ROW LEVEL SECURITY")
    op.execute(f"CREATE POLICY audit_read ON audit_events FOR SELECT USING (customer_id = {TENANT_KEY})")
    # Failed logins for unknown accounts have no customer: appending is always allowed.
    op.execute("CREATE POLICY audit_append ON audit_events FOR INSERT WITH CHECK (true)")
    # Login knows only an e-mail: this narrow definer function is the one cross-tenant read.
    op.execute("""
        CREATE FUNCTION auth_user_by_email(p_email text)
        RETURNS TABLE (id uuid, customer_id uuid, password_hash text, role text, active boolean)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
          SELECT u.id, u.customer_id, u.password_hash, u.role, u.active AND c.active
          FROM users u JOIN customers c ON c.id = u.customer_id
          WHERE u.email = lower(p_email)
        $$""")
    op.execute("REVOKE ALL ON FUNCTION auth_user_by_email(text) FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION auth_user_by_email(text) TO {APP_ROLE}")


def downgrade() -> None:
    op.execute("DROP FUNCTION IF EXISTS auth_user_by_email(text)")
    op.execute("DROP POLICY IF EXISTS audit_append ON audit_events")
    op.execute("DROP POLICY IF EXISTS audit_read ON audit_events")
    op.execute("ALTER TABLE audit_events NO FORCE ROW LEVEL SECURITY")
    op.execute("ALTER TABLE audit_events DISABLE ROW LEVEL SECURITY")
    for table in TENANT_TABLES:
        op.execute(f"DROP POLICY IF EXISTS tenant_isolation ON {table}")
        op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
    op.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {APP_ROLE}")
    op.execute(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {APP_ROLE}")
    op.execute(f"REVOKE USAGE ON SCHEMA public FROM {APP_ROLE}")
