"""What opening the control pipe gives a client: the channel and who is at each end. A leaf shared by the
client (pipe_client.py) and the pywin32 opener (win32_pipe.py), so neither imports the other."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from risk_manager.control.pipe_transport import Channel


@dataclass(frozen=True, slots=True)
class OpenedPipe:
    channel: Channel
    server_sid: str | None  # the user the serving process runs as (None: could not be told)
    own_sid: str | None  # the user this process runs as


Opener = Callable[[str, float], OpenedPipe]
