"""The admin and trader workflow as a new user meets it (issue 13 part 2): each test failed on the old CLI."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from risk_manager.cli.main import app
from risk_manager.config import load_config
from risk_manager.store import Store
from support.control_server import FakeBackend, server_thread

runner = CliRunner()
LOCK = {"at": "2026-11-20T20:04:12+00:00", "account": "PRAC-1", "rule": "trade_frequency_limit"}


class ClockBackend(FakeBackend):
    """One account with a schedule zone and a clock-in state, a journal with a broker result."""

    def __init__(self, accounts: tuple[str, ...] = ("PRAC-1",)) -> None:
        super().__init__()
        self.names = accounts
        self.clocked: dict[str, bool] = {}
        self.records = [
            {**LOCK, "type": "violation", "message": "3/3 trades this minute"},
            {**LOCK, "type": "lockout", "kind": "cooldown", "scope": "account",
             "until": "2026-11-20T20:05:12+00:00", "reason": "3/3 trades this minute"},
            {**LOCK, "type": "action", "action": "cancel_entry_orders", "order_ids": [7]},
            {**LOCK, "type": "result", "call": "cancel_order", "ok": True, "ms": 3.1},
            {**LOCK, "type": "result", "call": "done", "ok": True, "ms": 4.0, "calls": 1},
        ]

    def snapshot(self) -> dict[str, Any]:
        accounts = [{"name": n, "badge": "OK", "clocked_in": self.clocked.get(n)} for n in self.names]
        return {"version": 1, "daemon": {"state": "PROTECTED", "mode": "enforce"},
                "clock": {"timezone": "America/Chicago"}, "accounts": accounts, "recent": []}

    def clock(self, account: str, kind: str) -> None:
        super().clock(account, kind)
        self.clocked[account] = kind == "in"


def test_config_set_takes_a_negative_number_as_written_in_the_readme(tmp_path: Path) -> None:
    path = tmp_path / "risk_manager.yaml"
    path.write_text("accounts: [{name: PRAC-1}]\nrules:\n"
                    "  daily_realized_loss: {enabled: true, limit: -500}\n")
    res = runner.invoke(app, ["admin", "config", "set", str(path), "daily_realized_loss", "limit", "-400"])
    assert res.exit_code == 0, res.output
    assert load_config(path).rules.daily_realized_loss.limit == -400


def test_help_keeps_its_defaults_and_trader_takes_c_before_the_sub_command(tmp_path: Path) -> None:
    helped = runner.invoke(app, ["trader", "status", "--help"], env={"COLUMNS": "200"})
    assert "[default: daemon.control_socket of --config, else the installed service's" in helped.stdout
    admin = runner.invoke(app, ["admin", "audit", "--help"], env={"COLUMNS": "200"})
    assert "[default: (daemon.data_dir of --config, else the platform default)]" in admin.stdout
    with server_thread(ClockBackend(), tmp_path / "admin.hash") as server:
        cfg = tmp_path / "c.yaml"
        cfg.write_text(f"accounts: [{{name: PRAC-1}}]\ndaemon: {{control_socket: {server.endpoint}}}\n")
        outer = runner.invoke(app, ["trader", "-c", str(cfg), "log"])
        outer_socket = runner.invoke(app, ["trader", "--socket", server.endpoint, "log"])
        bare = runner.invoke(app, ["trader", "log", "--socket", server.endpoint])
    assert outer.exit_code == 0, outer.output
    assert "CST PRAC-1 trade_frequency_limit" in outer.stdout
    assert bare.exit_code == 0 and bare.stdout == outer.stdout == outer_socket.stdout


def test_log_is_one_line_per_decision_in_the_schedule_zone(tmp_path: Path) -> None:
    with server_thread(ClockBackend(), tmp_path / "admin.hash") as server:
        text = runner.invoke(app, ["trader", "log", "--socket", server.endpoint])
        admin = runner.invoke(app, ["admin", "journal", "--socket", server.endpoint])
        as_json = runner.invoke(app, ["trader", "log", "--json", "--socket", server.endpoint])
    assert text.exit_code == 0, text.output
    assert text.stdout.splitlines() == [
        "2026-11-20 14:04:12 CST PRAC-1 trade_frequency_limit: cooldown until 14:05:12 — 3/3 trades "
        "this minute",
        "2026-11-20 14:04:12 CST PRAC-1 trade_frequency_limit: cancelled entry orders (#7) — 3/3 trades "
        "this minute"]
    assert "{" not in text.stdout
    assert admin.stdout == text.stdout
    assert len(as_json.stdout.splitlines()) == 5 and as_json.stdout.startswith("{")


def test_clock_in_finds_the_only_account_and_a_second_clock_in_says_so(tmp_path: Path) -> None:
    one = ClockBackend()
    with server_thread(one, tmp_path / "a.hash") as server:
        first = runner.invoke(app, ["trader", "clock", "in", "--socket", server.endpoint])
        second = runner.invoke(app, ["trader", "clock", "in", "--socket", server.endpoint])
    assert first.exit_code == 0 and first.stdout.strip() == "clocked in: PRAC-1"
    assert second.exit_code == 0 and "already clocked in: PRAC-1" in second.stdout
    assert one.clocks == [("PRAC-1", "in")]
    two = ClockBackend(("PRAC-1", "PRAC-2"))
    with server_thread(two, tmp_path / "b.hash") as server:
        which = runner.invoke(app, ["trader", "clock", "in", "--socket", server.endpoint])
    assert which.exit_code == 2 and "--account is needed: the daemon watches PRAC-1, PRAC-2" in which.stderr
    assert two.clocks == []


def test_audit_on_a_file_that_is_not_a_database_is_one_line_exit_2(tmp_path: Path) -> None:
    (tmp_path / "risk_manager.db").write_text("this is not sqlite\n" * 50)
    res = runner.invoke(app, ["admin", "audit", "--data-dir", str(tmp_path)])
    assert res.exit_code == 2, res.output
    assert res.exception is None or isinstance(res.exception, SystemExit)
    assert len(res.stderr.strip().splitlines()) == 1 and "not a database" in res.stderr


def test_journal_verify_names_the_first_bad_record(tmp_path: Path) -> None:
    with Store.open(tmp_path / "risk_manager.db") as store:
        for i in range(3):
            store.append_journal({"at": f"2026-11-20T09:0{i}:00-06:00", "type": "reset",
                                  "trading_day": f"2026-11-2{i}"})
    ok = runner.invoke(app, ["admin", "journal", "verify", "--data-dir", str(tmp_path)])
    assert ok.exit_code == 0 and "journal intact: 3 records" in ok.stdout
    with sqlite3.connect(tmp_path / "risk_manager.db") as conn:  # someone edits a record by hand
        conn.execute("DROP TRIGGER journal_no_update")
        conn.execute("UPDATE journal SET body = replace(body, '2026-11-21', '2026-11-29') WHERE seq = 2")
    bad = runner.invoke(app, ["admin", "journal", "verify", "--data-dir", str(tmp_path)])
    assert bad.exit_code == 1
    assert re.search(r"journal BROKEN at record 2: .*2026-11-29", bad.stderr)


def test_sim_with_an_impossible_port_is_one_clear_error_exit_2() -> None:
    res = runner.invoke(app, ["sim", "--port", "99999"])
    assert res.exit_code == 2
    assert "Invalid value for '--port'" in res.output and "65535" in res.output


def test_validate_and_config_set_warn_loudly_about_disabled_rules(tmp_path: Path) -> None:
    path = tmp_path / "risk_manager.yaml"
    path.write_text("accounts: [{name: PRAC-1}]\nrules:\n"
                    "  daily_realized_loss: {enabled: false, limit: -500}\n")
    none = runner.invoke(app, ["config", "validate", str(path)])
    assert none.exit_code == 0 and "0 of 17 rules enabled" in none.stdout
    assert "WARNING: no rule is enabled" in none.stderr and "protect NOTHING" in none.stderr
    path.write_text("accounts: [{name: PRAC-1}]\nrules:\n  max_contracts: {enabled: true, limit: 5}\n"
                    "  daily_realized_loss: {enabled: false, limit: -500}\n")
    edit = runner.invoke(app, ["admin", "config", "set", str(path), "daily_realized_loss", "limit", "-400"])
    assert edit.exit_code == 0
    assert "WARNING: daily_realized_loss is disabled: this value protects nothing" in edit.stderr


class ReloadBackend(ClockBackend):
    def __init__(self) -> None:
        super().__init__()
        self.reload_result = {"applied": True, "restart_needed": False,
                              "changes": ["rules.daily_realized_loss.limit: -500 -> -400",
                                          "rules.max_contracts.limit: 5 -> 3"]}

    def snapshot(self) -> dict[str, Any]:
        snap = super().snapshot()
        snap["accounts"][0]["rules"] = [{"rule": "max_contracts", "enabled": True},
                                        {"rule": "daily_realized_loss", "enabled": False}]
        return snap


def test_reload_of_a_disabled_rule_warns_that_it_protects_nothing(tmp_path: Path) -> None:
    from risk_manager.control.password import set_password

    with server_thread(ReloadBackend(), set_password(tmp_path, "correct horse battery")) as server:
        res = runner.invoke(app, ["admin", "reload", "--socket", server.endpoint],
                            input="correct horse battery\n")
    assert res.exit_code == 0 and "applied live" in res.stdout
    assert res.stderr.strip() == ("WARNING: daily_realized_loss is disabled: this change protects nothing "
                                  "until `daily_realized_loss enabled true`")
