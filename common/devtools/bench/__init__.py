"""Benchmarks: each takes a ready container and returns one JSON-able result with the machine it
ran on; `upstream bench ingest|signals|api` (common/commands/bench.py) only parses and prints."""
