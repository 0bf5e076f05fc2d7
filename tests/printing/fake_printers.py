"""Network "printers" on 127.0.0.1 for the print queue tests: real sockets, real faults."""

from __future__ import annotations

import queue
import socket
import struct
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from escpos.escpos import Escpos

#: What the printer does with one connection; returns the bytes it received.
Behaviour = Callable[[socket.socket], bytes]
PAPER_QUERY = b"\x10\x04\x04"
PAPER_OK, PAPER_OUT = 0x12, 0x72  # DLE EOT 4 replies: fixed bits, plus paper end bits


def read_all(conn: socket.socket) -> bytes:
    """A working printer: takes everything until the till closes the connection."""
    received = bytearray()
    while chunk := conn.recv(65536):
        received.extend(chunk)
    return bytes(received)


def reset_after_first_bytes(done: threading.Event) -> Behaviour:
    """A printer that takes some bytes, then drops the connection (TCP reset)."""

    def behave(conn: socket.socket) -> bytes:
        received = conn.recv(65536)
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        conn.close()
        done.set()
        return received

    return behave


def hang_after_first_bytes(got: threading.Event, release: threading.Event) -> Behaviour:
    """A printer that takes some bytes, then holds the connection until ``release``."""

    def behave(conn: socket.socket) -> bytes:
        received = conn.recv(65536)
        got.set()
        release.wait(30)
        return received

    return behave


def answer_paper_status(reply: int) -> Behaviour:
    """A printer that answers the paper status query (DLE EOT 4) with ``reply``."""

    def behave(conn: socket.socket) -> bytes:
        received = bytearray()
        while PAPER_QUERY not in received:
            chunk = conn.recv(65536)
            if not chunk:
                return bytes(received)
            received.extend(chunk)
        conn.sendall(bytes([reply]))
        return bytes(received) + read_all(conn)

    return behave


class FakePrinter:
    """Accepts connections on 127.0.0.1; each one's bytes arrive in ``jobs``, in order.

    The n-th connection gets the n-th of ``behaviours``, later ones ``read_all``.
    """

    def __init__(self, behaviours: list[Behaviour] | None = None, port: int = 0) -> None:
        self._listener = socket.create_server(("127.0.0.1", port))
        self.port: int = self._listener.getsockname()[1]
        self._behaviours = list(behaviours or [])
        self.jobs: queue.Queue[bytes] = queue.Queue()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def target(self) -> str:
        return f"127.0.0.1:{self.port}"

    def next_job(self, timeout_s: float = 10.0) -> bytes:
        return self.jobs.get(timeout=timeout_s)

    def close(self) -> None:
        self._listener.shutdown(socket.SHUT_RDWR)
        self._listener.close()
        self._thread.join(5)

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            behave = self._behaviours.pop(0) if self._behaviours else read_all
            with conn:
                try:
                    self.jobs.put(behave(conn))
                except OSError:
                    self.jobs.put(b"")


@contextmanager
def fake_printer(behaviours: list[Behaviour] | None = None, port: int = 0) -> Iterator[FakePrinter]:
    printer = FakePrinter(behaviours, port)
    try:
        yield printer
    finally:
        printer.close()


def refused_port() -> int:
    """A port on 127.0.0.1 where nothing listens: connecting is refused at once."""
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port: int = probe.getsockname()[1]
    return port


@contextmanager
def black_hole() -> Iterator[int]:
    """A port whose accept queue is full: a connection attempt hangs until its timeout."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        port = listener.getsockname()[1]
        with socket.create_connection(("127.0.0.1", port)):  # fills the one-slot queue
            yield port


class PauseAfterFirstWrite:
    """A real printer whose first write is followed by a wait for ``go``.

    Lets a test drop the connection exactly in the middle of a job.
    """

    def __init__(self, printer: Escpos, go: threading.Event) -> None:
        self._printer = printer
        self._go = go
        self._writes = 0

    def _raw(self, data: bytes) -> None:
        self._printer._raw(data)
        self._writes += 1
        if self._writes == 1:
            self._go.wait(10)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._printer, name)
