"""The `upstream` command. `--json` prints one JSON document on stdout; logs go to stderr.

Exit codes: 0 success, 2 bad input, 1 failure.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import warnings

from common.commands.output import EXIT_BAD_INPUT, EXIT_FAILURE, EXIT_OK, BadInput
from common.db.embedded_root import EmbeddedUnavailable

# Every command: its name, the module under common/commands that registers it, its one-line help.
# The order is the order of `upstream --help`. Only the module of the command being run is
# imported (its services, SQLAlchemy, the tooling); the others appear by name and help alone, so
# `upstream --help` and a small command start in a fraction of the full import. A test checks
# this table against what the modules register.
COMMANDS = (
    ("demo", "local", "run the whole pipeline on synthetic claims"),
    ("serve", "local", "run every function on one port with the bucket watcher"),
    ("ingest", "ingest", "load a claim file through the pipeline"),
    ("uploads", "ingest", "upload bookkeeping"),
    ("x12", "x12", "X12 835 tools: strict validation against the guide"),
    ("customers", "admin", "tenants"),
    ("users", "admin", "users"),
    ("migrate", "admin", "apply database migrations"),
    ("mappings", "mappings", "per-customer mappings"),
    ("dlq", "dlq", "dead letters"),
    ("bench", "bench", "benchmarks"),
    ("recompute", "ops", "recompute signals for one or every active customer"),
    ("alerts", "ops", "alerts with status, signal and delivery outcome"),
    ("report", "ops", "write the weekly report (PDF + CSV) to the reports store"),
    ("signals", "signals", "a customer's open signal episodes, latest first"),
    ("rollups", "rollups", "check the signal rollups against the claim lines"),
    ("token", "api_tools", "log in; the password is read from stdin"),
    ("openapi", "api_tools", "print the API's OpenAPI 3.1 document"),
    ("backtest", "backtest", "detection quality on labelled synthetic scenarios"),
)


def command_module(module: str):
    """The command module `common.commands.<module>`, imported on first use."""
    return importlib.import_module(f"common.commands.{module}")


def build_parser(argv: list[str] | None = None, *, full: bool = False) -> argparse.ArgumentParser:
    """The command tree: the module of the command named in `argv` registers its subcommands
    (every module when `full`); the other commands are listed by name and help."""
    parser = argparse.ArgumentParser(prog="upstream", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    named = next((a for a in argv or () if not a.startswith("-")), None)
    wanted = {module for name, module, _ in COMMANDS if full or name == named}
    registered = set()
    for name, module, help_text in COMMANDS:
        if module not in wanted:
            sub.add_parser(name, help=help_text)
        elif module not in registered:  # a module registers all its commands, in table order
            command_module(module).register(sub)
            registered.add(module)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script."""
    warnings.filterwarnings("ignore", category=Warning, module="platformdirs")
    argv = sys.argv[1:] if argv is None else argv
    args = build_parser(argv).parse_args(argv)
    try:
        code = args.handler(args)
    except BadInput as exc:
        print(f"upstream: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except EmbeddedUnavailable as exc:  # the machine, not the input: one line, no traceback
        print(f"upstream: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        return EXIT_FAILURE
    return EXIT_OK if code is None else code


if __name__ == "__main__":
    # BadInput lives in common.commands.output, so `python -m common.cli` (this file run as
    # __main__) catches the same class the commands raise; no re-import of itself is needed.
    sys.exit(main())
