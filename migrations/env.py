"""Alembic environment: migrates with the owner (non-app-role) engine from Settings."""

from alembic import context

from common.config import load_settings
from common.db.engine import build_engine
from common.db.schema import metadata


def run_offline() -> None:
    context.configure(
        url="postgresql+pg8000://",
        target_metadata=metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run_with(connection)
        return
    engine = build_engine(load_settings(), as_app_role=False)
    try:
        with engine.connect() as conn:
            _run_with(conn)
    finally:
        engine.dispose()


def _run_with(connection) -> None:
    context.configure(connection=connection, target_metadata=metadata, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
