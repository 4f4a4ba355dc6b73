"""The cheap "already migrated?" check reads the same heads as Alembic (issue 13 item 5)."""

from __future__ import annotations

from alembic.script import ScriptDirectory

from common.db.migrate import alembic_config, script_heads


def _script(folder, name: str, body: str) -> None:
    (folder / f"{name}.py").write_text(f'"""{name}"""\n{body}\n')


def test_the_heads_read_from_the_scripts_are_alembics():
    assert script_heads() == set(ScriptDirectory.from_config(alembic_config()).get_heads())


def test_merges_and_branches_give_every_unmerged_tip(tmp_path):
    _script(tmp_path, "a", 'revision = "a"\ndown_revision = None')
    _script(tmp_path, "b", 'revision = "b"\ndown_revision = "a"')
    _script(tmp_path, "c", 'revision: str = "c"\ndown_revision: str | None = "a"')
    assert script_heads(tmp_path) == {"b", "c"}
    _script(tmp_path, "d", 'revision = "d"\ndown_revision = ("b", "c")')
    assert script_heads(tmp_path) == {"d"}


def test_what_only_alembic_resolves_is_left_to_alembic(tmp_path):
    assert script_heads(tmp_path) is None  # no scripts at all
    _script(tmp_path, "a", 'revision = "a"\ndown_revision = None\ndepends_on = "x"')
    assert script_heads(tmp_path) is None


def test_a_value_over_several_lines_is_left_to_alembic(tmp_path):
    _script(tmp_path, "a", 'revision = "a"\ndown_revision = (\n    "x",\n    "y",\n)')
    assert script_heads(tmp_path) is None
