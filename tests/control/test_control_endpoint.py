"""Owning the endpoint: peer credentials parsed right, the socket directory checked, stale sockets
cleared, foreign or served paths refused, and one daemon per data directory."""

from __future__ import annotations

import os
import socket
import stat
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from risk_manager.control.endpoint import UnsafeEndpoint, bind_socket, check_directory, default_socket
from risk_manager.control.peer import AdminPolicy, Peer, parse_peercred, parse_xucred, peer_of
from risk_manager.daemon.lock import DataDirLock, prepare_data_dir
from risk_manager.daemon.options import EXIT_ENDPOINT, StartupError

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="Unix domain sockets")


def test_peer_credentials_are_parsed_from_the_kernel_structs() -> None:
    assert parse_peercred(struct.pack("=iII", 4242, 1000, 1001)) == Peer(1000, 1001, 4242)
    raw = struct.pack("=IIh16I", 0, 501, 2, 20, 80, *([0] * 14))  # macOS xucred: uid 501, groups 20, 80
    assert parse_xucred(raw, 77) == Peer(501, 20, 77)
    assert Peer(0, 0, 1).key == "uid:0" and Peer(1000, 1000, None).key == "uid:1000"


@posix_only
def test_the_kernel_names_the_peer_of_a_socket_pair() -> None:
    a, b = socket.socketpair(socket.AF_UNIX)
    with a, b:
        assert peer_of(a) == Peer(os.geteuid(), os.getegid(), os.getpid())
    with socket.socket() as tcp, pytest.raises(OSError, match="not a Unix domain socket"):
        peer_of(tcp)


def test_only_root_is_admin_unless_a_group_is_configured() -> None:
    assert AdminPolicy().is_admin(Peer(0, 0, 1)) and not AdminPolicy().is_admin(Peer(1000, 1000, 1))
    assert AdminPolicy(4321).is_admin(Peer(1000, 4321, 1))  # primary group
    assert not AdminPolicy(4321).is_admin(Peer(1000, 1000, 1))


def test_default_socket_follows_systemd_runtime_directory(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RUNTIME_DIRECTORY", raising=False)
    assert default_socket(tmp_path) == tmp_path / "control.sock"
    monkeypatch.setenv("RUNTIME_DIRECTORY", "/run/risk-manager")
    assert default_socket(tmp_path) == Path("/run/risk-manager/control.sock")


@posix_only
def test_a_directory_others_can_write_or_someone_else_owns_is_refused(tmp_path: Path) -> None:
    d = tmp_path / "run"
    d.mkdir()
    check_directory(d)
    d.chmod(0o777)
    with pytest.raises(UnsafeEndpoint, match="writable by group or others"):
        bind_socket(d / "control.sock")
    d.chmod(0o755)
    if os.geteuid() == 0:  # a directory the trader (uid 65534 here) pre-created and owns
        os.chown(d, 65534, 65534)
        with pytest.raises(UnsafeEndpoint, match="owned by uid 65534"):
            bind_socket(d / "control.sock")
    link = tmp_path / "link"
    link.symlink_to(d)
    with pytest.raises(UnsafeEndpoint, match="not a directory"):
        check_directory(link)


@posix_only
def test_a_stale_socket_is_replaced_but_a_served_one_or_a_file_is_not(tmp_path: Path) -> None:
    path = tmp_path / "control.sock"
    old_umask = os.umask(0o077)  # the directory it creates is 0755 whatever the umask
    try:
        bind_socket(tmp_path / "new" / "c.sock").sock.close()
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE((tmp_path / "new").stat().st_mode) == 0o755
    stale = socket.socket(socket.AF_UNIX)
    stale.bind(str(path))
    stale.close()  # a daemon killed with -9 leaves its socket file behind
    bound = bind_socket(path)
    try:
        assert stat.S_IMODE(path.stat().st_mode) == 0o666
        with pytest.raises(UnsafeEndpoint, match="already serves"):
            bind_socket(path)  # somebody is listening there
    finally:
        bound.sock.close()
        bound.remove()
    assert not path.exists()
    path.write_text("not a socket")
    with pytest.raises(UnsafeEndpoint, match="not this service's socket"):
        bind_socket(path)


@posix_only
def test_one_daemon_per_data_directory_names_the_holder(tmp_path: Path) -> None:
    data = tmp_path / "data"
    prepare_data_dir(data)
    assert stat.S_IMODE(data.stat().st_mode) == 0o751
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time; from pathlib import Path; from risk_manager.daemon.lock import DataDirLock\n"
        f"DataDirLock(Path({str(data)!r})).acquire(); print('held', flush=True); time.sleep(30)")],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(StartupError) as refused:
            DataDirLock(data).acquire()
        assert refused.value.code == EXIT_ENDPOINT == 6
        assert f"pid {holder.pid}" in str(refused.value) and str(data) in str(refused.value)
    finally:
        holder.kill()
        holder.wait()
    lock = DataDirLock(data)
    lock.acquire()  # the kernel dropped the dead holder's lock
    assert stat.S_IMODE((data / "daemon.lock").stat().st_mode) == 0o640
    lock.release()
