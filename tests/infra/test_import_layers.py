"""The import layers of DESIGN §2, read from the source (AST, nothing is imported).

Every `import` counts, at module level or inside a function: a function-level import only
delays a cycle to the first call, it does not remove it. Imports under `if TYPE_CHECKING:`
never run and are left out.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
ROOTS = ("common", "functions")
# The adapters and everything below them never reach up into the entry points.
LOWER_LAYERS = ("common.domain", "common.services", "common.db", "common.bus", "common.storage")
UPPER_LAYERS = ("common.commands", "common.cli", "common.web", "common.local")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {
        _module_name(path): path
        for root in ROOTS
        for path in sorted((REPO / root).rglob("*.py"))
        if ".venv" not in path.parts
    }


MODULES = _modules()


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _import_nodes(tree: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import statement, at any depth, except those guarded by TYPE_CHECKING."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _is_type_checking(node):
            stack.extend(node.orelse)
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        stack.extend(ast.iter_child_nodes(node))


def _imported(module: str, node: ast.Import | ast.ImportFrom) -> Iterator[str]:
    """The project modules one statement loads (a `from pkg import sub` loads pkg.sub)."""
    if isinstance(node, ast.Import):
        targets = [alias.name for alias in node.names]
    else:
        base = node.module or ""
        if node.level:  # relative: resolve against the importing module's package
            package = module.split(".")
            if MODULES[module].name != "__init__.py":
                package.pop()
            package = package[: len(package) - (node.level - 1)]
            base = ".".join(package + ([base] if base else []))
        targets = [
            f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names
        ]
    for target in targets:
        # Importing a.b.c also runs a.b's __init__ (unless the importer lives inside it). A
        # module importing itself (the `python -m` idiom) is not an import-order cycle.
        parts = target.split(".")
        for i in range(1, len(parts) + 1):
            name = ".".join(parts[:i])
            if name in MODULES and name != module and not module.startswith(name + "."):
                yield name


def _graph() -> dict[str, set[str]]:
    graph = {}
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text(), str(path))
        graph[module] = {t for node in _import_nodes(tree) for t in _imported(module, node)}
    return graph


GRAPH = _graph()


def _cycles(graph: dict[str, set[str]]) -> list[str]:
    """One cycle path per strongly connected group of modules (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: list[str] = []
    groups: list[set[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        on_stack.append(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    group = set(on_stack[on_stack.index(node) :])
                    del on_stack[on_stack.index(node) :]
                    if len(group) > 1:
                        groups.append(group)
            elif child not in index:
                index[child] = low[child] = len(index)
                on_stack.append(child)
                work.append((child, iter(sorted(graph[child]))))
            elif child in on_stack:
                low[node] = min(low[node], index[child])
    return [
        " -> ".join(_path_through(graph, g)) + f" ({len(g)} modules in the loop: {sorted(g)})"
        for g in groups
    ]


def _path_through(graph: dict[str, set[str]], group: set[str]) -> list[str]:
    """A shortest cycle from the group's first module back to itself (breadth first)."""
    start = min(group)
    came_from: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for child in sorted(graph[node] & group):
                if child == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(came_from[path[-1]])
                    return [start, *reversed(path[:-1]), start]
                if child not in came_from:
                    came_from[child] = node
                    following.append(child)
        frontier = following
    raise AssertionError(f"no cycle in {group}")  # unreachable for a Tarjan group


def _within(module: str, packages: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in packages)


def test_the_walk_found_the_package():
    assert "common.cli" in GRAPH and "common.web.routes" in GRAPH
    assert any(name.startswith("functions.") for name in GRAPH)


def test_no_import_cycles_in_common():
    common = {
        m: {t for t in ts if _within(t, ("common",))}
        for m, ts in GRAPH.items()
        if _within(m, ("common",))
    }
    cycles = _cycles(common)
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


def test_lower_layers_never_import_the_entry_points():
    found = [
        f"{module} imports {target}"
        for module, targets in sorted(GRAPH.items())
        if _within(module, LOWER_LAYERS)
        for target in sorted(targets)
        if _within(target, UPPER_LAYERS)
    ]
    assert not found, "a lower layer imports an entry point:\n" + "\n".join(found)


# Backend choices are made in the composition root (structure review, "Backend choices"):
# everything else asks the container or its adapters what it needs to know.
BACKEND_CHOOSERS = {"common.config", "common.bootstrap"}


def test_only_config_and_bootstrap_ask_which_backend_runs():
    readers = []
    for module, path in MODULES.items():
        if module in BACKEND_CHOOSERS:
            continue
        tree = ast.parse(path.read_text(), str(path))
        readers += [
            f"{module}:{node.lineno}"
            for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and node.attr == "is_local"
        ]
    assert readers == []


# The product (what the functions deploy) never reaches the tooling (DESIGN §2: devtools is
# demo data, benchmarks and machine facts, wrapped by the `upstream demo|bench|backtest`
# commands); the tooling sits above the services and below the commands.
PRODUCT = (
    "common.domain",
    "common.services",
    "common.db",
    "common.bus",
    "common.storage",
    "common.web",
    "common.bootstrap",
    "common.config",
    "common.topology",
    "common.triggers",
    "common.logs",
    "functions",
)
TOOLING = ("common.devtools",)


def test_the_product_never_imports_the_tooling():
    assert any(_within(m, TOOLING) for m in GRAPH), "common/devtools was not found"
    found = [
        f"{module} imports {target}"
        for module, targets in sorted(GRAPH.items())
        if _within(module, PRODUCT)
        for target in sorted(targets)
        if _within(target, TOOLING)
    ]
    assert not found, "product code imports the tooling:\n" + "\n".join(found)


def test_the_tooling_never_imports_the_commands():
    found = [
        f"{module} imports {target}"
        for module, targets in sorted(GRAPH.items())
        if _within(module, TOOLING)
        for target in sorted(targets)
        if _within(target, ("common.commands", "common.cli"))
    ]
    assert not found, "common/devtools imports a command:\n" + "\n".join(found)


def test_no_tooling_is_left_among_the_commands():
    # Benchmarks, synthetic data and machine facts moved to common/devtools (issue 13 item 2).
    left = [m for m in GRAPH if m in {"common.synth", "common.commands.machine"}]
    left += [m for m in GRAPH if m.startswith("common.commands.bench_")]
    assert left == []
