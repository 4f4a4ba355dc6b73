"""`upstream bench ingest|signals|api`: thin wrappers over common/devtools/bench."""

from __future__ import annotations

from common.commands.output import emit
from common.commands.runtime import ready


def register(sub) -> None:
    """Add the bench group and its three benchmarks."""
    bench = sub.add_parser("bench", help="benchmarks").add_subparsers(dest="bench", required=True)
    p = bench.add_parser("ingest", help="ingest N synthetic rows end to end vs a raw COPY")
    p.add_argument("--rows", type=int, default=1_000_000, help="rows (835: service lines)")
    p.add_argument("--format", choices=("csv", "835"), default="csv")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=run_ingest)
    p = bench.add_parser("signals", help="time the three products on N claims")
    p.add_argument("--rows", type=int, default=1_000_000)
    p.add_argument("--repeat", type=int, default=3, help="timed runs (median reported)")
    p.add_argument("--reuse", action="store_true", help="reuse a bench tenant of that size")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=run_signals)
    p = bench.add_parser("api", help="latency of the HTTP API on N claims")
    p.add_argument("--rows", type=int, default=1_000_000)
    p.add_argument("--seconds", type=float, default=20.0, help="load per endpoint")
    p.add_argument("--clients", type=int, default=4, help="concurrent client processes")
    p.add_argument("--reuse", action="store_true", help="reuse a bench tenant of that size")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=run_api)


def _lines(result: dict) -> str:
    return "\n".join(f"{k}: {v}" for k, v in result.items())


# The benchmarks are imported by the handler that runs them: `upstream --help` and every other
# command stay free of the tooling (and of the local extra it needs, psutil).
def run_ingest(args) -> int:
    """`bench ingest`: ingest vs the raw-COPY floor (`--format 835`: and vs the CSV path)."""
    if args.format == "835":
        from common.devtools.bench.ingest_835 import bench_ingest_835 as bench
    else:
        from common.devtools.bench.ingest import bench_ingest as bench

    result = bench(ready(), args.rows)
    emit(args, result, _lines(result))
    return 0


def run_signals(args) -> int:
    """`bench signals`: the three products on N claims vs the seed-style loops."""
    from common.devtools.bench.signals import bench_signals

    result = bench_signals(ready(), args.rows, args.repeat, args.reuse)
    emit(args, result, _lines(result))
    return 0


def run_api(args) -> int:
    """`bench api`: p50/p95/p99 and requests/s per endpoint."""
    from common.devtools.bench.api import bench_api, render

    result = bench_api(ready(), args.rows, args.seconds, args.clients, args.reuse)
    emit(args, result, render(result))
    return 0
