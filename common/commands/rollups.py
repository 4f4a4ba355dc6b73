"""`upstream rollups verify [--customer SLUG] [--json]`: rollups against the lines (DESIGN §4)."""

from __future__ import annotations

from common.commands.output import BadInput, emit
from common.commands.runtime import ready, table
from common.services import rollups
from common.services.customers import CustomerError, active_customers, get_customer


def register(sub) -> None:
    """Add the rollups subcommand group."""
    p = sub.add_parser("rollups", help="check the signal rollups against the claim lines")
    verbs = p.add_subparsers(dest="verb", required=True)
    verify = verbs.add_parser("verify", help="recompute from the lines; exit 1 on any difference")
    verify.add_argument("--customer", metavar="SLUG", help="one customer (default: every one)")
    verify.add_argument("--json", action="store_true", help="print a JSON document")
    verify.set_defaults(handler=run_verify)


def run_verify(args) -> int:
    """Recompute every rollup of the chosen customers; exit code 1 when any differs."""
    app = ready()
    if args.customer:
        try:
            customers = [get_customer(app.uow, args.customer)]
        except CustomerError as exc:
            raise BadInput(str(exc)) from None
    else:
        with app.uow.transaction() as conn:
            customers = active_customers(conn)
    found = []
    for customer in customers:
        with app.uow.transaction(customer.id) as conn:
            for d in rollups.verify(conn, customer.id):
                found.append(
                    {
                        "customer": customer.slug,
                        "table": d.table,
                        "stored_only_rows": d.stored_only,
                        "recomputed_only_rows": d.recomputed_only,
                    }
                )
    document = {"customers_checked": len(customers), "differences": found}
    if found:
        columns = ["customer", "table", "stored_only_rows", "recomputed_only_rows"]
        emit(args, document, "rollups differ from the lines:\n" + table(found, columns))
        return 1
    emit(args, document, f"rollups match the lines ({len(customers)} customers checked)")
    return 0
