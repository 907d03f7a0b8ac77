"""What many test packages share: bounded polling, a free local port, a recorder of what callbacks got, and
the daemon rig the e2e and security tests share (``support.daemon_rig``) and an in-process control
server (``support.control_server``).

On the import path through ``pythonpath = ["tests"]`` (pyproject.toml): ``from support import until``.
"""

from support.net import free_port
from support.recorder import Recorder
from support.waiting import until, wait_until

__all__ = ["Recorder", "free_port", "until", "wait_until"]
