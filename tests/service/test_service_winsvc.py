"""The pywin32 service class on Linux: imports without pywin32, SvcStop reaches the daemon's loop,
SvcDoRun's in-process run keeps the `risk-manager run` exit codes."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from service_fakes import write_config

from risk_manager.service.windows_run import StopBridge, run_in_process


def test_windows_modules_import_on_linux_with_pywin32_blocked() -> None:
    code = (
        "import sys\n"
        "for m in ('win32serviceutil', 'win32service', 'servicemanager', 'pywintypes', 'winerror'):\n"
        "    sys.modules[m] = None  # any import of pywin32 now raises ImportError\n"
        "import risk_manager.service.windows_service as ws, risk_manager.service.windows_host as wh\n"
        "import risk_manager.cli.service_cmd\n"
        "c = ws.RiskManagerService\n"
        "print(c._svc_name_, c._svc_display_name_, wh.is_admin(), sep='|')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "RiskManager|Risk Manager|False"


def test_registration_is_refused_off_windows() -> None:
    from risk_manager.service.windows_host import register_service

    with pytest.raises(RuntimeError, match="only be registered on Windows"):
        register_service(None, None)  # type: ignore[arg-type]


def test_svcstop_reports_stop_pending_and_requests_the_stop() -> None:
    from risk_manager.service.windows_service import RiskManagerService

    svc = RiskManagerService(["RiskManager"])
    svc.SvcStop()
    assert svc.bridge.requested
    assert svc.reported == [(3, 30_000)]  # SERVICE_STOP_PENDING with a 30 s hint


async def test_a_stop_from_another_thread_wakes_the_daemon_loop() -> None:
    bridge, stop = StopBridge(), asyncio.Event()
    bridge.attach(asyncio.get_running_loop(), stop)
    threading.Thread(target=bridge.request).start()
    await asyncio.wait_for(stop.wait(), 2.0)


async def test_a_stop_before_the_loop_exists_is_not_lost() -> None:
    bridge, stop = StopBridge(), asyncio.Event()
    bridge.request()
    bridge.attach(asyncio.get_running_loop(), stop)
    assert stop.is_set()


def test_invalid_config_exits_2_and_is_reported(tmp_path: Path) -> None:
    reports: list[str] = []
    config = write_config(tmp_path, "bogus: 1\n")
    code = run_in_process(config, tmp_path / "data", StopBridge(), reports.append)
    assert code == 2 and "invalid config" in reports[0]


def test_missing_credentials_exit_3_and_the_data_dir_file_is_used(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PROJECT_X_USERNAME", raising=False)
    monkeypatch.delenv("PROJECT_X_API_KEY", raising=False)
    reports: list[str] = []
    data = tmp_path / "data"
    assert run_in_process(write_config(tmp_path), data, StopBridge(), reports.append) == 3
    assert "no gateway credentials" in reports[-1]
    data.mkdir()
    (data / "credentials.env").write_text("#PROJECT_X_USERNAME=\n")  # the installer's template, unfilled
    (data / "credentials.env").chmod(0o600)
    assert run_in_process(write_config(tmp_path), data, StopBridge(), reports.append) == 3
    assert "credentials.env lacks username and api_key" in reports[-1]


def test_the_service_and_run_prepare_the_same_daemon(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 8.3: one preparation for both entry points; the options carry the config path in both."""
    from typer.testing import CliRunner

    import risk_manager.daemon.service as service
    from risk_manager.cli.main import app
    from risk_manager.daemon.logs import remove_handlers

    monkeypatch.setenv("PROJECT_X_USERNAME", "someone")
    monkeypatch.setenv("PROJECT_X_API_KEY", "k" * 20)
    seen: list[tuple[object, object]] = []

    async def fake_serve(cfg: object, connector: object, options: object, stop: object = None) -> int:
        seen.append((cfg, options))
        return 0

    monkeypatch.setattr(service, "serve", fake_serve)
    config, data = write_config(tmp_path), tmp_path / "data"
    res = CliRunner().invoke(app, ["run", "--config", str(config), "--data-dir", str(data)])
    assert res.exit_code == 0, res.output
    assert run_in_process(config, data, StopBridge(), lambda _: None) == 0
    remove_handlers()
    (cli_cfg, cli_opts), (svc_cfg, svc_opts) = seen
    assert cli_cfg == svc_cfg
    assert svc_opts.config_path == config.resolve()  # type: ignore[attr-defined]
    fields = [f for f in svc_opts.__slots__ if f != "started_at"]  # type: ignore[attr-defined]
    assert [getattr(cli_opts, f) for f in fields if f != "clock"] == \
        [getattr(svc_opts, f) for f in fields if f != "clock"]


def test_the_service_serves_its_own_control_pipe(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each service instance claims its own pipe: the name reaches the daemon's options (the Win32 claim
    itself, control/win32_pipe.py, cannot run here)."""
    import risk_manager.daemon.service as service
    from risk_manager.control.windows_pipe import pipe_name
    from risk_manager.daemon.logs import remove_handlers

    monkeypatch.setenv("PROJECT_X_USERNAME", "someone")
    monkeypatch.setenv("PROJECT_X_API_KEY", "k" * 20)
    seen: list[object] = []

    async def fake_serve(cfg: object, connector: object, options: object, stop: object = None) -> int:
        seen.append(options)
        return 0

    monkeypatch.setattr(service, "serve", fake_serve)
    config, data = write_config(tmp_path), tmp_path / "data"
    assert run_in_process(config, data, StopBridge(), lambda _: None, pipe=pipe_name("acct2")) == 0
    remove_handlers()
    assert str(seen[0].control_socket) == "\\\\.\\pipe\\RiskManager-acct2"  # type: ignore[attr-defined]
