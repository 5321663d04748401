"""The package's import structure: no import cycles, no web or database code in ``freight``.

A small AST walk (no import is executed) reads every ``import`` statement of every module
under ``freight/`` - at module level and inside functions, where cycles hide - and builds
the graph of imports between ``freight`` modules.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "freight"
#: Top-level packages the domain package must never import (it is used without the API).
FORBIDDEN = ("fastapi", "sqlalchemy", "starlette", "api", "alembic", "uvicorn")


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _imported(
    path: Path, name: str, modules: frozenset[str] = frozenset()
) -> list[tuple[str, int]]:
    """(imported module, line) for every import statement in the file.

    ``from p import x`` names ``p.x`` when that is one of ``modules`` (a submodule),
    otherwise ``p``; relative imports are resolved against the file's package.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: list[tuple[str, int]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                out.append((sub if sub in modules else base, node.lineno))
    return out


def import_graph() -> dict[str, set[str]]:
    """Edges ``a -> b`` between ``freight`` modules, one per import statement."""
    mods = _modules()
    known = frozenset(mods)
    graph: dict[str, set[str]] = {m: set() for m in mods}
    for name, path in mods.items():
        for target, _ in _imported(path, name, known):
            if target in mods and target != name:
                graph[name].add(target)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                comp = []
                while True:
                    top = stack.pop()
                    on_stack.discard(top)
                    comp.append(top)
                    if top == node:
                        break
                if len(comp) > 1:
                    found.append(sorted(comp))
    return found


def test_the_cycle_finder_finds_a_cycle_and_accepts_a_tree() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b", "c"}, "b": {"c"}, "c": set()}) == []


def test_relative_and_function_level_imports_are_read(tmp_path: Path) -> None:
    pkg = tmp_path / "freight" / "sub"
    pkg.mkdir(parents=True)
    src = pkg / "mod.py"
    src.write_text(
        "def f():\n    from . import other\n    from .other import g\n    import freight.errors\n"
    )
    got = {t for t, _ in _imported(src, "freight.sub.mod", frozenset({"freight.sub.other"}))}
    assert got == {"freight.sub.other", "freight.errors"}


def test_freight_has_no_import_cycles() -> None:
    graph = import_graph()
    assert len(graph) > 50  # the walk really found the package
    found = cycles(graph)
    assert not found, "import cycles in freight/: " + "; ".join(" <-> ".join(c) for c in found)


_TYPE_CHECKING = ("TYPE_CHECKING", "typing.TYPE_CHECKING")


def _module_level(path: Path) -> set[int]:
    """Lines of the import statements executed on import (not inside a function, not under
    ``if TYPE_CHECKING:``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    lines: set[int] = set()

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                continue
            if isinstance(child, ast.If) and ast.unparse(child.test) in _TYPE_CHECKING:
                visit(ast.Module(body=child.orelse, type_ignores=[]))  # the body never runs
                continue
            if isinstance(child, ast.Import | ast.ImportFrom):
                lines.add(child.lineno)
            visit(child)

    visit(tree)
    return lines


def test_only_imports_that_run_on_import_count_as_eager(tmp_path: Path) -> None:
    src = tmp_path / "m.py"
    src.write_text(
        "from typing import TYPE_CHECKING\n"
        "import json\n"
        "if TYPE_CHECKING:\n    import fastapi\n"
        "def f():\n    import sqlalchemy\n"
        "try:\n    import api\nexcept ImportError:\n    pass\n"
    )
    assert _module_level(src) == {1, 2, 8}


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=_module_name)
def test_freight_imports_no_web_or_database_code(path: Path) -> None:
    """The domain package never imports the service; ``freight.cli`` (an adapter like
    ``api/``: ``freight serve`` and ``freight keys`` drive the service) only inside the
    command functions, so importing the CLI loads none of it."""
    name = _module_name(path)
    adapter = name.startswith("freight.cli")
    eager = _module_level(path)
    bad = [
        f"{path.relative_to(PACKAGE.parent)}:{line} imports {target}"
        for target, line in _imported(path, name)
        if target.split(".")[0] in FORBIDDEN and (not adapter or line in eager)
    ]
    assert not bad, "; ".join(bad)


def test_importing_all_of_freight_loads_no_web_or_database_module() -> None:
    """Import every module of the package (CLI included) in a fresh interpreter."""
    names = sorted(_modules())
    code = (
        "import importlib, sys\n"
        f"for n in {names!r}:\n"
        "    importlib.import_module(n)\n"
        f"bad = sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r})\n"
        "print(','.join(bad))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(PACKAGE.parent)}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == ""
