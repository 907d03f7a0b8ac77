"""Loading: YAML parsing, problems with file, line and key path."""

from __future__ import annotations

from pathlib import Path

import pytest
from cfg_helpers import MINIMAL, load, problems
from hypothesis import given, settings
from hypothesis import strategies as st

from risk_manager.config import ConfigError, ConfigProblem, load_config


def test_problem_format() -> None:
    assert str(ConfigProblem("a.yaml", 7, "rules.max_contracts.limt", "unknown key")) == (
        "a.yaml:7: rules.max_contracts.limt: unknown key"
    )
    assert str(ConfigProblem("a.yaml", None, "", "file not found")) == "a.yaml: file not found"
    assert str(ConfigProblem("a.yaml", 3, "", "YAML syntax error: x")) == "a.yaml:3: YAML syntax error: x"


def test_unknown_nested_key_names_its_line() -> None:
    text = """\
    accounts:
      - name: PRAC-1
    rules:
      daily_realized_loss: {enabled: true, limit: -500}
      max_contracts:
        enabled: true
        limt: 5
    """
    found = problems(text)
    assert "cfg.yaml:7: rules.max_contracts.limt: unknown key" in found


def test_unknown_key_inside_a_list_item() -> None:
    text = """\
    accounts:
      - name: PRAC-1
      - name: PRAC-2
        nmae: typo
    rules:
      cooldown_after_loss:
        enabled: true
        tiers:
          - {loss: -50, cooldown: 1m}
          - loss: -100
            cooldwn: 3m
    """
    assert problems(text) == [
        "cfg.yaml:4: accounts[1].nmae: unknown key",
        "cfg.yaml:10: rules.cooldown_after_loss.tiers[1].cooldown: field required",
        "cfg.yaml:11: rules.cooldown_after_loss.tiers[1].cooldwn: unknown key",
    ]


def test_unknown_top_level_key() -> None:
    assert problems(MINIMAL + "\nrule:\n  max_contracts: {}\n") == ["cfg.yaml:4: rule: unknown key"]


def test_missing_key_points_at_its_nearest_parent() -> None:
    text = """\
    accounts:
      - name: PRAC-1
    rules:
      max_contracts:
        enabled: true
        count: gross
    """
    assert problems(text) == ["cfg.yaml:4: rules.max_contracts.limit: field required (the rule is enabled)"]
    assert problems("accounts:\n  - {}\n") == ["cfg.yaml:2: accounts[0].name: field required"]
    assert problems("gateway: {}\n") == ["cfg.yaml:1: accounts: field required"]


def test_accounts_must_not_be_empty_or_repeated() -> None:
    assert problems("accounts: []\n") == ["cfg.yaml:1: accounts: must not be empty"]
    assert problems("accounts:\n  - name: A\n  - name: A\n") == [
        "cfg.yaml:1: accounts: account listed twice: A"
    ]


def test_several_problems_are_all_reported_in_line_order() -> None:
    text = """\
    accounts:
      - name: PRAC-1
    pnl_basis: grosss
    enforcement: {mode: enforce, warn_at: 1.5}
    stale_quote_seconds: 0
    """
    assert problems(text) == [
        "cfg.yaml:3: pnl_basis: must be one of 'net' or 'gross' (got 'grosss')",
        "cfg.yaml:4: enforcement.warn_at: must be <= 1",
        "cfg.yaml:5: stale_quote_seconds: must be > 0",
    ]


def test_yaml_syntax_error_is_a_problem_with_its_line() -> None:
    found = problems("accounts:\n  - name: A\nrules:\n  max_contracts: {enabled: true\n")
    assert len(found) == 1
    assert found[0].startswith("cfg.yaml:")
    assert "YAML syntax error" in found[0]
    tabbed = problems("accounts:\n\t- name: A\n")
    assert tabbed[0].startswith("cfg.yaml:2: YAML syntax error")


def test_duplicate_keys_are_reported() -> None:
    text = MINIMAL + "rules:\n  max_contracts: {limit: 5}\n  max_contracts: {limit: 3}\n"
    assert problems(text) == [
        "cfg.yaml:5: rules.max_contracts: duplicate key (only the last one would count)"
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "cfg.yaml:1: the file is empty (accounts: is required)"),
        ("# only a comment\n", "cfg.yaml:1: the file is empty (accounts: is required)"),
        ("- a\n- b\n", "cfg.yaml:1: the top level must be a mapping (key: value)"),
        ("accounts:\n  - name: A\nrules: 5\n", "cfg.yaml:3: rules: must be a mapping (key: value)"),
    ],
)
def test_wrong_document_shapes(text: str, expected: str) -> None:
    assert problems(text) == [expected]


def test_empty_sections_mean_defaults() -> None:
    config = load(MINIMAL + "rules:\nschedule:\nnotifications:\n")
    assert config.rules.enabled_names() == []
    assert config.schedule.timezone == "America/Chicago"


def test_unquoted_times_are_not_read_as_base_60_numbers() -> None:
    # YAML 1.1 reads 17:00 as the integer 1020; our loader keeps it a time.
    config = load(MINIMAL + "schedule:\n  daily_reset: 17:00\n  session: {start: 9:30, end: 16:00}\n")
    assert config.schedule.daily_reset.hour == 17
    assert config.schedule.session.start.hour == 9


def test_load_config_from_file(tmp_path: Path) -> None:
    path = tmp_path / "risk_manager.yaml"
    path.write_text(MINIMAL + "daemon: {data_dir: state, log_dir: /var/log/rm}\nsecrets_file: ~/s.env\n")
    config = load_config(path)
    assert config.accounts[0].name == "PRAC-1"
    # Relative paths are relative to the config file, not the working directory.
    assert config.daemon.data_dir == str(tmp_path / "state")
    assert config.daemon.log_dir == str(Path("/var/log/rm"))
    assert config.secrets_file == str(Path("~/s.env").expanduser())


def test_load_config_accepts_a_utf8_bom(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + MINIMAL.encode())
    assert load_config(path).accounts[0].name == "PRAC-1"


def test_missing_file_is_a_problem(tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    with pytest.raises(ConfigError) as info:
        load_config(missing)
    assert [str(p) for p in info.value.problems] == [f"{missing}: file not found"]
    assert str(info.value) == f"{missing}: file not found"


def test_file_problems_name_the_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(MINIMAL + "pnl_basis: gross\nunrealised_mark: last\n")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert [str(p) for p in info.value.problems] == [f"{path}:4: unrealised_mark: unknown key"]


def test_absurd_nesting_is_a_problem_not_a_crash() -> None:
    found = problems(MINIMAL + "rules: " + "[" * 5000 + "]" * 5000 + "\n")
    assert len(found) == 1 and found[0].startswith("cfg.yaml")


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list("accounts:name-[]{},'\"&*!#\t\n :rules0123456789.?|>%@`")), max_size=80
    )
)
def test_any_text_either_loads_or_raises_config_error(text: str) -> None:
    try:
        load(text)
    except ConfigError as exc:
        assert exc.problems and all(p.file == "cfg.yaml" for p in exc.problems)
