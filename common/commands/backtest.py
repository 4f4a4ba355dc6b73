"""`upstream backtest [--json] [--seed N] [--days 28] [--customers N]`: detection quality on
labelled synthetic scenarios, replayed day by day (common/devtools/backtest)."""

from __future__ import annotations

import logging
import sys

from common.commands.output import BadInput, emit
from common.commands.runtime import ready, table
from common.devtools.backtest import BacktestOptions, run_backtest
from common.devtools.backtest.report import render, targets
from common.devtools.machine import machine_info


def register(sub) -> None:
    """Add the backtest subcommand."""
    p = sub.add_parser("backtest", help="detection quality on labelled synthetic scenarios")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--days", type=int, default=28, help="days replayed from the onset (1-28)")
    p.add_argument("--customers", type=int, default=10, help="scenarios, two without change")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.set_defaults(handler=run)


def run(args) -> int:
    """Replay the scenarios on new tenants, print the scores."""
    if not 1 <= args.days <= 28 or args.customers < 1:
        raise BadInput("--days must be within 1-28 and --customers at least 1")
    app = ready()
    common_log = logging.getLogger("common")
    level = common_log.level
    common_log.setLevel(logging.WARNING)  # a replay logs every run: thousands of info lines
    try:
        document = run_backtest(
            app,
            BacktestOptions(
                seed=args.seed,
                days=args.days,
                customers=args.customers,
                progress=lambda line: print(line, file=sys.stderr, flush=True),
            ),
        )
    finally:
        common_log.setLevel(level)
    document["targets"] = targets(document)
    document["machine"] = machine_info(app.engine)
    emit(args, document, render(document, table))
    return 0
