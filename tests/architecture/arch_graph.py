"""The import graph of ``src/risk_manager``, read from the source (AST, nothing is imported).

Every import counts: module level, under ``if TYPE_CHECKING:``, and inside functions, because each of them
is a dependency a reader must follow. ``from pkg import name`` where ``name`` is a submodule is an edge to
that submodule; relative imports are resolved against the importing module's package. Importing
``a.b.c`` is an edge to ``a.b.c`` only (not to the packages ``a`` and ``a.b`` it passes through): a
package ``__init__`` that re-exports its submodules is not a cycle.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src"
PACKAGE = "risk_manager"


@dataclass(frozen=True)
class Module:
    name: str
    path: Path
    is_package: bool

    @property
    def package(self) -> str:
        """The package relative imports in this module resolve against."""
        return self.name if self.is_package else self.name.rpartition(".")[0]


def _module_name(path: Path) -> tuple[str, bool]:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    is_package = parts[-1] == "__init__"
    if is_package:
        parts.pop()
    return ".".join(parts), is_package


@cache
def modules() -> Mapping[str, Module]:
    found = {}
    for path in sorted((SRC / PACKAGE).rglob("*.py")):
        name, is_package = _module_name(path)
        found[name] = Module(name, path, is_package)
    return found


@cache
def tree(name: str) -> ast.Module:
    mod = modules()[name]
    return ast.parse(mod.path.read_text(encoding="utf-8"), filename=str(mod.path))


def _known(name: str) -> str | None:
    """The longest prefix of ``name`` that is one of our modules (``pkg.mod.Class`` -> ``pkg.mod``)."""
    mods = modules()
    while name:
        if name in mods:
            return name
        name = name.rpartition(".")[0]
    return None


def _resolve_from(mod: Module, node: ast.ImportFrom) -> str:
    if node.level == 0:
        return node.module or ""
    base = mod.package.split(".")
    if node.level > 1:
        base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def imports_of(name: str) -> Iterator[tuple[str, int]]:
    """(imported module, line) for every import in module ``name`` that names one of our modules."""
    return imports_in(modules()[name], tree(name))


def imports_in(mod: Module, source: ast.Module) -> Iterator[tuple[str, int]]:
    for node in ast.walk(source):
        if isinstance(node, ast.Import):
            for alias in node.names:
                target = _known(alias.name)
                if target:
                    yield target, node.lineno
        elif isinstance(node, ast.ImportFrom):
            base = _resolve_from(mod, node)
            for alias in node.names:
                target = _known(f"{base}.{alias.name}") if alias.name != "*" else None
                target = target or _known(base)
                if target:
                    yield target, node.lineno


@cache
def graph() -> Mapping[str, frozenset[str]]:
    return {name: frozenset(t for t, _ in imports_of(name) if t != name) for name in modules()}


def strongly_connected(edges: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative (no recursion limit); components of one node without a self-loop are
    left out, so the result is exactly the import cycles."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for root in sorted(edges):
        if root in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(root, iter(sorted(edges[root])))]
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
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in edges.get(node, ()):
                    found.append(sorted(component))
    return sorted(found)
