"""The `upstream` command. `--json` prints one JSON document on stdout; logs go to stderr.

Exit codes: 0 success, 2 bad input, 1 failure.
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings

from common.commands import (
    admin,
    api_tools,
    bench_ingest,
    bench_signals,
    dlq,
    ingest,
    local,
    ops,
    signals,
)

EXIT_OK, EXIT_FAILURE, EXIT_BAD_INPUT = 0, 1, 2


class BadInput(Exception):
    """The user's input is wrong (exit code 2)."""


def build_parser() -> argparse.ArgumentParser:
    """The full command tree; each module adds its own subcommands."""
    parser = argparse.ArgumentParser(prog="upstream", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in (local, ingest, admin, dlq, bench_ingest, ops, signals, bench_signals, api_tools):
        module.register(sub)
    return parser


def emit(args, document, human=None) -> None:
    """Print `document` as JSON with --json, else the human rendering (or JSON)."""
    if getattr(args, "json", False) or human is None:
        print(json.dumps(document, indent=2, default=str))
    else:
        print(human)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script."""
    warnings.filterwarnings("ignore", category=Warning, module="platformdirs")
    args = build_parser().parse_args(argv)
    try:
        code = args.handler(args)
    except BadInput as exc:
        print(f"upstream: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return EXIT_FAILURE
    return EXIT_OK if code is None else code


if __name__ == "__main__":
    # Run the importable module's main so `python -m common.cli` shares its exception classes.
    from common.cli import main as _main

    sys.exit(_main())
