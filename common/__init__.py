"""Upstream: early-warning payer intelligence (importable package `common`)."""
