"""systemd install / uninstall / start / stop / restart / status (SPEC §12).

Why a trader cannot stop it: the unit file lives in /etc/systemd/system and is root-owned; the daemon runs
as its own system user (no login shell, no home); only root may start, stop, disable or edit the unit, and
``Restart=always`` brings back a crashed or killed daemon after 1 s. The gateway credentials sit in
/etc/risk-manager/credentials.env (root-owned, 0600) and reach the daemon as environment variables that
systemd reads as root: the trader cannot read the file, and the installer never reads or prints it. This
holds as long as the trader's account has no sudo rights.
"""

from __future__ import annotations

from pathlib import PurePath, PurePosixPath

from risk_manager.service.instance import Instance
from risk_manager.service.linux_host import LinuxHost, access_warnings
from risk_manager.service.plan import InstallPlan
from risk_manager.service.record import record_for
from risk_manager.service.runner import ServiceError, check
from risk_manager.service.systemd_unit import (
    STATE_DIR,
    UNIT_NAME,
    render_instance_dropin,
    render_systemd_unit,
    render_template_unit,
    valid_user,
)

UNIT_PATH = PurePosixPath("/etc/systemd/system") / UNIT_NAME
ETC_DIR = PurePosixPath("/etc/risk-manager")
ENV_FILE = ETC_DIR / "credentials.env"
SYSTEMD_MARKER = PurePosixPath("/run/systemd/system")  # exists only when systemd is PID 1
DEFAULT_USER = "riskmgr"
UNNAMED = Instance()
DEFAULT_DATA_DIR = STATE_DIR
ENV_TEMPLATE = """\
# Gateway credentials for risk-manager.service, read by systemd (as root) at each start.
# Keep this file root-owned with mode 0600; the service user cannot read it and does not need to.
# Fill in both lines, remove the leading '#', then: sudo risk-manager service restart
#PROJECT_X_USERNAME=
#PROJECT_X_API_KEY=
"""
_RISKY_DIRS = {PurePosixPath(p) for p in ("/var/lib", "/var/log", "/var/cache", "/var/tmp", "/usr/local",
                                          "/home", "/root", "/opt", "/srv", "/etc", "/tmp", "/run")}


def require_root(host: LinuxHost, what: str) -> None:
    if host.geteuid() != 0:
        raise ServiceError(f"`risk-manager service {what}` needs root: the service is root-owned on purpose "
                           f"so a trader account cannot stop it. Run: sudo risk-manager service {what} ...")


def _refuse_mixing(host: LinuxHost, inst: Instance) -> None:
    """The unnamed unit's RuntimeDirectory=risk-manager is /run/risk-manager itself, which systemd removes
    when it stops: with named instances beside it, their sockets would go with it."""
    other = Instance("x").unit_file if inst.name is None else Instance().unit_file
    if host.exists(other):
        raise ServiceError(f"{other} is installed: the unnamed service and named instances cannot live side "
                           "by side (stopping the unnamed one would remove the named ones' control sockets "
                           "in /run/risk-manager). Uninstall it first, or install every login under a name.")


def install(host: LinuxHost, plan: InstallPlan, user: str = DEFAULT_USER,
            inst: Instance = UNNAMED) -> None:
    require_root(host, "install")
    if not host.exists(SYSTEMD_MARKER):
        raise ServiceError("systemd is not running here (no /run/systemd/system); run `risk-manager run` "
                           "under your own supervisor instead")
    try:
        valid_user(user)
    except ValueError as e:
        raise ServiceError(str(e)) from None
    _refuse_mixing(host, inst)
    own_dirs = _own_dirs(plan, inst)
    for w in access_warnings(host, plan.config, plan.python, user):
        host.out(f"warning: {w}")
    if host.run(["getent", "passwd", user]).returncode != 0:
        check(host.run, ["useradd", "--system", "--user-group", "--no-create-home", "--home-dir",
                         str(DEFAULT_DATA_DIR), "--shell", "/usr/sbin/nologin", user],
              f"creating user {user}")
        host.out(f"created system user {user}")
    new_env = _ensure_env_file(host, inst)
    for d in own_dirs:  # outside StateDirectory=/LogsDirectory=, which systemd creates and chowns itself
        check(host.run, ["install", "-d", "-m", "0750", "-o", user, "-g", user, str(d)], f"creating {d}")
        check(host.run, ["chown", "-R", f"{user}:{user}", str(d)], f"handing {d} to {user}")
    writable = [plan.log_dir] if not _under(plan.log_dir, plan.data_dir) else []
    reinstall = _write_unit(host, inst, plan, user, writable)
    record = record_for(plan.data_dir, user, plan.config, inst.socket)
    host.write_file(inst.record_path, record.render(), 0o644)  # where admin/trader commands find it
    host.out(f"wrote {inst.record_path} (data {record.data_dir}, socket {record.socket})")
    check(host.run, ["systemctl", "daemon-reload"], "systemctl daemon-reload")
    unit = inst.unit
    if new_env and not plan.has_secrets_file:
        check(host.run, ["systemctl", "enable", unit], "enabling the service")
        host.out(f"enabled {unit} (starts at boot) but did not start it: put PROJECT_X_USERNAME and "
                 f"PROJECT_X_API_KEY into {inst.env_file}, then run: sudo risk-manager service start"
                 f"{inst.option}")
        return
    if reinstall:  # a running service keeps its old command line until restarted
        check(host.run, ["systemctl", "enable", unit], "enabling the service")
        check_or_hint(host, ["systemctl", "restart", unit], "restarting the service", inst)
    else:
        check_or_hint(host, ["systemctl", "enable", "--now", unit], "starting the service", inst)
    host.out(f"{unit} is enabled and running (it reported READY). Check: risk-manager service status"
             f"{inst.option}")


def _write_unit(host: LinuxHost, inst: Instance, plan: InstallPlan, user: str,
                writable: list[PurePath]) -> bool:
    """The unit (unnamed), or the shared template plus this instance's drop-in. True on a reinstall."""
    if inst.dropin is None:
        reinstall = host.exists(inst.unit_file)
        host.write_file(inst.unit_file, render_systemd_unit(argv=plan.argv, user=user, data_dir=plan.data_dir,
                                                            env_file=inst.env_file, writable=writable), 0o644)
        host.out(f"wrote {inst.unit_file}")
        return reinstall
    reinstall = host.exists(inst.dropin)
    host.write_file(inst.unit_file, render_template_unit(), 0o644)
    host.write_file(inst.dropin, render_instance_dropin(argv=plan.argv, user=user, data_dir=plan.data_dir,
                                                        env_file=inst.env_file, writable=writable), 0o644)
    host.out(f"wrote {inst.unit_file} and {inst.dropin}")
    return reinstall


def uninstall(host: LinuxHost, inst: Instance = UNNAMED) -> None:
    require_root(host, "uninstall")
    stopped = host.run(["systemctl", "disable", "--now", inst.unit])
    if not stopped.ok:
        host.out(f"note: systemctl disable --now: {(stopped.stderr or stopped.stdout).strip()}")
    # a named instance leaves the shared template: without its drop-in no instance of it can start
    own = (inst.unit_file,) if inst.dropin is None else (inst.dropin,)
    for path in (*own, inst.record_path):
        if host.exists(path):
            host.remove_file(path)
            host.out(f"removed {path}")
    check(host.run, ["systemctl", "daemon-reload"], "systemctl daemon-reload")
    host.run(["systemctl", "reset-failed", inst.unit])  # forget a failed state; fails harmlessly if none
    host.out(f"kept the journal and database ({inst.state_dir} or your --data-dir), {inst.etc_dir} and the "
             f"service user; remove them by hand if you really want to (userdel, rm -r).")


def control(host: LinuxHost, action: str, inst: Instance = UNNAMED) -> None:
    """start / stop / restart: root only, waits for systemd (start waits for READY=1)."""
    if action not in ("start", "stop", "restart"):
        raise ValueError(action)
    require_root(host, action)
    check_or_hint(host, ["systemctl", action, inst.unit], f"{action} {inst.unit}", inst)
    host.out(f"{inst.unit}: {action} done")


def status(host: LinuxHost, inst: Instance = UNNAMED) -> int:
    """Print `systemctl status`; returns its exit code (0 running, 3 stopped, 4 not installed)."""
    if inst.dropin is not None and not host.exists(inst.dropin):  # systemd would load the bare template
        host.out(f"{inst.unit} is not installed (no {inst.dropin})")
        return 4
    result = host.run(["systemctl", "status", "--no-pager", "--lines=20", inst.unit])
    text = (result.stdout or result.stderr).rstrip()
    if text:
        host.out(text)
    return result.returncode


def check_or_hint(host: LinuxHost, argv: list[str], what: str, inst: Instance = UNNAMED) -> None:
    try:
        check(host.run, argv, what)
    except ServiceError as e:
        raise ServiceError(f"{e}\nsee: journalctl -u {inst.unit} -e") from None


def _ensure_env_file(host: LinuxHost, inst: Instance) -> bool:
    """Create the credentials file (comment only) if missing; else only fix its owner/mode. True if new."""
    env = inst.env_file
    if host.exists(env):
        host.secure_file(env)
        return False
    host.write_file(env, ENV_TEMPLATE.replace("risk-manager.service", inst.unit)
                    .replace("service restart", f"service restart{inst.option}"), 0o600)
    host.out(f"created {env} (root-owned, 0600, no credentials yet)")
    return True


def _own_dirs(plan: InstallPlan, inst: Instance) -> list[PurePath]:
    """Data/log directories systemd does not manage: the installer creates them and hands them over."""
    dirs = [plan.data_dir] if not _under(plan.data_dir, inst.state_dir) else []
    if not _under(plan.log_dir, inst.logs_dir) and not _under(plan.log_dir, plan.data_dir):
        dirs.append(plan.log_dir)
    for d in dirs:
        if not d.is_absolute() or len(d.parts) < 3 or d in _RISKY_DIRS:
            raise ServiceError(f"refusing {d} as a data/log directory: it would be handed to the service "
                               "user; use a dedicated directory such as /var/lib/risk-manager")
    return dirs


def _under(path: PurePath, base: PurePath) -> bool:
    return path == base or base in path.parents
