"""No import cycle under src/risk_manager: the import graph is read from the AST (every import, including
``if TYPE_CHECKING:`` and function-local ones) and its strongly connected components must all be single
modules."""

from __future__ import annotations

import ast

import arch_graph as g

# Cycles other work in progress removes (issue 8 item 1). Each entry must still be needed: once the
# cycle is gone the test fails until the entry is deleted, so the list can only shrink.
KNOWN_CYCLES: dict[frozenset[str], str] = {}


def _allowed(cycle: frozenset[str]) -> bool:
    return any(cycle <= known for known in KNOWN_CYCLES)


def test_no_import_cycle_under_src() -> None:
    cycles = [frozenset(c) for c in g.strongly_connected(g.graph())]
    new = [sorted(c) for c in cycles if not _allowed(c)]
    assert not new, "import cycles:\n" + "\n".join(" <-> ".join(c) for c in new)


def test_every_known_cycle_is_still_there() -> None:
    cycles = [frozenset(c) for c in g.strongly_connected(g.graph())]
    stale = [sorted(k) for k in KNOWN_CYCLES if not any(c <= k for c in cycles)]
    assert not stale, f"these cycles are gone: delete them from KNOWN_CYCLES: {stale}"


def test_the_graph_covers_every_module_and_sees_real_edges() -> None:
    mods = g.modules()
    assert len(mods) > 200 and "risk_manager.engine.engine" in mods and "risk_manager" in mods
    # a module-level import, a package import resolved to the package, a submodule named by `from pkg import`
    assert "risk_manager.domain.events" in g.graph()["risk_manager.engine.engine"]


def _edges(source: str, name: str = "risk_manager.service.fake", package: bool = False) -> set[str]:
    mod = g.Module(name, g.SRC / "fake.py", package)
    return {t for t, _ in g.imports_in(mod, ast.parse(source))}


def test_every_kind_of_import_is_an_edge() -> None:
    src = """
from typing import TYPE_CHECKING
import risk_manager.engine.engine
from . import plan
from .runner import ServiceError
from .. import domain
from ..daemon import options, NotAModule
if TYPE_CHECKING:
    from risk_manager.config import Config
def later():
    from risk_manager.daemon.prepare import prepare_daemon
"""
    assert _edges(src) == {
        "risk_manager.engine.engine", "risk_manager.service.plan", "risk_manager.service.runner",
        "risk_manager.domain", "risk_manager.daemon.options", "risk_manager.daemon",
        "risk_manager.config", "risk_manager.daemon.prepare"}
    # a package's own relative imports resolve inside it
    assert _edges("from .engine import Engine", "risk_manager.engine", package=True) == {
        "risk_manager.engine.engine"}


def test_tarjan_finds_every_cycle_and_nothing_else() -> None:
    edges = {"a": ["b"], "b": ["c"], "c": ["a", "d"], "d": ["e"], "e": ["d"], "f": ["f"], "g": ["a"], "h": []}
    assert g.strongly_connected(edges) == [["a", "b", "c"], ["d", "e"], ["f"]]
    # deep chains do not hit the recursion limit
    chain = {str(i): [str(i + 1)] for i in range(5000)} | {"5000": ["0"]}
    assert len(g.strongly_connected(chain)[0]) == 5001
