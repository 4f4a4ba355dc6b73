"""The `upstream` command. `--json` prints one JSON document on stdout; logs go to stderr.

Exit codes: 0 success, 2 bad input, 1 failure.
"""

from __future__ import annotations

import argparse
import sys
import warnings

from common.commands import (
    admin,
    api_tools,
    backtest,
    bench,
    dlq,
    ingest,
    local,
    mappings,
    ops,
    rollups,
    signals,
)
from common.commands.output import EXIT_BAD_INPUT, EXIT_FAILURE, EXIT_OK, BadInput
from common.db.embedded import EmbeddedUnavailable

# Registration order is the order of `upstream --help`.
COMMAND_GROUPS = (
    local,
    ingest,
    admin,
    mappings,
    dlq,
    bench,
    ops,
    signals,
    rollups,
    api_tools,
    backtest,
)


def build_parser() -> argparse.ArgumentParser:
    """The full command tree; each module adds its own subcommands."""
    parser = argparse.ArgumentParser(prog="upstream", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMAND_GROUPS:
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script."""
    warnings.filterwarnings("ignore", category=Warning, module="platformdirs")
    args = build_parser().parse_args(argv)
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
