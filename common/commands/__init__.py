"""Subcommands of the `upstream` CLI, one module per group."""
