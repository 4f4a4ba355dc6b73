"""What every command shares for its result: JSON or human output, and the bad-input error.

It lives below cli.py so command modules import it at top level without importing the
parser that imports them.
"""

from __future__ import annotations

import json

EXIT_OK, EXIT_FAILURE, EXIT_BAD_INPUT = 0, 1, 2


class BadInput(Exception):
    """The user's input is wrong (exit code 2)."""


def emit(args, document, human=None) -> None:
    """Print `document` as JSON with --json, else the human rendering (or JSON)."""
    if getattr(args, "json", False) or human is None:
        print(json.dumps(document, indent=2, default=str))
    else:
        print(human)
