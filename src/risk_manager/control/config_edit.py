"""`admin config set`: change one rule setting in risk_manager.yaml, validated as a whole before writing.

The file is re-written from its parsed data (PyYAML), so comments and formatting are NOT kept. Nothing is
written unless the complete result passes the same validation the daemon applies at start and reload.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Any

import yaml

from risk_manager.config import RULE_KEYS, ConfigError, load_config_text
from risk_manager.config.yaml_source import parse_yaml

_UNSET = object()


class ConfigEditError(ValueError):
    """The edit cannot be made (unknown rule, unreadable file, a key path through a non-mapping)."""


def parse_value(text: str) -> Any:
    """A YAML scalar or flow value: "true" -> True, "-500" -> -500, "5m" -> "5m", "[M*, CL]" -> list."""
    try:
        return parse_yaml(text).data
    except yaml.YAMLError as e:
        raise ConfigEditError(f"cannot read the value {text!r} as YAML: {e}") from None


def _mapping(parent: dict[str, Any], key: str, where: str) -> dict[str, Any]:
    child = parent.get(key)
    if child is None:
        child = parent[key] = {}
    if not isinstance(child, dict):
        raise ConfigEditError(f"{where}.{key} is not a mapping")
    return child


def edit_rule(text: str, rule: str, key: str, value: Any) -> tuple[str, Any]:
    """New file text with rules.RULE.KEY (dotted for nested keys) set; returns (text, old value or None)."""
    if rule not in RULE_KEYS:
        raise ConfigEditError(f"unknown rule {rule!r}; one of: {', '.join(RULE_KEYS)}")
    try:
        data = parse_yaml(text).data
    except yaml.YAMLError as e:
        raise ConfigEditError(f"the file is not valid YAML: {e}") from None
    if not isinstance(data, dict):
        raise ConfigEditError("the file's top level is not a mapping")
    parts = [p for p in key.split(".") if p]
    if not parts:
        raise ConfigEditError("KEY must not be empty")
    node = _mapping(_mapping(data, "rules", ""), rule, "rules")
    where = f"rules.{rule}"
    for part in parts[:-1]:
        node, where = _mapping(node, part, where), f"{where}.{part}"
    old = node.get(parts[-1], _UNSET)
    node[parts[-1]] = value
    new_text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=False)
    return new_text, None if old is _UNSET else old


def write_atomically(path: Path, text: str) -> None:
    """Replace ``path`` in one step (same directory temp file, fsync, rename), keeping its permissions."""
    mode = path.stat().st_mode & 0o7777 if path.exists() else 0o644
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def set_rule_value(path: Path, rule: str, key: str, value_text: str) -> tuple[Any, Any]:
    """Edit, validate the whole result, then write. Returns (old, new). Raises ConfigEditError or
    ConfigError (problems of the edited config; the file is untouched in both cases)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as e:
        raise ConfigEditError(f"cannot read {path}: {e.strerror or e}") from None
    value = parse_value(value_text)
    new_text, old = edit_rule(text, rule, key, value)
    # Line numbers would point into the re-dumped text, not the user's file: name the edit instead.
    load_config_text(new_text, f"{path} with rules.{rule}.{key} = {value_text}", base_dir=path.parent)
    write_atomically(path, new_text)
    return old, value


__all__ = ["ConfigEditError", "ConfigError", "edit_rule", "parse_value", "set_rule_value", "write_atomically"]
