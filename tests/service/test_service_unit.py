"""The rendered systemd unit: required keys, quoting that systemd reads back exactly, no secrets."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path, PurePosixPath

import pytest
from hypothesis import given
from hypothesis import strategies as st

from risk_manager.service.linux import ENV_FILE
from risk_manager.service.plan import run_argv
from risk_manager.service.systemd_unit import render_systemd_unit

P = PurePosixPath
PY = "/opt/risk manager/.venv/bin/python"
DATA = P("/var/lib/risk-manager")


def unit(config: str = "/etc/risk-manager/risk_manager.yaml", **kw: object) -> str:
    argv = run_argv(PY, P(config), DATA)
    return render_systemd_unit(argv=argv, user="riskmgr", data_dir=DATA, env_file=ENV_FILE, **kw)  # type: ignore[arg-type]


def sections(text: str) -> dict[str, list[tuple[str, str]]]:
    out: dict[str, list[tuple[str, str]]] = {}
    current = ""
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith("["):
            current = line.strip("[]")
            out[current] = []
        else:
            key, _, value = line.partition("=")
            out[current].append((key, value))
    return out


def systemd_words(value: str) -> list[str]:
    """systemd's reading of a quoted command line: words, C escapes in quotes, then %% and $$."""
    words, i = [], 0
    while i < len(value):
        if value[i] == " ":
            i += 1
            continue
        assert value[i] == '"', value[i:]
        i += 1
        word = ""
        while value[i] != '"':
            if value[i] == "\\":
                i += 1
            word += value[i]
            i += 1
        i += 1
        words.append(word.replace("%%", "%").replace("$$", "$"))
    return words


def test_every_required_key_is_there_once() -> None:
    s = sections(unit())
    service = dict(s["Service"])
    assert len(service) == len(s["Service"]), "a key appears twice"
    assert service["Type"] == "notify"
    assert service["Restart"] == "always"
    assert service["RestartSec"] == "5"
    assert service["User"] == service["Group"] == "riskmgr"
    assert service["StateDirectory"] == service["LogsDirectory"] == "risk-manager"
    assert service["EnvironmentFile"] == "/etc/risk-manager/credentials.env"
    assert service["NoNewPrivileges"] == "yes"
    assert service["ProtectSystem"] == "strict"
    assert service["PrivateTmp"] == "yes"
    assert service["ReadWritePaths"] == '"/var/lib/risk-manager"'
    assert "AF_UNIX" in service["RestrictAddressFamilies"]  # sd_notify and the control socket need it
    assert (service["RuntimeDirectory"], service["RuntimeDirectoryMode"]) == ("risk-manager", "0755")
    assert service["LimitNOFILE"] == "65536"  # control clients are capped far below: enforcement keeps fds
    assert "WatchdogSec" not in service  # the daemon does not send WATCHDOG=1 yet
    assert dict(s["Unit"])["After"] == "network-online.target"
    assert dict(s["Install"])["WantedBy"] == "multi-user.target"


def test_execstart_is_this_interpreter_running_the_foreground_daemon() -> None:
    exec_start = dict(sections(unit())["Service"])["ExecStart"]
    assert systemd_words(exec_start) == [PY, "-m", "risk_manager.cli.main", "run", "--config",
                                         "/etc/risk-manager/risk_manager.yaml", "--data-dir", str(DATA)]
    assert exec_start.startswith('"/opt/risk manager/.venv/bin/python" ')  # the space stays inside quotes


def test_awkward_paths_are_quoted_and_escaped() -> None:
    exec_start = dict(sections(unit('/etc/r m/%i "$HOME" \\x.yaml'))["Service"])["ExecStart"]
    assert '"/etc/r m/%%i \\"$$HOME\\" \\\\x.yaml"' in exec_start
    assert systemd_words(exec_start)[5] == '/etc/r m/%i "$HOME" \\x.yaml'


PRINTABLE = st.characters(codec="utf-8", max_codepoint=0x2FF, exclude_categories=["Cc"])


@given(st.lists(st.text(PRINTABLE, min_size=1), max_size=5))
def test_any_printable_argument_round_trips(args: list[str]) -> None:
    argv = [PY, *args]
    text = render_systemd_unit(argv=argv, user="riskmgr", data_dir=DATA, env_file=ENV_FILE)
    assert systemd_words(dict(sections(text)["Service"])["ExecStart"]) == argv


def test_extra_writable_paths_are_quoted_and_deduplicated() -> None:
    text = unit(writable=[P("/srv/rm logs"), DATA])
    assert dict(sections(text)["Service"])["ReadWritePaths"] == '"/var/lib/risk-manager" "/srv/rm logs"'


def test_no_secret_reaches_the_unit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PROJECT_X_USERNAME", "trader-joe")
    monkeypatch.setenv("PROJECT_X_API_KEY", "sk-very-secret-123")
    text = unit()
    assert "sk-very-secret" not in text and "trader-joe" not in text
    keys = [k for k, _ in sections(text)["Service"]]
    assert "Environment" not in keys and "LoadCredential" not in keys
    assert "PROJECT_X_API_KEY=" not in text


@pytest.mark.parametrize("bad", [{"user": "root"}, {"user": "Bad User"}, {"argv": ["python", "run"]},
                                 {"data_dir": P("/var/lib/x\nExecStartPre=/bin/sh")}])
def test_refuses_what_would_make_a_wrong_or_injected_unit(bad: dict[str, object]) -> None:
    kw: dict[str, object] = {"argv": [PY, "run"], "user": "riskmgr", "data_dir": DATA, "env_file": ENV_FILE}
    kw.update(bad)
    with pytest.raises(ValueError):
        render_systemd_unit(**kw)  # type: ignore[arg-type]


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze not installed")
def test_systemd_itself_parses_the_unit_without_complaint(tmp_path: Path) -> None:
    path = tmp_path / "risk-manager.service"
    path.write_text(unit('/etc/r m/%i.yaml', writable=[P("/srv/rm logs")]))
    done = subprocess.run(["systemd-analyze", "verify", "--man=no", str(path)],
                          capture_output=True, text=True, timeout=60, check=False)
    complaints = [line for line in (done.stdout + done.stderr).splitlines() if str(path) in line]
    assert complaints == []
