"""YAML parsing that keeps node positions, so validation errors can name a file line."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

_INT_TAG = "tag:yaml.org,2002:int"
_FLOAT_TAG = "tag:yaml.org,2002:float"


class _Loader(yaml.SafeLoader):
    """SafeLoader without YAML 1.1 base-60 numbers, so an unquoted 17:00 stays "17:00", not 1020."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regex) for tag, regex in resolvers if tag not in (_INT_TAG, _FLOAT_TAG)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    _INT_TAG,
    re.compile(r"^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+)$"),
    list("-+0123456789"),
)
_Loader.add_implicit_resolver(
    _FLOAT_TAG,
    re.compile(
        r"^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+0123456789."),
)


def _timestamp_or_text(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> object:
    # SafeLoader raises a bare ValueError for 2026-02-30; keep the text so that validation
    # reports it against its key and line instead.
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        return node.value


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_or_text)


@dataclass(frozen=True, slots=True)
class ParsedYaml:
    data: Any  # the constructed document (None for an empty file)
    root: Node | None  # the composed node tree, for line look-ups


def parse_yaml(text: str) -> ParsedYaml:
    """Parse one YAML document; raises yaml.YAMLError (with marks) on a syntax error."""
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
    finally:
        loader.dispose()
    return ParsedYaml(data=data, root=root)


def _key_matches(key: Node, part: str) -> bool:
    if not isinstance(key, ScalarNode):
        return False
    if key.value == part:
        return True
    # pydantic names non-string dict keys by repr(), e.g. "datetime.date(2026, 12, 24)".
    try:
        return repr(date.fromisoformat(key.value)) == part
    except ValueError:
        return False


def locate(root: Node | None, loc: tuple[str | int, ...]) -> tuple[int, list[str]]:
    """The 1-based line for an error location, and the key path as written in the file.

    Walks as deep as the file goes: a missing key resolves to its nearest existing parent.
    Location parts the file does not have (missing keys, pydantic tags) are kept in the path.
    """
    node = root
    line = root.start_mark.line + 1 if root is not None else 1
    path: list[str] = []
    for part in loc:
        found: Node | None = None
        if isinstance(node, MappingNode) and isinstance(part, str):
            # The last of repeated keys wins, as in the constructed data.
            matches = [(key, value) for key, value in node.value if _key_matches(key, part)]
            if matches:
                key, found = matches[-1]
                line = key.start_mark.line + 1
                path.append(key.value)
        elif isinstance(node, SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            found = node.value[part]
            line = found.start_mark.line + 1
            path.append(f"[{part}]")
        if found is None:
            if part != "[key]":
                path.append(f"[{part}]" if isinstance(part, int) else part)
            node = None
        else:
            node = found
    return line, path


def format_path(parts: list[str]) -> str:
    """["rules", "max_contracts", "limt"] -> "rules.max_contracts.limt"; indices attach as "[0]"."""
    out = ""
    for part in parts:
        out += part if part.startswith("[") or not out else f".{part}"
    return out


def duplicate_keys(root: Node | None) -> list[tuple[int, list[str]]]:
    """(line, path) of every repeated mapping key; PyYAML would silently keep the last one."""
    found: list[tuple[int, list[str]]] = []
    visited: set[int] = set()  # aliases may make the node graph cyclic

    def walk(node: Node, path: list[str]) -> None:
        if id(node) in visited:
            return
        visited.add(id(node))
        if isinstance(node, MappingNode):
            seen: set[str] = set()
            for key, value in node.value:
                name = key.value if isinstance(key, ScalarNode) else str(key.tag)
                if isinstance(key, ScalarNode) and name != "<<" and name in seen:
                    found.append((key.start_mark.line + 1, [*path, name]))
                seen.add(name)
                walk(value, [*path, name])
        elif isinstance(node, SequenceNode):
            for index, item in enumerate(node.value):
                walk(item, [*path, f"[{index}]"])

    if root is not None:
        walk(root, [])
    return found
