"""`upstream signals --customer SLUG [--product P] [--limit N] [--json]` (DESIGN §5c)."""

from __future__ import annotations

from common.commands.output import BadInput, emit
from common.commands.runtime import ready, table
from common.domain.jsonable import plain
from common.services.customers import CustomerError, get_customer
from common.services.signals import PRODUCTS
from common.services.signals.store import list_signals

# The JSON contract (DESIGN §5c) first, then what helps a reader follow up.
CONTRACT_KEYS = (
    "product", "type", "payer", "key", "direction", "window_start", "window_end",
    "baseline_value", "current_value", "delta", "n_baseline", "n_current", "p_value",
    "severity", "severity_label", "confidence", "dollars_at_risk", "summary",
)  # fmt: skip
# Episodes (DESIGN 5c): when first and last seen, how often, and when it ended (null: open).
EPISODE_KEYS = ("first_seen_as_of", "last_seen_as_of", "times_seen", "ended_as_of")
EXTRA_KEYS = ("id", "as_of", "baseline_start", "baseline_end", "created_at", "details")
TABLE_COLUMNS = [
    "first_seen_as_of", "last_seen_as_of", "times_seen", "product", "type", "payer", "key",
    "delta", "p_value", "severity_label", "confidence", "dollars_at_risk",
]  # fmt: skip


def register(sub) -> None:
    """Add the signals subcommand."""
    p = sub.add_parser("signals", help="a customer's open signal episodes, latest first")
    p.add_argument("--customer", required=True, metavar="SLUG")
    p.add_argument("--product", choices=PRODUCTS)
    p.add_argument("--limit", type=int, metavar="N", help="at most N signals")
    p.add_argument("--all", action="store_true", help="closed episodes too (default: open ones)")
    p.add_argument("--json", action="store_true", help="print a JSON list")
    p.set_defaults(handler=run)


def run(args) -> None:
    """Print the customer's signals (row-level security scopes the query to the tenant)."""
    app = ready()
    try:
        customer = get_customer(app.uow, args.customer)
    except CustomerError as exc:
        raise BadInput(str(exc)) from None
    with app.uow.transaction(customer.id) as conn:
        rows = list_signals(conn, args.product, args.limit, "all" if args.all else "open")
    items = [signal_document(r) for r in rows]
    emit(args, items, render(items))


def signal_document(row: dict) -> dict:
    """One signal row as its JSON document: contract keys first, JSON-native values."""
    return {k: plain(row.get(k)) for k in CONTRACT_KEYS + EPISODE_KEYS + EXTRA_KEYS}


def render(items: list[dict]) -> str:
    """A table plus one summary line per signal, for a person."""
    if not items:
        return "no signals"
    lines = [table(items, TABLE_COLUMNS), ""]
    lines += [f"- [{i['severity_label']}] {i['summary']}" for i in items]
    return "\n".join(lines)
