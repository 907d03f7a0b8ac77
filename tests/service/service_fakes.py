"""Fakes for the service installers: a recording runner and hosts that never touch the real machine."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePath

from risk_manager.service.instance import Instance
from risk_manager.service.linux import SYSTEMD_MARKER
from risk_manager.service.linux_host import LinuxHost
from risk_manager.service.plan import InstallPlan
from risk_manager.service.runner import CommandResult
from risk_manager.service.windows_host import WinHost

MINIMAL_CONFIG = "accounts:\n  - name: PRAC-V2-1\n"


class RecordingRunner:
    """Records every argv; answers by the longest matching argv prefix, else rc 0."""

    def __init__(self, answers: dict[tuple[str, ...], CommandResult | list[CommandResult]] | None = None):
        self.calls: list[list[str]] = []
        self.answers = dict(answers or {})

    def __call__(self, argv: Sequence[str]) -> CommandResult:
        self.calls.append(list(argv))
        for n in range(len(argv), 0, -1):
            answer = self.answers.get(tuple(argv[:n]))
            if isinstance(answer, list):  # a sequence of answers, the last one repeats
                return answer.pop(0) if len(answer) > 1 else answer[0]
            if answer is not None:
                return answer
        return CommandResult(0)


@dataclass
class FakeMachine:
    """In-memory files: written (path -> (text, mode)), secured and removed paths, printed lines."""

    existing: set[PurePath] = field(default_factory=lambda: {SYSTEMD_MARKER})
    written: dict[PurePath, tuple[str, int]] = field(default_factory=dict)
    secured: list[PurePath] = field(default_factory=list)
    removed: list[PurePath] = field(default_factory=list)
    dirs: list[PurePath] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    sleeps: list[float] = field(default_factory=list)
    services: list[str] = field(default_factory=list)  # Windows services registered, by name

    def exists(self, path: PurePath) -> bool:
        return path in self.existing or path in self.written

    def write(self, path: PurePath, text: str, mode: int = 0o644) -> None:
        self.written[path] = (text, mode)

    @property
    def output(self) -> str:
        return "\n".join(self.lines)


def root_stat(path: PurePath) -> os.stat_result:
    """Every path root-owned and world-readable/traversable: no access warnings."""
    return os.stat_result((0o100755, 0, 0, 1, 0, 0, 0, 0, 0, 0))


def linux_host(runner: RecordingRunner, machine: FakeMachine, euid: int = 0) -> LinuxHost:
    return LinuxHost(run=runner, geteuid=lambda: euid, exists=machine.exists, write_file=machine.write,
                     secure_file=machine.secured.append, remove_file=machine.removed.append,
                     out=machine.lines.append, stat=root_stat)


def win_host(runner: RecordingRunner, machine: FakeMachine, admin: bool = True,
             existed: bool = False) -> tuple[WinHost, list[InstallPlan]]:
    registered: list[InstallPlan] = []

    def register(plan: InstallPlan, inst: Instance) -> bool:
        registered.append(plan)
        machine.services.append(inst.service_name)
        return existed

    host = WinHost(run=runner, is_admin=lambda: admin, register=register, exists=machine.exists,
                   make_dirs=machine.dirs.append, write_new_file=machine.write, sleep=machine.sleeps.append,
                   out=machine.lines.append)
    return host, registered


def write_config(tmp_path: Path, text: str = MINIMAL_CONFIG) -> Path:
    path = tmp_path / "risk_manager.yaml"
    path.write_text(text)
    return path
