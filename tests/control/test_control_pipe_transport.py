"""The transport adapter alone: flow control both ways, close flushes, abort does not wait, and
connection_lost comes exactly once on the loop (a socket pair stands in for the pipe)."""

from __future__ import annotations

import asyncio
import socket
import threading

from pipe_fakes import SocketChannel

from risk_manager.control.pipe_transport import ChannelTransport


class Recorder(asyncio.Protocol):
    def __init__(self) -> None:
        self.data = bytearray()
        self.events: list[str] = []
        self.lost = asyncio.get_running_loop().create_future()
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.data += data

    def pause_writing(self) -> None:
        self.events.append("pause")

    def resume_writing(self) -> None:
        self.events.append("resume")

    def connection_lost(self, exc: Exception | None) -> None:
        self.events.append("lost")
        self.lost.set_result(None)


def _drain(sock: socket.socket, into: bytearray, gate: threading.Event) -> None:
    gate.wait(10)
    while chunk := sock.recv(65536):
        into += chunk


async def test_a_large_answer_pauses_the_writer_then_arrives_whole_and_close_flushes() -> None:
    loop = asyncio.get_running_loop()
    ours, theirs = socket.socketpair()
    proto = Recorder()
    transport = ChannelTransport(loop, SocketChannel(ours), proto, None)
    proto.connection_made(transport)
    transport.start()
    got, gate = bytearray(), threading.Event()
    reader = threading.Thread(target=_drain, args=(theirs, got, gate))
    reader.start()
    payload = bytes(range(256)) * 4096  # 1 MiB: far above the high-water mark
    transport.write(payload)
    assert proto.events == ["pause"] and transport.get_write_buffer_size() == len(payload)
    gate.set()  # the peer starts reading
    transport.close()
    await asyncio.wait_for(proto.lost, 10)
    reader.join(10)
    assert bytes(got) == payload
    assert proto.events == ["pause", "resume", "lost"]
    assert transport.is_closing() and transport.get_write_buffer_size() == 0
    theirs.close()


async def test_bytes_in_reach_the_protocol_and_the_peer_closing_ends_the_connection() -> None:
    loop = asyncio.get_running_loop()
    ours, theirs = socket.socketpair()
    proto = Recorder()
    transport = ChannelTransport(loop, SocketChannel(ours), proto, None)
    proto.connection_made(transport)
    transport.start()
    theirs.sendall(b"GET / HTTP/1.1\r\n")
    theirs.close()
    await asyncio.wait_for(proto.lost, 10)
    assert bytes(proto.data) == b"GET / HTTP/1.1\r\n" and proto.events == ["lost"]


async def test_abort_does_not_wait_for_a_peer_that_never_reads() -> None:
    loop = asyncio.get_running_loop()
    ours, theirs = socket.socketpair()
    proto = Recorder()
    transport = ChannelTransport(loop, SocketChannel(ours), proto, None)
    proto.connection_made(transport)
    transport.start()
    transport.write(b"x" * (8 * 1024 * 1024))  # more than the socket buffers hold: the writer blocks
    transport.write(b"after")
    transport.abort()
    await asyncio.wait_for(proto.lost, 10)
    assert proto.events.count("lost") == 1
    theirs.close()


async def test_paused_reading_holds_bytes_back_until_resumed() -> None:
    loop = asyncio.get_running_loop()
    ours, theirs = socket.socketpair()
    proto = Recorder()
    transport = ChannelTransport(loop, SocketChannel(ours), proto, None)
    proto.connection_made(transport)
    transport.pause_reading()
    transport.start()
    theirs.sendall(b"held")
    await asyncio.sleep(0.2)
    assert bytes(proto.data) == b"" and not transport.is_reading()
    transport.resume_reading()
    for _ in range(100):
        if proto.data:
            break
        await asyncio.sleep(0.02)
    assert bytes(proto.data) == b"held"
    transport.close()
    await asyncio.wait_for(proto.lost, 10)
    theirs.close()


async def test_an_accept_failure_is_reported_and_serving_goes_on() -> None:
    from pipe_fakes import QueueAcceptor, trader

    from risk_manager.control.pipe_serving import PipeServing

    class Flaky(QueueAcceptor):
        def __init__(self) -> None:
            super().__init__()
            self.failed = 0

        def accept(self):  # type: ignore[no-untyped-def]
            if self.failed < 2:
                self.failed += 1
                raise OSError(231, "all pipe instances are busy")
            return super().accept()

    loop = asyncio.get_running_loop()
    acceptor, warned, made = Flaky(), [], []
    ours, theirs = socket.socketpair()
    acceptor.pending.put((SocketChannel(ours), trader()))

    def factory() -> asyncio.Protocol:
        proto = Recorder()
        made.append(proto)
        return proto

    serving = PipeServing(loop, acceptor, factory, lambda key, message: warned.append((key, message)))
    serving.start()
    for _ in range(200):
        if made:
            break
        await asyncio.sleep(0.02)
    assert len(made) == 1 and made[0].transport is not None
    assert made[0].transport.get_extra_info("peer") == trader()
    assert warned and warned[0][0] == "pipe-accept" and "busy" in warned[0][1]
    await asyncio.to_thread(serving.close)
    assert acceptor.closed
    theirs.close()
    await asyncio.wait_for(made[0].lost, 10)
