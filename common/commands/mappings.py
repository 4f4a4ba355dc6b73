"""`upstream mappings columns list|set HEADER FIELD|delete HEADER --customer SLUG [--json]`.

A customer's own column headers (SPEC 2.2), read before the built-in aliases by uploads loaded
after the change. The same service as `/v1/column-mappings`, so the same checks and audit.
"""

from __future__ import annotations

from common.commands.output import BadInput, emit
from common.commands.runtime import ready, table
from common.domain.columns import ALIASES
from common.domain.jsonable import plain
from common.services.customers import CustomerError, get_customer
from common.services.mappings import (
    MappingConflict,
    MappingInvalid,
    MappingNotFound,
    delete_column_mapping,
    set_column_mapping,
)
from common.services.queries.settings_reads import list_settings

KIND = "column_mappings"
KEYS = ("id", "header", "field", "created_at")
PAGE = 200


def register(sub) -> None:
    """Add the mappings subcommands."""
    groups = sub.add_parser("mappings", help="per-customer mappings").add_subparsers(
        dest="group", required=True
    )
    columns = groups.add_parser(
        "columns",
        help="column headers mapped to canonical fields, ahead of the built-in aliases",
        description=f"Canonical fields: {', '.join(ALIASES)}.",
    ).add_subparsers(dest="action", required=True)
    actions = (
        ("list", (), "the customer's column mappings, oldest first"),
        ("set", ("header", "field"), "map HEADER to FIELD (a new mapping, or a change)"),
        ("delete", ("header",), "remove the mapping of HEADER"),
    )
    helps = {
        "header": "the column header as the customer's files spell it",
        "field": f"one of: {', '.join(ALIASES)}",
    }
    for name, positionals, help_text in actions:
        p = columns.add_parser(name, help=help_text)
        for positional in positionals:
            p.add_argument(positional, metavar=positional.upper(), help=helps[positional])
        p.add_argument("--customer", required=True, metavar="SLUG")
        p.add_argument("--json", action="store_true")
        p.set_defaults(handler=run_columns)


def run_columns(args) -> None:
    """List, set or delete one customer's column mappings; bad input exits 2."""
    app = ready()
    try:
        customer = get_customer(app.uow, args.customer)
        if args.action == "list":
            items = _all(app.uow, customer.id)
            emit(args, items, table(items, ["header", "field", "created_at"]))
        elif args.action == "set":
            row, created = set_column_mapping(
                app.uow, customer.id, args.header, args.field, actor="cli"
            )
            doc = _document(row) | {"created": created}
            verb = "mapped" if created else "remapped"
            emit(args, doc, f"{verb} {doc['header']!r} → {doc['field']} for {customer.slug}")
        else:
            row = delete_column_mapping(app.uow, customer.id, args.header, actor="cli")
            doc = _document(row)
            emit(args, {"deleted": doc}, f"deleted {doc['header']!r} → {doc['field']}")
    except MappingNotFound:
        raise BadInput(f"no column mapping for {args.header!r} at {args.customer}") from None
    except (CustomerError, MappingInvalid, MappingConflict) as exc:
        raise BadInput(str(exc)) from None


def _all(uow, customer_id: str) -> list[dict]:
    items: list[dict] = []
    after = None
    with uow.transaction(customer_id) as conn:
        while True:
            rows = list_settings(conn, KIND, customer_id, PAGE, after)
            items += [_document(r) for r in rows]
            if len(rows) < PAGE:
                return items
            after = [rows[-1]["created_at"], rows[-1]["id"]]


def _document(row: dict) -> dict:
    return {k: plain(row[k]) for k in KEYS}
