"""No two modules of the package import each other, directly or round a loop: the layers read
top down (domain, use cases, adapters, tooling), and a port never imports a use case.

Imports at the top of a module count, those under `TYPE_CHECKING` too. An import inside a
function loads late on purpose (a cold start does not pay for it) and may close a loop only where
it is listed in `DEFERRED`.
"""

from __future__ import annotations

import ast
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared"

# None today: a customer's reply (`replies`) sits above both intake and the staff steps.
DEFERRED: set[frozenset[str]] = set()


def _modules() -> dict[str, Path]:
    found = {}
    for path in SHARED.joinpath("sla_monitor").rglob("*.py"):
        parts = path.relative_to(SHARED).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def _imports(tree: ast.AST, modules: dict[str, Path], *, in_functions: bool) -> set[str]:
    named: set[str] = set()
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and not in_functions:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                named.add(submodule if submodule in modules else node.module)
        elif isinstance(node, ast.Import):
            named.update(alias.name for alias in node.names)
        named |= _imports(node, modules, in_functions=in_functions)
    return named & modules.keys()


def _circles(*, in_functions: bool) -> set[frozenset[str]]:
    modules = _modules()
    graph = {
        name: _imports(ast.parse(path.read_text()), modules, in_functions=in_functions) - {name}
        for name, path in modules.items()
    }

    def reachable(start: str) -> set[str]:
        seen: set[str] = set()
        todo = [start]
        while todo:
            for imported in graph[todo.pop()]:
                if imported not in seen:
                    seen.add(imported)
                    todo.append(imported)
        return seen

    reach = {name: reachable(name) for name in graph}
    return {
        frozenset({name} | {other for other in reach[name] if name in reach[other]})
        for name in graph
        if name in reach[name]
    }


def test_no_module_imports_itself_round_a_loop_at_import():
    assert _circles(in_functions=False) == set()


def test_an_import_inside_a_function_closes_no_loop_but_the_known_one():
    assert _circles(in_functions=True) <= DEFERRED


def test_what_lambda_runs_never_loads_moto_or_the_local_tooling():
    """The layer carries `sla_monitor` alone: moto and `sla_monitor_local` (demo, local stack,
    emulator fixes, seeding) are for a person's own computer. Only the command line's local
    commands reach for the local tooling."""
    for name, path in _modules().items():
        imported = _imported_names(ast.parse(path.read_text()))
        assert not any(n == "moto" or n.startswith("moto.") for n in imported), name
        if not name.startswith("sla_monitor.cli."):
            assert not any(n.startswith("sla_monitor_local") for n in imported), name


def _imported_names(tree: ast.AST) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names
