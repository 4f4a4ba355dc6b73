"""Thin triggers (DESIGN §2 and §6.1, issue 13 item 4), read from the source with `ast`.

Every CloudEvent function file decodes its event, calls one service and maps the result, in at
most 40 lines; the event types, decoders and the bad-message rule come from `common.triggers`,
so a file neither spells an event type nor records bad messages itself.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from common import topology

REPO = Path(__file__).resolve().parents[2]
MAX_LINES = 40
TRIGGERS = "common.triggers"
# What only common.triggers hands a function: the decoders and the bad-message recording.
BEHIND_TRIGGERS = {
    "common.services.bad_messages",
    "common.services.pubsub_event",
    "common.services.ingest.event",
}
BEHIND_TRIGGERS_NAMES = {"record_bad_message", "pubsub_message", "object_event"}


def _is_cloud_event(decorator: ast.expr) -> bool:
    return isinstance(decorator, ast.Attribute) and decorator.attr == "cloud_event"


def _cloud_event_files() -> dict[str, tuple[Path, ast.Module]]:
    found = {}
    for path in sorted((REPO / "functions").glob("*/main.py")):
        tree = ast.parse(path.read_text(), str(path))
        functions = [n for n in tree.body if isinstance(n, ast.FunctionDef)]
        if any(_is_cloud_event(d) for f in functions for d in f.decorator_list):
            found[path.parent.name] = (path, tree)
    return found


FILES = _cloud_event_files()
NAMES = sorted(FILES)


def test_every_cloudevent_consumer_of_the_topology_is_found():
    consumers = set(topology.STORAGE_TRIGGERED) | {s.function for s in topology.SUBSCRIPTIONS}
    assert set(FILES) == consumers


@pytest.mark.parametrize("name", NAMES)
def test_the_file_is_short(name):
    path, _ = FILES[name]
    assert len(path.read_text().splitlines()) <= MAX_LINES


@pytest.mark.parametrize("name", NAMES)
def test_trigger_helpers_come_from_common_triggers(name):
    _, tree = FILES[name]
    imports = [n for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    assert any(n.module == TRIGGERS for n in imports)
    around = [
        f"{n.module}.{a.name}"
        for n in imports
        if n.module != TRIGGERS
        for a in n.names
        if n.module in BEHIND_TRIGGERS or a.name in BEHIND_TRIGGERS_NAMES
    ]
    assert around == [], "import these through common.triggers"


@pytest.mark.parametrize("name", NAMES)
def test_no_event_type_is_spelled_in_the_file(name):
    _, tree = FILES[name]
    spelled = [
        n.value
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and "google.cloud." in n.value
    ]
    assert spelled == [], "use common.triggers.OBJECT_FINALIZED / MESSAGE_PUBLISHED"


@pytest.mark.parametrize("name", NAMES)
def test_bad_messages_are_recorded_by_the_one_helper_as_this_consumer(name):
    _, tree = FILES[name]
    [function] = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == name]
    assert not [n for n in ast.walk(function) if isinstance(n, ast.ExceptHandler)]
    calls = [
        item.context_expr
        for n in function.body
        if isinstance(n, ast.With)
        for item in n.items
        if isinstance(item.context_expr, ast.Call)
        and getattr(item.context_expr.func, "id", None) == "bad_messages_recorded"
    ]
    assert len(calls) == 1, "wrap the function's work in one `with bad_messages_recorded(...)`"
    consumer = calls[0].args[1]
    assert isinstance(consumer, ast.Constant) and consumer.value == name
