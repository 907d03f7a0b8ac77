"""What `risk-manager service install` records for the admin and trader commands: where the installed
service keeps its data, where its control socket is, which user it runs as, which config it uses.

``/etc/risk-manager/service.json`` (``/etc/risk-manager/NAME/service.json`` for a named instance;
root-owned, 0644: nothing secret in it). The CLI reads it so that
``sudo risk-manager admin set-password`` writes the hash where the service looks, owned by the service's
user, and so that every command finds the socket without options.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import asdict, dataclass
from pathlib import Path, PurePath, PurePosixPath

RECORD_PATH = PurePosixPath("/etc/risk-manager/service.json")
RUNTIME_DIR = PurePosixPath("/run/risk-manager")  # RuntimeDirectory=risk-manager
SOCKET_PATH = RUNTIME_DIR / "control.sock"


@dataclass(frozen=True, slots=True)
class InstallRecord:
    data_dir: str
    socket: str
    user: str
    config: str

    def render(self) -> str:
        return json.dumps(asdict(self), indent=2) + "\n"

    def service_uid(self) -> int | None:
        """The service user's uid, when that user exists here."""
        import pwd

        try:
            return pwd.getpwnam(self.user).pw_uid
        except KeyError:
            return None


def record_for(data_dir: PurePath, user: str, config: PurePath,
               socket: PurePath = SOCKET_PATH) -> InstallRecord:
    return InstallRecord(str(data_dir), str(socket), user, str(config))


def read_record(path: str | os.PathLike[str] | None = None, name: str | None = None) -> InstallRecord | None:
    """The installed service's record (of instance ``name``, else the unnamed one); None when there is none
    (not installed, Windows, unreadable or not root-owned: a record someone else could write is not
    trusted). ``$RISK_MANAGER_SERVICE_RECORD`` replaces the unnamed instance's path (tests)."""
    if sys.platform == "win32":
        return None
    if name is not None:
        from risk_manager.service.instance import Instance

        target = Path(path or Instance(name).record_path)
    else:
        target = Path(os.environ.get("RISK_MANAGER_SERVICE_RECORD") or path or RECORD_PATH)
    try:
        st = os.stat(target)
        if st.st_uid != 0 or st.st_mode & 0o022:
            return None
        data = json.loads(target.read_text(encoding="utf-8"))
        return InstallRecord(str(data["data_dir"]), str(data["socket"]), str(data["user"]),
                             str(data["config"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None
