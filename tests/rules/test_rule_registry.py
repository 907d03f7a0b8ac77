"""The rule registry is the one list of rules: config, IDs, engine, self-test and dashboard derive from it.

The last test proves the claim of docs/adding-a-rule.md: it copies the project, adds exactly the example
module from that page and its registry entry, and runs config loading (with a file:line error), the engine,
the start-up self-test and the dashboard line against the new rule in a fresh interpreter.
"""

from __future__ import annotations

import json
import os
import pkgutil
import re
import shutil
import subprocess
import sys
import textwrap
from importlib import import_module
from pathlib import Path

import pytest

import risk_manager.rules as rules_pkg
from risk_manager.config import RULE_IDS, RULE_KEYS, RulesConfig, load_config_text
from risk_manager.daemon.selftest import check_rule
from risk_manager.rules.base import Rule
from risk_manager.rules.registry import RULES, SPECS, build_rules, rules_model
from risk_manager.rules.spec import RuleSpec
from risk_manager.schema.section import RuleConfig

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "adding-a-rule.md"


def test_the_registry_lists_rules_001_to_017_in_spec_order() -> None:
    assert list(RULE_IDS.values()) == [f"{i:03d}" for i in range(1, 18)]
    assert tuple(RulesConfig.model_fields) == RULE_KEYS == tuple(s.key for s in RULES)
    for spec in RULES:
        assert issubclass(spec.config, RuleConfig)
        assert isinstance(spec.rule, type) and issubclass(spec.rule, Rule)
        assert spec.rule.name == spec.key  # the journal's rule name is the config key
        assert RulesConfig.model_fields[spec.key].annotation is spec.config


def test_every_module_that_declares_a_spec_is_registered() -> None:
    """A rule module with a SPEC that the registry forgot would be dead code the trader thinks runs."""
    declared = {}
    for info in pkgutil.iter_modules(rules_pkg.__path__):
        module = import_module(f"risk_manager.rules.{info.name}")
        spec = getattr(module, "SPEC", None)
        if isinstance(spec, RuleSpec):
            assert info.name == spec.key, "a rule module is named after its config key"
            declared[spec.key] = spec
    assert declared == SPECS


def test_a_duplicate_key_or_id_is_refused() -> None:
    with pytest.raises(ValueError, match="unique"):
        rules_model((*RULES, RULES[0]))


def test_build_rules_builds_the_enabled_rules_from_their_own_sections() -> None:
    cfg = RulesConfig.model_validate({"max_contracts": {"enabled": True, "limit": 3},
                                      "consecutive_losses": {"enabled": True, "count": 2, "cooldown": "5m"}})
    built = build_rules(cfg)
    assert [r.name for r in built] == ["max_contracts", "consecutive_losses"]
    assert [type(r) for r in built] == [SPECS["max_contracts"].rule, SPECS["consecutive_losses"].rule]


def test_an_unknown_rule_gets_no_self_test() -> None:
    check = check_rule(load_config_text("accounts:\n  - name: PRAC-1\n"), "no_such_rule")
    assert not check.ok and "no self-test case" in check.detail


def _doc_blocks() -> tuple[str, str]:
    """The example module and the registry line from docs/adding-a-rule.md."""
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert len(blocks) == 2, "the page shows the module and the registry line"
    return blocks[0], blocks[1]


CHECK = textwrap.dedent('''
    import json
    from datetime import UTC, datetime
    from risk_manager.config import RULE_IDS, ConfigError, load_config_text
    from risk_manager.control.rule_text import value_text
    from risk_manager.daemon.selftest import run_self_test
    from risk_manager.domain.contracts import ContractBook
    from risk_manager.domain.state import AccountState
    from risk_manager.rules.base import RuleContext

    ok = "accounts:\\n  - name: PRAC-1\\nrules:\\n  max_working_orders:\\n    enabled: true\\n    limit: 2\\n"
    cfg = load_config_text(ok, "cfg.yaml")
    try:
        load_config_text(ok.replace("limit: 2", "limt: 2"), "cfg.yaml")
        errors = []
    except ConfigError as e:
        errors = [str(p) for p in e.problems]
    checks = [(c.rule, c.ok, c.detail) for c in run_self_test(cfg)]
    state = AccountState(1, "PRAC-1", ContractBook.builtin())
    ctx = RuleContext(now=datetime(2026, 11, 18, 15, tzinfo=UTC), state=state)
    print(json.dumps({"id": RULE_IDS["max_working_orders"], "last": list(RULE_IDS)[-1], "errors": errors,
                      "checks": checks, "text": value_text(cfg, "max_working_orders", ctx)}))
''')


def test_a_new_rule_needs_one_module_and_one_registry_entry(tmp_path: Path) -> None:
    module, line = _doc_blocks()
    src = tmp_path / "src"
    shutil.copytree(ROOT / "src" / "risk_manager", src / "risk_manager",
                    ignore=shutil.ignore_patterns("__pycache__"))
    (src / "risk_manager" / "rules" / "max_working_orders.py").write_text(module, encoding="utf-8")
    registry = src / "risk_manager" / "rules" / "registry.py"
    text = registry.read_text(encoding="utf-8")
    anchor = "    max_unrealized_profit,\n"  # the import, in alphabetical order
    edited = text.replace(anchor, anchor + "    max_working_orders,\n", 1)
    edited = edited.replace("    consecutive_losses.SPEC,\n)", f"    consecutive_losses.SPEC,\n{line})", 1)
    assert edited.count("max_working_orders") == 2, "the import and the line in RULES"
    registry.write_text(edited, encoding="utf-8")

    env = {**os.environ, "PYTHONPATH": str(src)}
    out = subprocess.run([sys.executable, "-c", CHECK], env=env, capture_output=True, text=True, timeout=120,
                         cwd=tmp_path, check=False)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["id"] == "018" and result["last"] == "max_working_orders"
    assert result["errors"] == ["cfg.yaml:6: rules.max_working_orders.limt: unknown key"]
    assert result["checks"] == [["max_working_orders", True, "violation produced"]]
    assert result["text"] == "0/2 working orders"
