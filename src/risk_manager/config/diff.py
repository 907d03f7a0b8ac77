"""What changed between two configs, and whether the change needs a daemon restart."""

from __future__ import annotations

from datetime import date, time
from typing import Any

from pydantic import BaseModel

from risk_manager.config.models import Config
from risk_manager.schema.values import Duration, format_hhmm

# Top-level keys whose change needs a restart; everything else (rules, enforcement, schedule,
# notifications, pnl_basis, unrealized_mark, stale_quote_seconds) is applied live on reload.
RESTART_KEYS: frozenset[str] = frozenset({"accounts", "gateway", "daemon", "secrets_file"})
# Values that may carry a token: say that they changed, never print them.
_MASKED: frozenset[str] = frozenset({"notifications.discord_webhook"})


def format_value(value: Any) -> str:
    """Render a config value the way it would be written in the YAML file."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, Duration):
        return str(value)
    if isinstance(value, time):
        return format_hhmm(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, BaseModel):
        fields = ", ".join(f"{k}: {format_value(getattr(value, k))}" for k in type(value).model_fields)
        return "{" + fields + "}"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{format_value(k)}: {format_value(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(format_value(item) for item in value) + "]"
    return str(value)


def _walk(path: str, old: Any, new: Any, out: list[str]) -> None:
    if old == new:
        return
    if path in _MASKED:
        before, after = ("null" if v is None else "(set)" for v in (old, new))
        out.append(f"{path}: {before} -> {after}" if before != after else f"{path}: changed (hidden)")
    elif isinstance(old, BaseModel) and type(old) is type(new):
        for name in type(old).model_fields:
            _walk(f"{path}.{name}" if path else name, getattr(old, name), getattr(new, name), out)
    elif isinstance(old, dict) and isinstance(new, dict):
        for key in [*old, *(k for k in new if k not in old)]:
            _walk(f"{path}.{format_value(key)}", old.get(key), new.get(key), out)
    elif isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        for index, (before, after) in enumerate(zip(old, new, strict=True)):
            _walk(f"{path}[{index}]", before, after, out)
    else:
        out.append(f"{path}: {format_value(old)} -> {format_value(new)}")


def diff_configs(old: Config, new: Config) -> list[str]:
    """One line per changed value, e.g. "rules.max_contracts.limit: 5 -> 3" (empty if equal).

    Per-account rules are shown per account ("accounts[A].rules.max_contracts.limit: 2 -> 1") for the
    accounts that have their own rules on either side; the others follow the top-level lines.
    """
    out: list[str] = []
    for name in Config.model_fields:
        if name == "accounts":  # the accounts themselves; their rules below
            _walk(name, _bare(old), _bare(new), out)
        else:
            _walk(name, getattr(old, name), getattr(new, name), out)
    old_by, new_by = {a.name: a for a in old.accounts}, {a.name: a for a in new.accounts}
    for name in [n for n in new_by if n in old_by]:
        if old_by[name].rules is not None or new_by[name].rules is not None:
            _walk(f"accounts[{name}].rules", old.rules_for(name), new.rules_for(name), out)
    return out


def _bare(config: Config) -> list[dict[str, str]]:
    return [{"name": account.name} for account in config.accounts]


def _names(config: Config) -> list[str]:
    return [account.name for account in config.accounts]


def changed_keys(old: Config, new: Config) -> set[str]:
    """Top-level keys whose value differs (`accounts` only when the list of accounts does)."""
    changed = {name for name in Config.model_fields if getattr(old, name) != getattr(new, name)}
    if "accounts" in changed and _names(old) == _names(new):
        changed.discard("accounts")  # only per-account rules changed: they apply live
    return changed


def needs_restart(old: Config, new: Config) -> bool:
    """True when the change touches accounts, gateway, daemon or secrets_file."""
    return bool(changed_keys(old, new) & RESTART_KEYS)
