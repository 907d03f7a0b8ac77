"""Shared by scripts/journals-identical and scripts/bench-ratio: the source tree of a git revision, checked
out with ``git worktree`` into a temporary directory, and a way to run Python against it.

Both trees run in this checkout's virtual environment; ``PYTHONPATH=<tree>/src`` puts the revision's
``risk_manager`` ahead of the editable install, and every run checks which one it imported.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def git(*args: str) -> str:
    return subprocess.run(["git", "-C", str(ROOT), *args], check=True, capture_output=True,
                          text=True).stdout.strip()


@contextmanager
def tree_at(rev: str) -> Iterator[Path]:
    """A detached worktree of ``rev`` (removed afterwards)."""
    commit = git("rev-parse", "--verify", f"{rev}^{{commit}}")
    with tempfile.TemporaryDirectory(prefix="rm-rev-") as tmp:
        path = Path(tmp) / "tree"
        git("worktree", "add", "--detach", "--quiet", str(path), commit)
        try:
            yield path
        finally:
            git("worktree", "remove", "--force", str(path))


def python(tree: Path, *args: str, stdin: str | None = None,
           cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run this venv's Python with ``tree``'s sources first on the path."""
    env = {**os.environ, "PYTHONPATH": str(tree / "src"), "PYTHONHASHSEED": "0"}
    return subprocess.run([sys.executable, *args], env=env, text=True, capture_output=True, check=False,
                          input=stdin, cwd=cwd)


def check_imports_from(tree: Path) -> None:
    res = python(tree, "-c", "import risk_manager, sys; sys.stdout.write(risk_manager.__file__)")
    got = Path(res.stdout).resolve()
    if res.returncode or not got.is_relative_to((tree / "src").resolve()):
        raise SystemExit(f"{tree}: imported risk_manager from {got or res.stderr.strip()}, not its own src")
