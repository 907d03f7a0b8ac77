"""`risk-manager trader ...` and `risk-manager admin ...` through typer's CliRunner."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest
from control_helpers import T0, config, engine, later, open_long
from typer.testing import CliRunner

from risk_manager.cli.main import app
from risk_manager.config import load_config
from risk_manager.control.password import read_hash, set_password, verify_password
from risk_manager.control.snapshot import build_snapshot
from risk_manager.store import Store
from support.control_server import FakeBackend, server_thread

runner = CliRunner()
PASSWORD = "correct horse battery"
FREQ = "  trade_frequency_limit: {enabled: true, per_hour: 1}\n  max_contracts: {enabled: true, limit: 5}\n"


class EngineBackend(FakeBackend):
    """Answers /v1/status with a real snapshot: one account in a cooldown, one long MNQ."""

    def __init__(self) -> None:
        super().__init__()
        self.cfg = config(FREQ)
        self.eng, _ = engine(self.cfg)
        open_long(self.eng, T0, 1)
        self.snapshot()  # load the exchange calendar here, not inside the client's 5 s timeout

    def snapshot(self) -> dict[str, Any]:
        return build_snapshot(self.eng, self.cfg, "CONNECTED", later(2), started_at=T0, clocked_in={})


@pytest.fixture(autouse=True)
def no_installed_service(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever this machine has in /etc/risk-manager, these tests see no installed service."""
    monkeypatch.setenv("RISK_MANAGER_SERVICE_RECORD", str(tmp_path / "no-record.json"))


def test_trader_status_json_and_text(tmp_path: Path) -> None:
    with server_thread(EngineBackend(), tmp_path / "admin.hash") as server:
        as_json = runner.invoke(app, ["trader", "status", "--json", "--socket", server.endpoint])
        text = runner.invoke(app, ["trader", "status", "--socket", server.endpoint])
    assert as_json.exit_code == 0, as_json.output
    snap = json.loads(as_json.stdout)
    assert snap["accounts"][0]["badge"] == "COOLDOWN" and snap["daemon"]["state"] == "PROTECTED"
    assert text.exit_code == 0, text.output
    assert "PRAC-1  [COOLDOWN]" in text.stdout
    assert "COOLDOWN trade_frequency_limit until 09:30:00 (28m left)" in text.stdout
    assert "MNQ   long    1 @ 21000.00" in text.stdout and "NO STOP" in text.stdout
    assert "006 trade_frequency_limit" in text.stdout and "1/1 trades this hour [COOLDOWN 28m]" in text.stdout


def test_trader_status_says_not_monitored_and_exits_1(tmp_path: Path) -> None:
    url = str(tmp_path / "control.sock")
    res = runner.invoke(app, ["trader", "status", "--socket", url])
    assert res.exit_code == 1
    assert res.stdout.strip() == f"NOT MONITORED: the risk daemon is not reachable at {url}"
    res = runner.invoke(app, ["trader", "status", "--json", "--socket", url])
    assert res.exit_code == 1 and json.loads(res.stdout)["daemon"]["state"] == "NOT_MONITORED"
    assert "NOT MONITORED" in res.stderr


def test_socket_comes_from_the_config_file_or_its_data_dir(tmp_path: Path) -> None:
    url = str(tmp_path / "elsewhere.sock")
    cfg = tmp_path / "c.yaml"
    cfg.write_text(f"accounts: [{{name: A}}]\ndaemon: {{control_socket: {url}}}\n")
    res = runner.invoke(app, ["trader", "status", "--config", str(cfg)])
    assert res.exit_code == 1 and url in res.stdout
    cfg.write_text(f"accounts: [{{name: A}}]\ndaemon: {{data_dir: {tmp_path / 'd'}}}\n")
    res = runner.invoke(app, ["trader", "status", "--config", str(cfg)])
    assert res.exit_code == 1 and str(tmp_path / "d" / "control.sock") in res.stdout


def test_commands_find_the_installed_service_by_its_record(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from risk_manager.service.record import InstallRecord

    record = tmp_path / "service.json"
    data = tmp_path / "var-lib"
    record.write_text(InstallRecord(str(data), str(tmp_path / "run.sock"), "nobody", "/etc/x.yaml").render())
    monkeypatch.setenv("RISK_MANAGER_SERVICE_RECORD", str(record))
    res = runner.invoke(app, ["trader", "status"])
    assert res.exit_code == 1 and str(tmp_path / "run.sock") in res.stdout
    if os.geteuid() == 0:  # as root, set-password writes the hash the service user can read
        data.mkdir()
        os.chown(data, 65534, 65534)
        res = runner.invoke(app, ["admin", "set-password"], input=f"{PASSWORD}\n{PASSWORD}\n")
        assert res.exit_code == 0, res.output
        st = (data / "admin.hash").stat()
        assert (st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)) == (65534, 65534, 0o600)
        assert "readable by nobody only" in res.stdout
    os.chmod(record, 0o666)  # a record others could write is not trusted
    res = runner.invoke(app, ["trader", "status"])
    assert res.exit_code == 1 and str(tmp_path / "run.sock") not in res.stdout


def test_trader_alone_opens_the_dashboard(monkeypatch: pytest.MonkeyPatch) -> None:
    import risk_manager.tui.app as tui

    opened: list[tuple[str, float]] = []
    monkeypatch.setattr(tui, "run_dashboard", lambda url, refresh: opened.append((url, refresh)))
    assert runner.invoke(app, ["trader"]).exit_code == 0
    res = runner.invoke(app, ["trader", "dashboard", "--socket", "/run/x/c.sock", "--refresh", "2"])
    assert res.exit_code == 0 and opened[1] == ("/run/x/c.sock", 2.0)
    assert opened[0][0].endswith("/risk-manager/control.sock") and opened[0][1] == 1.0


def test_the_dashboard_without_a_terminal_says_so_instead_of_drawing_into_a_pipe() -> None:
    for args in (["trader"], ["trader", "dashboard", "--socket", "/run/x/c.sock"]):
        res = runner.invoke(app, args)  # the runner's stdin/stdout are not terminals
        assert res.exit_code == 2, res.output
        assert "the dashboard needs a terminal" in res.stderr and "trader status" in res.stderr


def test_trader_log_and_clock(tmp_path: Path) -> None:
    backend = FakeBackend()
    with server_thread(backend, tmp_path / "admin.hash") as server:
        at = ["--socket", server.endpoint]
        log = runner.invoke(app, ["trader", "log", "-n", "2", *at])
        clock = runner.invoke(app, ["trader", "clock", "in", "--account", "PRAC-2", *at])
        bad = runner.invoke(app, ["trader", "clock", "in", "--account", "NOPE", *at])
    assert log.exit_code == 0 and log.stdout.splitlines() == [
        "2026-11-20 09:01:00 UTC-06:00 PRAC-2 daily_realized_loss: warning: 80% of limit",
        "2026-11-20 09:02:00 UTC-06:00 PRAC-1 daily_realized_loss: warning: 80% of limit"]
    assert clock.exit_code == 0 and backend.clocks == [("PRAC-2", "in")]
    assert bad.exit_code == 1 and "unknown account" in bad.stderr


def test_set_password_writes_a_0600_argon2id_hash(tmp_path: Path) -> None:
    data = tmp_path / "data"
    res = runner.invoke(app, ["admin", "set-password", "--data-dir", str(data)],
                        input=f"{PASSWORD}\n{PASSWORD}\n")
    assert res.exit_code == 0, res.output
    assert PASSWORD not in res.output  # hidden input
    path = data / "admin.hash"
    encoded = read_hash(path)
    assert encoded is not None and encoded.startswith("$argon2id$") and verify_password(encoded, PASSWORD)
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    mismatch = runner.invoke(app, ["admin", "set-password", "--data-dir", str(tmp_path / "x")],
                             input=f"{PASSWORD}\nsomething else\n")
    short = runner.invoke(app, ["admin", "set-password", "--data-dir", str(tmp_path / "y")], input="short\n")
    assert mismatch.exit_code == 2 and short.exit_code == 2 and "at least 8" in short.stderr
    assert not (tmp_path / "x").exists() and not (tmp_path / "y").exists()


def test_admin_reload_and_stop_send_the_password_to_the_daemon(tmp_path: Path) -> None:
    backend = FakeBackend()
    with server_thread(backend, set_password(tmp_path, PASSWORD)) as server:
        wrong = runner.invoke(app, ["admin", "reload", "--socket", server.endpoint], input="guess-guess\n")
        ok = runner.invoke(app, ["admin", "reload", "--socket", server.endpoint], input=f"{PASSWORD}\n")
        stop = runner.invoke(app, ["admin", "stop", "--socket", server.endpoint], input=f"{PASSWORD}\n")
    assert wrong.exit_code == 1 and "wrong admin password" in wrong.stderr and backend.reloads == 1
    assert ok.exit_code == 0 and "rules.max_contracts.limit: 5 -> 3" in ok.stdout
    assert "applied live" in ok.stdout
    assert stop.exit_code == 0 and "NOT MONITORED" in stop.stdout and backend.stops == 1
    assert [a[2] for a in backend.audits] == [False, True, True]


def test_admin_audit_and_journal_read_the_store_read_only(tmp_path: Path) -> None:
    missing = runner.invoke(app, ["admin", "audit", "--data-dir", str(tmp_path)])
    assert missing.exit_code == 1 and "no risk-manager database" in missing.stderr
    assert list(tmp_path.iterdir()) == []  # nothing created
    with Store.open(tmp_path / "risk_manager.db") as store:
        store.audit("alice@127.0.0.1", "reload", False, "wrong admin password", T0)
        store.audit("alice@127.0.0.1", "stop", True, "stop requested", later(1))
        store.append_journal({"at": "2026-11-20T09:00:00-06:00", "type": "reset",
                              "trading_day": "2026-11-20"})
    res = runner.invoke(app, ["admin", "audit", "--data-dir", str(tmp_path)])
    assert res.exit_code == 0, res.output
    assert res.stdout.splitlines() == [
        "2026-11-20 15:00:00 UTC REFUSED reload  alice@127.0.0.1: wrong admin password",
        "2026-11-20 15:01:00 UTC ok      stop    alice@127.0.0.1: stop requested"]
    res = runner.invoke(app, ["admin", "journal", "--data-dir", str(tmp_path), "--json"])
    assert res.exit_code == 0 and json.loads(res.stdout)["type"] == "reset"


def test_config_set_validates_before_writing(tmp_path: Path) -> None:
    path = tmp_path / "risk_manager.yaml"
    path.write_text("# my comment\naccounts: [{name: PRAC-1}]\nschedule: {daily_reset: '17:00'}\n"
                    "rules:\n  max_contracts: {enabled: true, limit: 5}\n")
    res = runner.invoke(app, ["admin", "config", "set", str(path), "max_contracts", "limit", "3"])
    assert res.exit_code == 0, res.output
    assert "rules.max_contracts.limit: 5 -> 3" in res.stdout and "comments are not kept" in res.stdout
    cfg = load_config(path)
    assert cfg.rules.max_contracts.limit == 3 and cfg.schedule.daily_reset.hour == 17
    ok = runner.invoke(app, ["admin", "config", "set", str(path), "trade_frequency_limit", "enabled", "true"])
    assert ok.exit_code == 2 and "per_minute" in ok.stderr  # enabling needs a window: refused
    nested = runner.invoke(app, ["admin", "config", "set", str(path), "symbol_blocks", "blocked", "[M*, CL]"])
    assert nested.exit_code == 0 and load_config(path).rules.symbol_blocks.blocked == ["M*", "CL"]
    before = path.read_bytes()
    for args in (["max_contracts", "limit", "-1"], ["max_contracts", "limmit", "3"],
                 ["no_such_rule", "enabled", "true"], ["max_contracts", "enabled", "maybe"]):
        bad = runner.invoke(app, ["admin", "config", "set", str(path), *args])
        assert bad.exit_code == 2, args
        assert path.read_bytes() == before, args  # untouched
    assert "must be > 0" in runner.invoke(app, ["admin", "config", "set", str(path), "max_contracts", "limit",
                                                "0"]).stderr
    assert runner.invoke(app, ["admin", "config", "validate", str(path)]).exit_code == 0
