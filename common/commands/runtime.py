"""What every command needs: the container, migrated, and table rendering."""

from __future__ import annotations

from common.bootstrap import Container, container


def ready() -> Container:
    """The process container with the database migrated (the local default migrates itself)."""
    app = container()
    if app.settings.auto_migrate:
        app.migrate()
    return app


def table(rows: list[dict], columns: list[str]) -> str:
    """A plain fixed-width text table."""
    if not rows:
        return "(none)"
    cells = [[_cell(r.get(c)) for c in columns] for r in rows]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)) for row in cells]
    return "\n".join(lines)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.3g}" if abs(value) < 1000 else f"{value:,.0f}"
    return str(value)
