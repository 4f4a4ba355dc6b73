"""Programmatic Alembic: migrate, check the current revision."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

import common
from common.config import Settings
from common.db.engine import build_engine

ROOT = Path(common.__file__).resolve().parent.parent


def alembic_config() -> Config:
    """Alembic configured from pyproject.toml's [tool.alembic]."""
    return Config(toml_file=str(ROOT / "pyproject.toml"))


def upgrade(settings: Settings, revision: str = "head") -> None:
    """Upgrade to `revision` as the table owner (not the app role); no-op when current."""
    config = alembic_config()
    engine = build_engine(settings, as_app_role=False)
    try:
        with engine.begin() as conn:
            # Several heads may be applied while parallel branches land: compare them all.
            current = set(MigrationContext.configure(conn).get_current_heads())
            if revision in ("head", "heads") and current == set(
                ScriptDirectory.from_config(config).get_heads()
            ):
                return
            config.attributes["connection"] = conn
            command.upgrade(config, revision)
    finally:
        engine.dispose()


def downgrade(settings: Settings, revision: str = "base") -> None:
    """Downgrade to `revision` as the table owner."""
    config = alembic_config()
    engine = build_engine(settings, as_app_role=False)
    try:
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.downgrade(config, revision)
    finally:
        engine.dispose()
