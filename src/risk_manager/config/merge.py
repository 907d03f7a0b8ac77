"""Per-account rules (SPEC §7b): `accounts[].rules` deep-merged over the top-level `rules`.

Mappings merge key by key; lists and the per-root `limits` mapping are replaced as a whole. The merge runs
on the raw YAML data before validation, so every account is validated on its merged rules and a problem is
reported at `accounts[i].rules...` with its line.
"""

from __future__ import annotations

from typing import Any

# Mappings that are values in their own right (a key given replaces the whole mapping).
REPLACED: frozenset[str] = frozenset({"limits"})


def deep_merge(base: Any, override: Any) -> Any:
    """``override`` over ``base``: nested mappings merge, everything else (lists included) is replaced."""
    if not isinstance(base, dict) or not isinstance(override, dict):
        return override
    out = dict(base)
    for key, value in override.items():
        if value is None and key in out:
            continue  # `key:` with nothing under it adds nothing to the top-level value
        out[key] = value if key in REPLACED or key not in out else deep_merge(out[key], value)
    return out


def merge_account_rules(data: Any) -> Any:
    """Raw config data with each account's `rules` replaced by its merged rules (other data untouched)."""
    if not isinstance(data, dict) or not isinstance(data.get("accounts"), list):
        return data
    top = data.get("rules")
    top = top if isinstance(top, dict) else {}
    accounts = []
    for entry in data["accounts"]:
        if isinstance(entry, dict) and isinstance(entry.get("rules"), dict):
            entry = {**entry, "rules": deep_merge(top, entry["rules"])}
        accounts.append(entry)
    return {**data, "accounts": accounts}
