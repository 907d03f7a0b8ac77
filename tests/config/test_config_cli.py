"""`risk-manager config validate|diff` through typer's CliRunner."""

from __future__ import annotations

from pathlib import Path

from cfg_helpers import EXAMPLES, MINIMAL
from typer.testing import CliRunner

from risk_manager.cli.config_cmd import config_app

runner = CliRunner()


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_validate_ok_prints_a_one_line_summary(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "risk_manager.yaml",
        MINIMAL + "rules:\n  auth_loss_guard: {enabled: true}\n  max_contracts: {enabled: true, limit: 5}\n",
    )
    result = runner.invoke(config_app, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"OK: {path} — 1 account, 2 of 17 rules enabled: max_contracts, auth_loss_guard"
    ]


def test_validate_counts_accounts_and_flags_dry_run(tmp_path: Path) -> None:
    text = "accounts: [{name: A}, {name: B}]\nenforcement: {mode: dry_run}\n"
    result = runner.invoke(config_app, ["validate", str(write(tmp_path, "c.yaml", text))])
    assert result.exit_code == 0
    assert "— 2 accounts, 0 of 17 rules enabled [dry_run: no broker actions]" in result.stdout


def test_validate_errors_exit_2_with_one_line_per_problem(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.yaml", MINIMAL + "rules:\n  max_contracts:\n    enabled: true\n    limt: 5\n")
    result = runner.invoke(config_app, ["validate", str(path)])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [f"{path}:6: rules.max_contracts.limt: unknown key"]


def test_validate_missing_file_exits_2(tmp_path: Path) -> None:
    missing = tmp_path / "missing.yaml"
    result = runner.invoke(config_app, ["validate", str(missing)])
    assert result.exit_code == 2
    assert result.stderr.strip() == f"{missing}: file not found"


def test_validate_lists_accounts_with_their_own_rules(tmp_path: Path) -> None:
    path = write(
        tmp_path, "c.yaml", "accounts:\n  - name: A\n    rules: {auth_loss_guard: {enabled: true}}\n"
    )
    result = runner.invoke(config_app, ["validate", str(path)])
    assert result.exit_code == 0
    assert "account A: 1 of " in result.stdout
    assert "auth_loss_guard" in result.stdout.splitlines()[1]


def test_validate_examples() -> None:
    for name in ("risk_manager.yaml", "demo.yaml"):
        result = runner.invoke(config_app, ["validate", str(EXAMPLES / name)])
        assert result.exit_code == 0, result.output
        assert result.stdout.startswith(f"OK: {EXAMPLES / name} — 1 account, ")


def test_diff_command(tmp_path: Path) -> None:
    old = write(tmp_path, "old.yaml", MINIMAL + "rules: {max_contracts: {enabled: true, limit: 5}}\n")
    new = write(tmp_path, "new.yaml", MINIMAL + "rules: {max_contracts: {enabled: true, limit: 3}}\n")
    result = runner.invoke(config_app, ["diff", str(old), str(new)])
    assert result.exit_code == 0
    assert result.stdout.splitlines() == ["rules.max_contracts.limit: 5 -> 3", "applies live on reload"]
    same = runner.invoke(config_app, ["diff", str(old), str(old)])
    assert same.stdout.strip() == "no changes"
    broken = runner.invoke(config_app, ["diff", str(old), str(tmp_path / "none.yaml")])
    assert broken.exit_code == 2
