"""Programmatic Alembic: migrate, check the current revision.

Every local command migrates first, so the "already current" answer must be cheap: the script
heads are read from the revision files' one-line `revision`/`down_revision` assignments (a
regular expression and a literal, no import of Alembic or of the scripts: parsing them whole
cost 25 ms) and compared with `alembic_version`. Alembic itself is imported only when there is
something to apply, or when a script is written in a way the reading does not follow (branch
labels, depends_on, a value over several lines).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from sqlalchemy import text

import common
from common.config import Settings
from common.db.engine import build_engine

ROOT = Path(common.__file__).resolve().parent.parent
VERSIONS = ROOT / "migrations" / "versions"
_MARKER = re.compile(
    r"^(revision|down_revision|branch_labels|depends_on)\s*(?::[^=]+)?=\s*(.*?)\s*$", re.M
)


def alembic_config():
    """Alembic configured from pyproject.toml's [tool.alembic]."""
    from alembic.config import Config

    return Config(toml_file=str(ROOT / "pyproject.toml"))


def script_heads(versions: Path = VERSIONS) -> set[str] | None:
    """The head revision ids of the scripts in `versions`, or None when the walk cannot tell
    (no scripts found, or branch labels / depends_on, which only Alembic resolves)."""
    revisions, parents = set(), set()
    for path in versions.glob("*.py"):
        found = _assignments(path)
        if found is None or "revision" not in found:
            return None
        if found.get("branch_labels") or found.get("depends_on"):
            return None
        revisions.add(found["revision"])
        down = found.get("down_revision")
        parents.update([down] if isinstance(down, str) else down or ())
    return (revisions - parents) or None


def _assignments(path: Path) -> dict | None:
    """The module-level revision markers of one script as literals; None when one is not a
    one-line literal."""
    found = {}
    for name, value in _MARKER.findall(path.read_text(encoding="utf-8")):
        try:
            found[name] = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            return None
    return found


def applied_heads(conn) -> set[str]:
    """The revisions recorded in the database (empty before the first migration)."""
    if conn.execute(text("SELECT to_regclass('alembic_version')")).scalar() is None:
        return set()
    return set(conn.execute(text("SELECT version_num FROM alembic_version")).scalars())


def upgrade(settings: Settings, revision: str = "head") -> None:
    """Upgrade to `revision` as the table owner (not the app role); no-op when current."""
    engine = build_engine(settings, as_app_role=False)
    try:
        with engine.begin() as conn:
            # Several heads may be applied while parallel branches land: compare them all.
            if revision in ("head", "heads") and applied_heads(conn) == _heads():
                return
            from alembic import command

            config = alembic_config()
            config.attributes["connection"] = conn
            command.upgrade(config, revision)
    finally:
        engine.dispose()


def _heads() -> set[str]:
    heads = script_heads()
    if heads is None:
        from alembic.script import ScriptDirectory

        heads = set(ScriptDirectory.from_config(alembic_config()).get_heads())
    return heads


def downgrade(settings: Settings, revision: str = "base") -> None:
    """Downgrade to `revision` as the table owner."""
    from alembic import command

    config = alembic_config()
    engine = build_engine(settings, as_app_role=False)
    try:
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.downgrade(config, revision)
    finally:
        engine.dispose()
