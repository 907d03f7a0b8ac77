"""The command-runner seam: installers call ``runner(argv)`` so tests can record instead of execute."""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol


class ServiceError(Exception):
    """A refusal or failure the CLI prints as one clear message and turns into ``exit_code``."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


@dataclass(frozen=True, slots=True)
class CommandResult:
    returncode: int
    stdout: str = ""
    stderr: str = ""

    @property
    def ok(self) -> bool:
        return self.returncode == 0


class Runner(Protocol):
    def __call__(self, argv: Sequence[str]) -> CommandResult: ...


def run_command(argv: Sequence[str]) -> CommandResult:
    """Run a command without a shell, capture its output; a missing program is rc 127, not a traceback."""
    try:
        done = subprocess.run(list(argv), capture_output=True, text=True, check=False, timeout=300)
    except FileNotFoundError:
        return CommandResult(127, "", f"{argv[0]}: command not found")
    except subprocess.TimeoutExpired:
        return CommandResult(124, "", f"{argv[0]}: no answer within 300 s")
    return CommandResult(done.returncode, done.stdout or "", done.stderr or "")


def check(run: Runner, argv: Sequence[str], what: str) -> CommandResult:
    """Run and raise ServiceError naming the step (and the command's own message) when it fails."""
    result = run(argv)
    if not result.ok:
        detail = (result.stderr or result.stdout).strip()
        raise ServiceError(f"{what} failed ({' '.join(argv)}, exit {result.returncode})"
                           + (f": {detail}" if detail else ""))
    return result
