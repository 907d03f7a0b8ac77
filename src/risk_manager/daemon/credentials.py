"""Gateway credentials: from PROJECT_X_USERNAME / PROJECT_X_API_KEY, or a secrets file (SPEC §9, §12).

The secrets file is YAML (``username: …`` / ``api_key: …``) or ``KEY=VALUE`` lines (the environment variable
names, optionally ``export``-ed). On POSIX it must not be readable or writable by group or others: a file
the trader can read would hand him the key, so it is refused rather than used. Values are never logged.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ENV_USERNAME = "PROJECT_X_USERNAME"
ENV_API_KEY = "PROJECT_X_API_KEY"
_KEYS = {ENV_USERNAME: "username", ENV_API_KEY: "api_key", "username": "username", "api_key": "api_key",
         "user_name": "username", "apikey": "api_key"}


class CredentialsError(Exception):
    """Missing or unusable credentials. The message names the source, never a value."""


@dataclass(frozen=True, slots=True)
class Credentials:
    username: str
    api_key: str = field(repr=False)
    source: str = "environment"


def load_credentials(secrets_file: str | None, environ: Mapping[str, str] | None = None) -> Credentials:
    """Environment first (both variables set), else the secrets file. Raises CredentialsError."""
    env = os.environ if environ is None else environ
    user, key = env.get(ENV_USERNAME, "").strip(), env.get(ENV_API_KEY, "").strip()
    if user and key:
        return Credentials(user, key, "environment")
    if secrets_file:
        return read_secrets_file(Path(secrets_file))
    missing = [n for n, v in ((ENV_USERNAME, user), (ENV_API_KEY, key)) if not v]
    raise CredentialsError(f"no gateway credentials: set {' and '.join(missing)} or `secrets_file:` in "
                           "the config")


def read_secrets_file(path: Path) -> Credentials:
    try:
        st = path.stat()
    except FileNotFoundError:
        raise CredentialsError(f"secrets file {path} does not exist") from None
    except OSError as e:
        raise CredentialsError(f"secrets file {path} cannot be read: {e.strerror}") from None
    if os.name == "posix" and st.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise CredentialsError(f"secrets file {path} is accessible by group/others (mode "
                               f"{stat.S_IMODE(st.st_mode):o}); run: chmod 600 {path}")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        raise CredentialsError(f"secrets file {path} cannot be read: {type(e).__name__}") from None
    values = _parse(text)
    user, key = values.get("username", "").strip(), values.get("api_key", "").strip()
    if not user or not key:
        missing = [n for n, v in (("username", user), ("api_key", key)) if not v]
        raise CredentialsError(f"secrets file {path} lacks {' and '.join(missing)}")
    return Credentials(user, key, f"file {path}")


def _parse(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        data = None
    if isinstance(data, dict) and not any("=" in str(k) for k in data):
        for k, v in data.items():
            name = _KEYS.get(str(k).strip())
            if name and v is not None:
                out[name] = str(v)
        return out
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        k, v = line.split("=", 1)
        k = k.removeprefix("export ").strip()
        name = _KEYS.get(k)
        if name:
            out[name] = v.strip().strip("'\"")
    return out
