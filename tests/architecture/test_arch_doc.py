"""ARCHITECTURE.md stays true: every ``path.py:Name`` it cites is defined there, every package has a row in
its table and in the layer test's, and every file it links to exists."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import arch_graph as g
from test_arch_layers import LAYERS

DOC = g.ROOT / "ARCHITECTURE.md"
PKG = g.SRC / g.PACKAGE
CITE = re.compile(r"([\w/]+\.py):([A-Za-z_][\w.]*)")
LINK = re.compile(r"\]\(([^)#\s]+)\)")
# Links to pages other work in progress adds (the rule registry's guide). Each entry must still be missing:
# once the page exists the test fails until the entry is deleted.
PENDING: set[str] = set()


def defined(path: Path) -> set[str]:
    """Every dotted name a module defines: functions, classes, and their methods / nested functions."""
    names: set[str] = set()

    def visit(body: list[ast.stmt], prefix: str) -> None:
        for node in body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                names.add(prefix + node.name)
                visit(node.body, f"{prefix}{node.name}.")

    visit(ast.parse(path.read_text(encoding="utf-8")).body, "")
    return names


def cited(text: str) -> list[tuple[str, str]]:
    return CITE.findall(text)


def test_every_cited_function_exists() -> None:
    cites = cited(DOC.read_text(encoding="utf-8"))
    assert len(cites) >= 15, "the event trace names its files and functions"
    missing = []
    for rel, name in cites:
        path = PKG / rel
        if not path.is_file():
            missing.append(f"{rel} (no such file under src/risk_manager)")
        elif name not in defined(path):
            missing.append(f"{rel}:{name}")
    assert not missing, "ARCHITECTURE.md cites what is not there:\n" + "\n".join(missing)


def test_every_plain_path_exists() -> None:
    text = DOC.read_text(encoding="utf-8")
    paths = set(re.findall(r"`([\w/]+\.py)`", text))
    gone = [p for p in paths if not ((PKG / p).is_file() or (g.ROOT / p).is_file())]
    assert not gone, f"ARCHITECTURE.md names files that do not exist: {gone}"


def test_every_package_has_a_row_in_the_table() -> None:
    text = DOC.read_text(encoding="utf-8")
    rows = set(re.findall(r"^\| `([\w/]+)/` \|", text, re.MULTILINE))
    packages = {p.replace(".", "/") for p in LAYERS if p}
    assert rows == packages, f"table rows {sorted(rows ^ packages)} differ from the layer test's packages"


def test_every_link_resolves() -> None:
    links = {link for link in LINK.findall(DOC.read_text(encoding="utf-8")) if "://" not in link}
    missing = {link for link in links if not (g.ROOT / link).exists()}
    assert missing == PENDING & links, f"broken: {missing - PENDING}; now there: {PENDING - missing}"


def test_the_checks_can_fail() -> None:
    assert cited("see `engine/engine.py:Engine.handle` and `x.py:f`") == [
        ("engine/engine.py", "Engine.handle"), ("x.py", "f")]
    names = defined(PKG / "engine" / "engine.py")
    assert "Engine.handle" in names and "Engine.no_such_method" not in names
