"""scripts/_env.sh in a fresh shell: uv in ~/.local/bin but not on PATH is found, not re-installed."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _stub(path: Path, log: Path, name: str) -> None:
    path.write_text(f"#!/bin/sh\necho \"{name} $*\" >> {log}\n")
    path.chmod(0o755)


@pytest.mark.skipif(os.name != "posix" or shutil.which("bash") is None, reason="POSIX shell script")
def test_env_finds_uv_in_local_bin_without_pip(tmp_path: Path) -> None:
    home, bin_dir, log = tmp_path / "home", tmp_path / "bin", tmp_path / "calls.log"
    (home / ".local" / "bin").mkdir(parents=True)
    bin_dir.mkdir()
    _stub(home / ".local" / "bin" / "uv", log, "uv")
    for py in ("python3.12", "python3"):  # a pip install would go through these
        _stub(bin_dir / py, log, py)
    env = {"HOME": str(home), "PATH": f"{bin_dir}:/usr/bin:/bin"}
    done = subprocess.run(["bash", "-c", f"source {ROOT / 'scripts' / '_env.sh'} && command -v uv"],
                          env=env, capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(home / ".local" / "bin" / "uv")
    assert log.read_text().splitlines() == ["uv sync --frozen --quiet"]  # no pip, no root warning
