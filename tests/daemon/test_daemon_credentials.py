"""Credentials: environment first, else a private secrets file (YAML or KEY=VALUE); never in repr."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from risk_manager.daemon.credentials import CredentialsError, load_credentials


def secrets(tmp_path: Path, text: str, mode: int = 0o600) -> str:
    p = tmp_path / "secrets"
    p.write_text(text)
    p.chmod(mode)
    return str(p)


def test_environment_wins_and_the_key_never_shows_in_repr(tmp_path: Path) -> None:
    env = {"PROJECT_X_USERNAME": "alice", "PROJECT_X_API_KEY": "k" * 20}
    c = load_credentials(secrets(tmp_path, "username: bob\napi_key: other-key-123"), env)
    assert (c.username, c.api_key, c.source) == ("alice", "k" * 20, "environment")
    assert "k" * 20 not in repr(c)


def test_yaml_and_key_value_files(tmp_path: Path) -> None:
    c = load_credentials(secrets(tmp_path, "username: bob\napi_key: yaml-key-123456\n"), {})
    assert (c.username, c.api_key) == ("bob", "yaml-key-123456")
    kv = "# comment\nexport PROJECT_X_USERNAME=carol\nPROJECT_X_API_KEY='kv-key-1234567'\n"
    c = load_credentials(secrets(tmp_path, kv), {})
    assert (c.username, c.api_key) == ("carol", "kv-key-1234567")


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
@pytest.mark.parametrize("mode", [0o640, 0o604, 0o660])
def test_a_file_others_can_read_is_refused(tmp_path: Path, mode: int) -> None:
    path = secrets(tmp_path, "username: bob\napi_key: yaml-key-123456\n", mode)
    with pytest.raises(CredentialsError, match="chmod 600") as e:
        load_credentials(path, {})
    assert "yaml-key-123456" not in str(e.value)


def test_missing_everything_names_what_to_set(tmp_path: Path) -> None:
    with pytest.raises(CredentialsError, match="PROJECT_X_API_KEY"):
        load_credentials(None, {"PROJECT_X_USERNAME": "alice"})
    with pytest.raises(CredentialsError, match="does not exist"):
        load_credentials(str(tmp_path / "nope"), {})
    with pytest.raises(CredentialsError, match="lacks api_key"):
        load_credentials(secrets(tmp_path, "username: bob\n"), {})
