"""Helpers for the config tests."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from risk_manager.config import Config, ConfigError, load_config_text

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
MINIMAL = "accounts:\n  - name: PRAC-1\n"


def load(text: str) -> Config:
    return load_config_text(textwrap.dedent(text), "cfg.yaml")


def problems(text: str) -> list[str]:
    """The formatted problems of an invalid config text (fails the test if it is valid)."""
    with pytest.raises(ConfigError) as info:
        load(text)
    assert info.value.problems, "ConfigError without problems"
    return [str(problem) for problem in info.value.problems]


def with_rules(rules_yaml: str) -> str:
    """A minimal config whose `rules:` section is the given (dedented) YAML."""
    body = textwrap.indent(textwrap.dedent(rules_yaml), "  ")
    return MINIMAL + "rules:\n" + body
