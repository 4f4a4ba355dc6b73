"""Named SQL: every aggregate lives in `common/db/sql/<name>.sql`."""

from __future__ import annotations

from functools import cache
from importlib import resources

from sqlalchemy import TextClause, text


@cache
def sql(name: str) -> TextClause:
    """The statement in `sql/<name>.sql`, as a bindable SQLAlchemy text clause."""
    body = resources.files("common.db").joinpath("sql", f"{name}.sql").read_text()
    return text(body)


@cache
def raw_sql(name: str) -> str:
    """The raw text of `sql/<name>.sql` (for statements SQLAlchemy must not parse)."""
    return resources.files("common.db").joinpath("sql", f"{name}.sql").read_text()
