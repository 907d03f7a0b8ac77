"""The systemd unit, as text from a pure function (so every key and every quote is unit-tested)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import PurePath, PurePosixPath

UNIT_NAME = "risk-manager.service"
DIR_NAME = "risk-manager"  # StateDirectory= / LogsDirectory= -> /var/lib/risk-manager, /var/log/risk-manager
STATE_DIR = PurePosixPath("/var/lib") / DIR_NAME
LOGS_DIR = PurePosixPath("/var/log") / DIR_NAME
NOFILE = 65536
WATCHDOG_SEC = 30  # the daemon pings every 15 s; no healthy event-loop stall comes near it
_USER = re.compile(r"^[a-z_][a-z0-9_-]{0,31}$")

# Each hardening line was chosen not to break the daemon: CPython, SQLite in the data dir, HTTPS/websockets
# (AF_INET*), sd_notify (AF_UNIX). MemoryDenyWriteExecute is left out: cffi/ctypes callbacks may need it.
_HARDENING = (
    "NoNewPrivileges=yes",
    "ProtectSystem=strict",
    "ProtectHome=read-only",
    "PrivateTmp=yes",
    "PrivateDevices=yes",
    "ProtectKernelTunables=yes",
    "ProtectKernelModules=yes",
    "ProtectControlGroups=yes",
    "RestrictSUIDSGID=yes",
    "LockPersonality=yes",
    "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6",
)


def valid_user(name: str) -> str:
    if not _USER.match(name) or name == "root":
        raise ValueError(f"invalid service user name {name!r} (lower case, digits, '_' or '-'; not root)")
    return name


def _checked(text: str) -> str:
    if any(ord(c) < 32 or ord(c) == 127 for c in text):
        raise ValueError(f"control character in {text!r}: not allowed in a unit file")
    return text


def quote_exec_word(word: str) -> str:
    """One ExecStart= argument, double-quoted: C escapes, %% for specifiers, $$ for env expansion."""
    escaped = _checked(word).replace("\\", "\\\\").replace('"', '\\"').replace("%", "%%").replace("$", "$$")
    return f'"{escaped}"'


def quote_path(path: PurePath | str) -> str:
    """A path for ReadWritePaths= (quoted; specifiers escaped; no env expansion there)."""
    escaped = _checked(str(path)).replace("\\", "\\\\").replace('"', '\\"').replace("%", "%%")
    return f'"{escaped}"'


def bare_path(path: PurePath | str) -> str:
    """A path for EnvironmentFile=, which takes the rest of the line verbatim (no quotes, no spaces)."""
    text = _checked(str(path))
    if any(c.isspace() for c in text) or not text.startswith("/"):
        raise ValueError(f"{text!r}: EnvironmentFile must be an absolute path without spaces")
    return text.replace("%", "%%")


def _run_lines(argv: Sequence[str], user: str, env_file: PurePath) -> list[str]:
    """What differs between instances: who runs what, with which credentials."""
    if not argv or not str(argv[0]).startswith("/"):
        raise ValueError("ExecStart needs an absolute interpreter path")
    return [
        f"User={valid_user(user)}",
        f"Group={user}",
        "ExecStart=" + " ".join(quote_exec_word(str(a)) for a in argv),
        "# Credentials (PROJECT_X_USERNAME / PROJECT_X_API_KEY): read by systemd as root, root-owned 0600.",
        f"EnvironmentFile={bare_path(env_file)}",
    ]


def _common_lines(dir_name: str) -> list[str]:
    """What every instance shares. ``dir_name``: ``risk-manager``, or ``risk-manager/%i`` in the template."""
    return [
        "Restart=always",
        "RestartSec=1",  # StartLimitIntervalSec=0: never rate-limited; every second unprotected counts
        "TimeoutStartSec=180",
        "TimeoutStopSec=30",
        "# Fed from the daemon's event loop every WATCHDOG_USEC/2: a wedged loop is killed and restarted.",
        f"WatchdogSec={WATCHDOG_SEC}",
        f"StateDirectory={dir_name}",
        "StateDirectoryMode=0750",
        f"LogsDirectory={dir_name}",
        "LogsDirectoryMode=0750",
        f"# The control socket: /run/{dir_name}/control.sock. Only the service writes the directory;",
        "# anyone may connect and the daemon judges each request by the peer's uid (SO_PEERCRED).",
        f"RuntimeDirectory={dir_name}",
        "RuntimeDirectoryMode=0755",
        "# Descriptors: the daemon raises its soft limit to this; control clients are capped far below.",
        f"LimitNOFILE={NOFILE}",
        "UMask=0027",
        *_HARDENING,
    ]


def _read_write(data_dir: PurePath, writable: Sequence[PurePath]) -> str:
    rw = [data_dir, *(p for p in writable if p != data_dir)]
    return "ReadWritePaths=" + " ".join(quote_path(p) for p in rw)


def _unit(description: str, service: list[str], header: str) -> str:
    return "\n".join([
        header,
        "# Root-owned on purpose: only root can stop, disable or change the risk manager.",
        "[Unit]",
        f"Description={description}",
        "Wants=network-online.target",
        "After=network-online.target",
        "# Never give up restarting: an unprotected account is worse than a noisy log.",
        "StartLimitIntervalSec=0",
        "",
        "[Service]",
        *service,
        "",
        "[Install]",
        "WantedBy=multi-user.target",
        "",
    ])


def render_systemd_unit(*, argv: Sequence[str], user: str, data_dir: PurePath, env_file: PurePath,
                        writable: Sequence[PurePath] = ()) -> str:
    """The unit file text. ``argv`` is the full `risk-manager run` command line (absolute interpreter)."""
    service = ["Type=notify", *_run_lines(argv, user, env_file), *_common_lines(DIR_NAME),
               _read_write(data_dir, writable)]
    return _unit("Risk Manager (TopstepX/ProjectX real-time risk daemon)", service,
                 "# Written by `risk-manager service install`; re-run that instead of editing this file.")


def render_template_unit() -> str:
    """``risk-manager@.service``: everything the named instances share, directories per instance (``%i``).
    It has no ExecStart=: an instance without its drop-in (render_instance_dropin) cannot start."""
    return _unit("Risk Manager %i (TopstepX/ProjectX real-time risk daemon)",
                 ["Type=notify", *_common_lines(f"{DIR_NAME}/%i")],
                 "# Written by `risk-manager service install --name NAME`; each instance's own settings "
                 "are in risk-manager@NAME.service.d/.")


def render_instance_dropin(*, argv: Sequence[str], user: str, data_dir: PurePath, env_file: PurePath,
                           writable: Sequence[PurePath] = ()) -> str:
    """``risk-manager@NAME.service.d/instance.conf``: this instance's command line, user and credentials."""
    return "\n".join([
        "# Written by `risk-manager service install --name NAME`; re-run that instead of editing this file.",
        "[Service]",
        *_run_lines(argv, user, env_file),
        _read_write(data_dir, writable),
        "",
    ])
