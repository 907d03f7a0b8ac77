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


def render_systemd_unit(*, argv: Sequence[str], user: str, data_dir: PurePath, env_file: PurePath,
                        writable: Sequence[PurePath] = ()) -> str:
    """The unit file text. ``argv`` is the full `risk-manager run` command line (absolute interpreter)."""
    if not argv or not str(argv[0]).startswith("/"):
        raise ValueError("ExecStart needs an absolute interpreter path")
    rw = [data_dir, *(p for p in writable if p != data_dir)]
    service = [
        "Type=notify",
        f"User={valid_user(user)}",
        f"Group={user}",
        "ExecStart=" + " ".join(quote_exec_word(str(a)) for a in argv),
        "# Credentials (PROJECT_X_USERNAME / PROJECT_X_API_KEY): read by systemd as root, root-owned 0600.",
        f"EnvironmentFile={bare_path(env_file)}",
        "Restart=always",
        "RestartSec=5",
        "TimeoutStartSec=180",
        "TimeoutStopSec=30",
        f"StateDirectory={DIR_NAME}",
        "StateDirectoryMode=0750",
        f"LogsDirectory={DIR_NAME}",
        "LogsDirectoryMode=0750",
        "# The control socket: /run/risk-manager/control.sock. Only the service writes the directory;",
        "# anyone may connect and the daemon judges each request by the peer's uid (SO_PEERCRED).",
        f"RuntimeDirectory={DIR_NAME}",
        "RuntimeDirectoryMode=0755",
        "# Descriptors: the daemon raises its soft limit to this; control clients are capped far below.",
        f"LimitNOFILE={NOFILE}",
        "UMask=0027",
        *_HARDENING,
        "ReadWritePaths=" + " ".join(quote_path(p) for p in rw),
    ]
    return "\n".join([
        "# Written by `risk-manager service install`; re-run that instead of editing this file.",
        "# Root-owned on purpose: only root can stop, disable or change the risk manager.",
        "[Unit]",
        "Description=Risk Manager (TopstepX/ProjectX real-time risk daemon)",
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
