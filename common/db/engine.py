"""Engine factories: Cloud SQL connector (cloud), DATABASE_URL, or the embedded server."""

from __future__ import annotations

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url

from common.config import Settings

# The embedded server listens on loopback without TLS: skip pg8000's SSL request and the
# default SSL context it builds for every connection (~20 ms each, four per command).
EMBEDDED_CONNECT_ARGS = {"ssl_context": False}
# Databases already known to exist, per server URL: a command builds two engines (owner and
# app role) and the second need not ask again.
_existing: set[tuple[str, str]] = set()


def database_url(settings: Settings) -> str:
    """The URL for DATABASE_URL or the embedded server (which is started on demand)."""
    if settings.database_url:
        url = make_url(settings.database_url)
        if url.drivername in ("postgresql", "postgres"):
            url = url.set(drivername="postgresql+pg8000")
        return url.render_as_string(hide_password=False)
    from common.db.embedded import ensure_server

    server = ensure_server(settings.home)
    _ensure_database(server.url, settings.db_name)
    return make_url(server.url).set(database=settings.db_name).render_as_string()


def _ensure_database(admin_url: str, name: str) -> None:
    if (admin_url, name) in _existing:
        return
    engine = create_engine(
        admin_url,
        isolation_level="AUTOCOMMIT",
        hide_parameters=True,
        connect_args=EMBEDDED_CONNECT_ARGS,
    )
    try:
        with engine.connect() as conn:
            exists = conn.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
            ).scalar()
            if not exists:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
        _existing.add((admin_url, name))
    finally:
        engine.dispose()


def _cloudsql_engine(settings: Settings) -> Engine:
    # Imported here: the connector raises without credentials and must never load locally.
    from google.cloud.sql.connector import Connector, RefreshStrategy

    connector = Connector(refresh_strategy=RefreshStrategy.LAZY)

    def getconn():
        return connector.connect(
            settings.cloudsql_instance,
            "pg8000",
            user=settings.db_user,
            db=settings.db_name,
            enable_iam_auth=True,
            ip_type="PRIVATE",
        )

    return create_engine(
        "postgresql+pg8000://",
        creator=getconn,
        pool_size=5,
        max_overflow=2,
        pool_pre_ping=True,
        pool_recycle=1800,
        hide_parameters=True,  # statement parameters are claim values: never in logs (SPEC 2.4)
    )


def build_engine(settings: Settings, *, as_app_role: bool = True) -> Engine:
    """An engine for the configured database; app-role sessions are subject to RLS."""
    if settings.cloudsql_instance and not settings.database_url:
        engine = _cloudsql_engine(settings)
    else:
        engine = create_engine(
            database_url(settings),
            pool_size=5,
            max_overflow=5,
            pool_pre_ping=True,
            hide_parameters=True,  # statement parameters are claim values: never in logs
            connect_args={} if settings.database_url else EMBEDDED_CONNECT_ARGS,
        )
    if as_app_role and settings.db_app_role:
        _set_role_on_connect(engine, settings.db_app_role)
    return engine


def _set_role_on_connect(engine: Engine, role: str) -> None:
    # The login user owns the tables (and may be a superuser locally); the application
    # role does not, so row-level security applies to every application query.
    @event.listens_for(engine, "connect")
    def set_role(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute(f'SET ROLE "{role}"')
        cursor.close()
        dbapi_connection.commit()
