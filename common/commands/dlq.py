"""`upstream dlq list|show ID|replay ID|purge` for on-call."""

from __future__ import annotations

from common.commands.output import BadInput, emit
from common.commands.runtime import ready, table


def register(sub) -> None:
    """Add the dead-letter subcommands."""
    dlq = sub.add_parser("dlq", help="dead letters").add_subparsers(dest="action", required=True)
    for name, needs_id, help_text in (
        ("list", False, "dead letters with attempts, last error and age"),
        ("show", True, "one dead letter with its payload"),
        ("replay", True, "redeliver one dead letter"),
        ("purge", False, "drop every dead letter"),
    ):
        p = dlq.add_parser(name, help=help_text)
        if needs_id:
            p.add_argument("id")
        p.add_argument("--json", action="store_true")
        p.set_defaults(handler=run, action=name)


def run(args) -> int | None:
    """Dispatch to the backend's dead-letter store."""
    app = ready()
    store = app.dead_letters
    try:
        if args.action == "list":
            letters = store.list()
            emit(
                args,
                letters,
                table(
                    letters,
                    ["id", "subscription", "event_type", "attempts", "age_seconds", "last_error"],
                ),
            )
        elif args.action == "show":
            emit(args, store.show(args.id))
        elif args.action == "replay":
            message_id = store.replay(args.id)
            if app.settings.is_local:
                app.bus.drain()
            emit(
                args,
                {"replayed": args.id, "message_id": message_id, "remaining": len(store.list())},
                f"replayed {args.id} as {message_id}",
            )
        else:
            count = store.purge()
            emit(args, {"purged": count}, f"purged {count} dead letters")
    except KeyError as exc:
        raise BadInput(f"no dead letter {exc.args[0]}") from None
    return None
