"""Load and validate risk_manager.yaml, reporting every problem with its file line and key path."""

from __future__ import annotations

import os
from pathlib import Path

import yaml
from pydantic import ValidationError

from risk_manager.config.errors import ConfigError, ConfigProblem, friendly_reason
from risk_manager.config.models import Config
from risk_manager.config.yaml_source import ParsedYaml, duplicate_keys, format_path, locate, parse_yaml
from risk_manager.schema.section import FIELD_ERROR_TYPE


def load_config(path: str | os.PathLike[str]) -> Config:
    """Read, parse and validate a config file; raises ConfigError listing every problem.

    Relative paths inside the file (data_dir, log_dir, secrets_file) are taken relative to the
    file's directory, so the service finds them whatever its working directory is.
    """
    name = os.fspath(path)
    try:
        text = Path(name).read_text(encoding="utf-8-sig")  # -sig: Notepad writes a BOM
    except FileNotFoundError:
        raise ConfigError([ConfigProblem(name, None, "", "file not found")]) from None
    except UnicodeDecodeError as exc:
        raise ConfigError([ConfigProblem(name, None, "", f"not UTF-8 text ({exc.reason})")]) from None
    except OSError as exc:
        raise ConfigError([ConfigProblem(name, None, "", f"cannot read file: {exc.strerror}")]) from None
    return load_config_text(text, name, base_dir=Path(name).resolve().parent)


def load_config_text(text: str, name: str = "<config>", base_dir: Path | None = None) -> Config:
    """Validate config text; `name` is used in problem messages. Raises ConfigError."""
    try:
        parsed = parse_yaml(text)
    except yaml.MarkedYAMLError as exc:
        raise ConfigError([_syntax_problem(name, exc)]) from None
    except (yaml.YAMLError, ValueError, RecursionError) as exc:
        # Unmarked errors: PyYAML internals (ValueError) or absurd nesting (RecursionError).
        raise ConfigError([ConfigProblem(name, None, "", f"cannot parse YAML: {exc}")]) from None
    problems = [
        ConfigProblem(name, line, format_path(path), "duplicate key (only the last one would count)")
        for line, path in duplicate_keys(parsed.root)
    ]
    config: Config | None = None
    if parsed.data is None:
        problems.append(ConfigProblem(name, 1, "", "the file is empty (accounts: is required)"))
    elif not isinstance(parsed.data, dict):
        problems.append(ConfigProblem(name, 1, "", "the top level must be a mapping (key: value)"))
    else:
        try:
            config = Config.model_validate(parsed.data)
        except ValidationError as exc:
            problems.extend(_validation_problems(name, parsed, exc))
    if problems or config is None:
        raise ConfigError(sorted(set(problems), key=lambda p: (p.line or 0, p.key_path, p.reason)))
    return config if base_dir is None else _resolve_paths(config, base_dir)


def _syntax_problem(name: str, exc: yaml.MarkedYAMLError) -> ConfigProblem:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark is not None else None
    reason = exc.problem or "invalid YAML"
    if exc.context:
        # e.g. "while parsing a flow mapping (from line 4): expected ',' or '}'"
        started = exc.context_mark.line + 1 if exc.context_mark is not None else None
        context = f"{exc.context} (from line {started})" if started not in (None, line) else exc.context
        reason = f"{context}: {reason}"
    return ConfigProblem(name, line, "", f"YAML syntax error: {reason}")


def _validation_problems(name: str, parsed: ParsedYaml, exc: ValidationError) -> list[ConfigProblem]:
    problems = []
    for error in exc.errors():
        loc = tuple(error["loc"])
        if error["type"] == FIELD_ERROR_TYPE:
            # Found by a model validator: point at the field it is about.
            loc = (*loc, str((error.get("ctx") or {})["field"]))
        line, path = locate(parsed.root, loc)
        problems.append(ConfigProblem(name, line, format_path(path), friendly_reason(error)))
    return _without_echoes(problems)


def _without_echoes(problems: list[ConfigProblem]) -> list[ConfigProblem]:
    """A top-level rule problem also shows in every account merged over it: report it once, at the top."""
    top = {(p.key_path, p.reason) for p in problems if p.key_path.startswith("rules.")}
    return [p for p in problems
            if not (p.key_path.startswith("accounts[") and ".rules." in p.key_path
                    and ("rules." + p.key_path.split(".rules.", 1)[1], p.reason) in top)]


def _resolve(value: str | None, base_dir: Path) -> str | None:
    if value is None:
        return None
    path = Path(os.path.expanduser(value))
    return str(path if path.is_absolute() else base_dir / path)


def _resolve_paths(config: Config, base_dir: Path) -> Config:
    daemon = config.daemon.model_copy(
        update={
            "data_dir": _resolve(config.daemon.data_dir, base_dir),
            "log_dir": _resolve(config.daemon.log_dir, base_dir),
        }
    )
    return config.model_copy(
        update={"daemon": daemon, "secrets_file": _resolve(config.secrets_file, base_dir)}
    )
