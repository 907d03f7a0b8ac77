"""The daemon backend's self-lock on a real engine, and `risk-manager trader lock` against a served API."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from control_helpers import T0, config, engine, later, open_long
from typer.testing import CliRunner

from risk_manager.cli.main import app
from risk_manager.clock.clock import VirtualClock
from risk_manager.control.daemon_backend import DaemonBackend
from risk_manager.engine.actions import Action
from risk_manager.store import Store
from support.control_server import FakeBackend, server_thread

MAXC = "  max_contracts: {enabled: true, limit: 5}\n"


def backend(tmp_path: Path) -> tuple[DaemonBackend, list[list[Action]], VirtualClock]:
    cfg = config(MAXC)
    eng, _ = engine(cfg)
    open_long(eng, T0, 1, size=2)
    clock = VirtualClock(later(1))
    done: list[list[Action]] = []
    b = DaemonBackend(eng, cfg, Store.open(tmp_path / "db.sqlite"), clock=clock,
                      link_state=lambda: "CONNECTED", request_stop=lambda: None, after_lock=done.append)
    return b, done, clock


def test_lock_extends_never_shortens_and_flattens_when_asked(tmp_path: Path) -> None:
    b, done, clock = backend(tmp_path)
    (first,) = b.self_lock(None, "1h", False)
    assert (first["account"], first["kind"], first["extended"], first["flatten"]) == (
        "PRAC-1", "cooldown", True, False)
    assert first["until"] == "2026-11-20T10:01:00-06:00" and done == [[]]
    clock.advance(timedelta(seconds=60))
    (shorter,) = b.self_lock("PRAC-1", "10m", True)
    assert shorter["until"] == first["until"] and not shorter["extended"]
    assert shorter["flatten"] and [a.kind for a in done[-1]] == ["flatten"]
    (longer,) = b.self_lock("PRAC-1", "until_reset", False)
    assert (longer["kind"], longer["until"]) == ("hard", "2026-11-20T17:00:00-06:00") and longer["extended"]


def test_bad_requests(tmp_path: Path) -> None:
    b, _, _ = backend(tmp_path)
    for account, duration, error in [("NOPE", "1h", KeyError), (None, "soon", ValueError)]:
        try:
            b.self_lock(account, duration, False)
        except error:
            continue
        raise AssertionError(f"{account} {duration} accepted")


def test_cli_lock_asks_first_and_reports(tmp_path: Path) -> None:
    fake = FakeBackend()
    runner = CliRunner()
    with server_thread(fake, tmp_path / "admin.hash") as server:
        refused = runner.invoke(app, ["trader", "lock", "30m", "--socket", server.endpoint], input="n\n")
        assert refused.exit_code == 1 and fake.locks == []
        ok = runner.invoke(app, ["trader", "lock", "30m", "--flatten", "--socket", server.endpoint],
                           input="y\n")
        assert ok.exit_code == 0, ok.output
        assert "PRAC-1: locked (cooldown) until 2026-11-20 09:30:00 UTC-06:00 — flattening" in ok.stdout
        yes = runner.invoke(app, ["trader", "lock", "until_reset", "-y", "--account", "PRAC-2",
                                  "--socket", server.endpoint])
        assert yes.exit_code == 0, yes.output
        bad = runner.invoke(app, ["trader", "lock", "soon", "-y", "--socket", server.endpoint])
        assert bad.exit_code == 2
    assert fake.locks == [(None, "30m", True), ("PRAC-2", "until_reset", False)]
