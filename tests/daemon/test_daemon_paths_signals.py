"""Log directory selection and signal set-up off the main thread (how a Windows service runs us)."""

import asyncio
import threading
from pathlib import Path

import pytest

from risk_manager.config import load_config_text
from risk_manager.daemon.paths import log_dir
from risk_manager.daemon.service import _install_signals


def test_log_dir_prefers_config_then_systemd_logs_directory_then_data(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plain = load_config_text("accounts: [{name: A}]\n")
    monkeypatch.delenv("LOGS_DIRECTORY", raising=False)
    assert log_dir(plain, tmp_path) == tmp_path / "logs"
    monkeypatch.setenv("LOGS_DIRECTORY", "/var/log/risk-manager")
    assert log_dir(plain, tmp_path) == Path("/var/log/risk-manager")
    explicit = load_config_text("accounts: [{name: A}]\ndaemon: {log_dir: /srv/logs}\n")
    assert log_dir(explicit, tmp_path) == Path("/srv/logs")


def test_signal_setup_off_the_main_thread_does_not_raise() -> None:
    errors: list[BaseException] = []

    def worker() -> None:
        async def main() -> None:
            _install_signals(asyncio.Event())

        try:
            asyncio.run(main())
        except BaseException as e:  # pragma: no cover - the failure being tested for
            errors.append(e)

    t = threading.Thread(target=worker)
    t.start()
    t.join(timeout=10)
    assert not t.is_alive() and errors == []
