"""Shared fixtures: a real Postgres (embedded, or DATABASE_URL) and a wired container."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from common.bootstrap import Container, use_container
from common.config import Settings
from common.db.schema import metadata


@pytest.fixture(scope="session")
def pg_home():
    """A world-traversable folder: the embedded server runs as an unprivileged user."""
    home = Path(tempfile.mkdtemp(prefix="upstream-test-"))
    home.chmod(0o755)
    yield home
    if not os.environ.get("DATABASE_URL"):
        from common.db.embedded import stop_server

        stop_server(home)
    shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(scope="session")
def database_url(pg_home) -> str:
    """A migrated database: DATABASE_URL when set, else the embedded server."""
    url = os.environ.get("DATABASE_URL")
    settings = Settings(home=pg_home, database_url=url, db_name="upstream_test")
    from common.db.engine import database_url as resolve
    from common.db.migrate import upgrade

    resolved = resolve(settings)
    upgrade(Settings(home=pg_home, database_url=resolved), "heads")
    return resolved


@pytest.fixture
def settings(database_url, tmp_path) -> Settings:
    """Local-backend settings on the test database, with a private bucket folder."""
    home = tmp_path / "home"
    home.mkdir()
    return Settings(home=home, database_url=database_url, bus_backoff_seconds=0.001)


@pytest.fixture
def clean_db(database_url):
    """Empty every table (as the owner, so RLS does not hide rows from TRUNCATE)."""
    engine = create_engine(database_url)
    names = ", ".join(t.name for t in metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    yield engine
    engine.dispose()


@pytest.fixture
def app(settings, clean_db):
    """A container on the clean test database, installed for functions to find."""
    container = Container(settings)
    use_container(container)
    yield container
    use_container(None)
    if "engine" in container.__dict__:
        container.engine.dispose()


@pytest.fixture
def owner(clean_db):
    """An engine that bypasses row-level security, for assertions across tenants."""
    return clean_db
