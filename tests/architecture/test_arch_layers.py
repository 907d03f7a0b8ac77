"""The one-way data flow, enforced per package: each package imports only the packages in its row (its
own modules are free). ARCHITECTURE.md explains the table; a new package needs a row here and a line there.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import arch_graph as g

ANY = frozenset({"*"})
# package -> the packages it may import. Read bottom-up: pure values and time, then rules, the engine, the
# executor and the broker port, and the programs that wire them.
LAYERS: dict[str, frozenset[str]] = {
    "clock": frozenset(),
    "schema": frozenset(),  # strict config value types, shared by config and the rules' own sections
    "domain": frozenset({"clock"}),
    "config": frozenset({"clock", "domain", "rules", "schema"}),  # rules: each rule owns its config section
    "rules": frozenset({"clock", "domain", "schema"}),
    "store": frozenset({"clock", "config", "domain"}),
    "engine": frozenset({"clock", "config", "domain", "rules", "store"}),
    "broker": frozenset({"clock", "domain"}),  # the port and the paper broker
    "broker.projectx": frozenset({"broker", "clock", "domain"}),  # the live adapter: the port's other side
    "enforcement": frozenset({"broker", "clock", "domain", "engine"}),
    "notify": frozenset({"clock", "config", "domain"}),
    "sim": frozenset({"broker", "clock", "domain", "replay"}),  # a stand-in gateway, not the thing tested
    "replay": frozenset({"broker", "clock", "config", "daemon", "domain", "enforcement", "engine", "rules",
                         "schema", "store"}),
    "daemon": frozenset({"broker", "broker.projectx", "clock", "config", "control", "domain", "enforcement",
                         "engine", "notify", "replay", "rules", "store"}),
    "control": frozenset({"clock", "config", "daemon", "domain", "engine", "rules", "service", "store"}),
    "tui": frozenset({"clock", "config", "control", "domain"}),
    "service": frozenset({"clock", "config", "control", "daemon"}),  # control: the endpoint it secures
    "demo": frozenset({"broker", "clock", "config", "daemon", "domain", "engine", "replay", "sim", "tui"}),
    "cli": ANY,
    "": ANY,  # risk_manager/__init__.py
}


def package_of(module: str) -> str:
    parts = module.split(".")[1:]
    if parts[:2] == ["broker", "projectx"]:
        return "broker.projectx"
    return parts[0] if parts else ""


def test_every_package_has_a_row() -> None:
    missing = {package_of(m) for m in g.modules()} - set(LAYERS)
    assert not missing, f"new packages: give each a row in LAYERS and a line in ARCHITECTURE.md: {missing}"
    gone = set(LAYERS) - {package_of(m) for m in g.modules()}
    assert not gone, f"rows for packages that no longer exist: {gone}"


def layer_violations(graph: Mapping[str, Iterable[str]]) -> list[str]:
    bad = []
    for module, targets in graph.items():
        pkg = package_of(module)
        allowed = LAYERS[pkg]
        for target in sorted(targets):
            other = package_of(target)
            if other != pkg and allowed != ANY and other not in allowed:
                bad.append(f"{module} imports {target} ({pkg} may not import {other or 'risk_manager'})")
    return bad


def test_imports_follow_the_layers() -> None:
    bad = layer_violations(g.graph())
    assert not bad, "\n".join(bad)


def test_a_wrong_way_import_is_caught() -> None:
    fake = {"risk_manager.rules.x": ["risk_manager.rules.base", "risk_manager.engine.engine"],
            "risk_manager.broker.projectx.x": ["risk_manager.broker.port"], "risk_manager.cli.x": [
                "risk_manager.sim"]}
    assert layer_violations(fake) == [
        "risk_manager.rules.x imports risk_manager.engine.engine (rules may not import engine)"]


def test_the_layers_hold_the_directions_the_design_promises() -> None:
    """The table itself must not drift into allowing what the architecture forbids."""
    for low, high in [("rules", "engine"), ("rules", "daemon"), ("rules", "broker"), ("engine", "daemon"),
                      ("engine", "control"), ("engine", "broker"), ("engine", "broker.projectx"),
                      ("engine", "enforcement"), ("broker", "engine"), ("domain", "engine"),
                      ("enforcement", "broker.projectx"), ("sim", "engine"), ("sim", "daemon")]:
        assert high not in LAYERS[low], f"{low} must not import {high}"
