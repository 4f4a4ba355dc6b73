"""Use cases: ingest, signals, alerts, queries, auth. The caller owns the transaction."""
