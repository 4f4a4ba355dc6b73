"""`upstream backtest`: detection quality on labelled synthetic scenarios (issue 11, SPEC §3).

Several customers with eight months of claim lines and injected changes of known size and
onset are loaded through the real ingest path, then replayed one day at a time: each day's
newly known lines (decisions of that day, payment updates of that day) are ingested, the three
products run for the next day's as_of, and alert dispatch handles what they raised. Scoring
compares what fired with what was injected.

- `scenarios`: the labelled plan (customers, payers × CPT groups, changes) from a seed;
- `claims`: the claim lines a scenario implies, and which of them are known on a day;
- `loading`: files into the Ingestor, the tenant's outbox, the as-of data guarantee;
- `runner`: the day-by-day replay and what it left in the signals and alerts tables;
- `scoring` and `report`: the numbers, as a JSON document and as tables.
"""

from common.devtools.backtest.runner import BacktestOptions, run_backtest

__all__ = ["BacktestOptions", "run_backtest"]
