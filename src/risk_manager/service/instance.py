"""Which service instance: the single unnamed one, or one of several named ones (one per login / API key).

``risk-manager service install --name NAME`` installs an instance with everything of its own:

- Linux: the systemd template unit ``risk-manager@.service`` (written once, shared) and, per instance, a
  drop-in ``risk-manager@NAME.service.d/instance.conf`` with its command line (its own config); data in
  ``/var/lib/risk-manager/NAME``, logs in ``/var/log/risk-manager/NAME``, the control socket in
  ``/run/risk-manager/NAME/``, credentials and the install record in ``/etc/risk-manager/NAME/``.
- Windows: the service ``RiskManager-NAME``, data in ``%ProgramData%\\RiskManager-NAME``, the control pipe
  ``\\\\.\\pipe\\RiskManager-NAME``.

The unnamed instance keeps the paths it always had. Pure values: every path is unit-tested.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")
BASE = "risk-manager"
SYSTEMD_DIR = PurePosixPath("/etc/systemd/system")
ETC = PurePosixPath("/etc/risk-manager")
WIN_BASE = "RiskManager"


def valid_name(name: str) -> str:
    if not _NAME.match(name):
        raise ValueError(f"invalid instance name {name!r}: 1-32 letters, digits, '_' or '-', starting with a "
                         "letter or digit")
    return name


@dataclass(frozen=True, slots=True)
class Instance:
    name: str | None = None

    def __post_init__(self) -> None:
        if self.name is not None:
            valid_name(self.name)

    @property
    def label(self) -> str:
        return "the service" if self.name is None else f"instance {self.name}"

    @property
    def option(self) -> str:
        """What to add to a command line to address this instance again."""
        return "" if self.name is None else f" --name {self.name}"

    # ---- Linux --------------------------------------------------------------------------------------
    @property
    def unit(self) -> str:
        """What systemctl is given: ``risk-manager.service`` / ``risk-manager@NAME.service``."""
        return f"{BASE}.service" if self.name is None else f"{BASE}@{self.name}.service"

    @property
    def unit_file(self) -> PurePosixPath:
        """The unit file: the plain unit, or the template shared by all named instances."""
        return SYSTEMD_DIR / (f"{BASE}.service" if self.name is None else f"{BASE}@.service")

    @property
    def dropin(self) -> PurePosixPath | None:
        """A named instance's own settings (command line, user, credentials file)."""
        return None if self.name is None else SYSTEMD_DIR / f"{self.unit}.d" / "instance.conf"

    @property
    def dir_name(self) -> str:
        """StateDirectory= / LogsDirectory= / RuntimeDirectory= of this instance."""
        return BASE if self.name is None else f"{BASE}/{self.name}"

    @property
    def etc_dir(self) -> PurePosixPath:
        return ETC if self.name is None else ETC / self.name

    @property
    def env_file(self) -> PurePosixPath:
        return self.etc_dir / "credentials.env"

    @property
    def record_path(self) -> PurePosixPath:
        return self.etc_dir / "service.json"

    @property
    def state_dir(self) -> PurePosixPath:
        return PurePosixPath("/var/lib") / self.dir_name

    @property
    def logs_dir(self) -> PurePosixPath:
        return PurePosixPath("/var/log") / self.dir_name

    @property
    def socket(self) -> PurePosixPath:
        return PurePosixPath("/run") / self.dir_name / "control.sock"

    # ---- Windows ------------------------------------------------------------------------------------
    @property
    def service_name(self) -> str:
        return WIN_BASE if self.name is None else f"{WIN_BASE}-{self.name}"

    @property
    def display_name(self) -> str:
        return "Risk Manager" if self.name is None else f"Risk Manager ({self.name})"

    def program_data(self, environ: Mapping[str, str] | None = None) -> PureWindowsPath:
        env = os.environ if environ is None else environ
        return PureWindowsPath(env.get("PROGRAMDATA") or r"C:\ProgramData") / self.service_name


def from_service_name(service: str) -> Instance:
    """The instance a Windows service name stands for (``RiskManager-acct2`` -> acct2)."""
    if service == WIN_BASE:
        return Instance()
    prefix = f"{WIN_BASE}-"
    if service.startswith(prefix):
        return Instance(service[len(prefix):])
    raise ValueError(f"not a risk-manager service name: {service!r}")
