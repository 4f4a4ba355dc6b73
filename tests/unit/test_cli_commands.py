"""The `upstream` parser: its command table agrees with the modules, and a command imports only
its own module (issue 13 item 5: start-up cost)."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

from common.cli import COMMANDS, build_parser

REPO = Path(__file__).resolve().parents[2]


def _commands(parser: argparse.ArgumentParser) -> list[tuple[str, str]]:
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return [(choice.dest, choice.help) for choice in sub._choices_actions]


def test_the_table_lists_what_the_modules_register_in_order():
    assert _commands(build_parser(full=True)) == [(name, help) for name, _, help in COMMANDS]


def test_a_named_command_gets_its_real_subcommands():
    args = build_parser(["customers", "create", "acme"]).parse_args(["customers", "create", "acme"])
    assert args.slug == "acme" and callable(args.handler)


def _loaded_after(argv: list[str]) -> dict:
    probe = (
        "import json, sys\n"
        "from common.cli import build_parser\n"
        f"build_parser({argv!r})\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, check=True
    )
    return set(json.loads(result.stdout))


def test_the_top_level_help_imports_no_command_module_and_no_sqlalchemy():
    loaded = _loaded_after(["--help"])
    assert not {m for m in loaded if m.startswith(("common.commands.", "sqlalchemy"))} - {
        "common.commands.output"
    }


def test_a_command_imports_its_module_only():
    loaded = _loaded_after(["customers", "create", "acme"])
    assert "common.commands.admin" in loaded
    assert not {m for m in loaded if m.startswith(("common.devtools", "scipy", "matplotlib"))}
    assert "common.commands.backtest" not in loaded and "common.commands.local" not in loaded
