"""Fixtures for the end-to-end tests: a simulator per test and the daemon rig (tests/support/daemon_rig.py),
its data in the test's own tmp_path."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.daemon_rig import rig, sim

__all__ = ["rig", "sim"]  # the shared fixtures


@pytest.fixture
def rig_dir(tmp_path: Path) -> Path:
    return tmp_path
