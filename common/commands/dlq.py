"""`upstream dlq list|show ID|replay ID|purge` for on-call.

On-call sees two kinds of letters in one list, in both backends: the bus's dead letters
(the local table, or Pub/Sub's `<subscription>-dlq` subscriptions) and the bad messages
consumers recorded in Postgres (`kind` says which). A replay goes back to the consumer the
letter came from and marks nothing unless it was redelivered.
"""

from __future__ import annotations

from common.commands.output import BadInput, emit
from common.commands.runtime import ready, table
from common.services.bad_messages import RecordedBadMessages, ReplayError


def register(sub) -> None:
    """Add the dead-letter subcommands."""
    dlq = sub.add_parser("dlq", help="dead letters").add_subparsers(dest="action", required=True)
    for name, needs_id, help_text in (
        ("list", False, "dead letters and recorded bad messages with attempts, error and age"),
        ("show", True, "one dead letter with its payload"),
        ("replay", True, "redeliver one dead letter to the consumer it came from"),
        ("purge", False, "drop every dead letter and recorded bad message"),
    ):
        p = dlq.add_parser(name, help=help_text)
        if needs_id:
            p.add_argument("id")
        p.add_argument("--json", action="store_true")
        p.set_defaults(handler=run, action=name)


class DeadLetterView:
    """Several DeadLetterStores as one; each letter id belongs to exactly one store."""

    def __init__(self, *stores) -> None:
        self.stores = stores

    def list(self) -> list[dict]:
        """Every store's letters, oldest first."""
        letters = [letter for store in self.stores for letter in store.list()]
        return sorted(letters, key=lambda letter: -letter["age_seconds"])

    def show(self, letter_id: str) -> dict:
        """The letter from the store that holds it (KeyError when none does)."""
        return self._first(lambda store: store.show(letter_id), letter_id)

    def replay(self, letter_id: str) -> str:
        """Replay through the store that holds the letter."""
        return self._first(lambda store: store.replay(letter_id), letter_id)

    def purge(self) -> int:
        """Purge every store; the total."""
        return sum(store.purge() for store in self.stores)

    def _first(self, action, letter_id: str):
        for store in self.stores:
            try:
                return action(store)
            except KeyError:
                continue
        raise KeyError(letter_id)


def dead_letter_view(app) -> DeadLetterView:
    """The backend's dead letters plus the bad messages consumers recorded."""
    recorded = RecordedBadMessages(app.uow, app.redeliver_to_subscription, app.function_apps)
    return DeadLetterView(app.dead_letters, recorded)


def run(args) -> int | None:
    """Dispatch to the dead-letter stores."""
    app = ready()
    store = dead_letter_view(app)
    try:
        if args.action == "list":
            letters = store.list()
            emit(
                args,
                letters,
                table(
                    letters,
                    [
                        "id",
                        "kind",
                        "subscription",
                        "event_type",
                        "attempts",
                        "age_seconds",
                        "last_error",
                    ],
                ),
            )
        elif args.action == "show":
            emit(args, store.show(args.id))
        elif args.action == "replay":
            message_id = store.replay(args.id)
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
    except ReplayError as exc:
        raise BadInput(str(exc)) from None
    return None
