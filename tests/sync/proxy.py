"""A loopback TCP proxy between tills and central that injects faults, seeded.

It reads the HTTP/2 frame headers going both ways (never changing a byte) to know
where each gRPC call starts and where its reply starts. For each new call it rolls:
  cut   - close the connection before the request reaches central;
  drop  - let the request through, close the connection when the reply starts
          (for a push: central has committed, the till never hears it);
  stall - hold the reply for a while (often past the till's deadline).
``freeze()`` makes the connections open at that moment carry nothing more, either way,
without closing them: a network that died without a word. Counts of each fault are kept
in ``counts``. Listens on 127.0.0.1 only.
"""

from __future__ import annotations

import asyncio
import random
import threading
from collections import Counter
from dataclasses import dataclass, field

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
HEADERS, DATA = 1, 0


@dataclass
class Faults:
    """Per-call probabilities, and how long a stall lasts (seconds, uniform)."""

    cut: float = 0.1
    drop: float = 0.1
    stall: float = 0.1
    stall_s: tuple[float, float] = (0.2, 2.5)


@dataclass(eq=False)  # kept in sets by identity
class _Connection:
    marked: dict[int, str] = field(default_factory=dict)
    closed: bool = False


class FaultProxy:
    """Run with ``start()``; ``port`` is where tills connect; ``upstream`` is central's port."""

    def __init__(self, upstream_port: int, seed: int, faults: Faults) -> None:
        self.upstream_port = upstream_port
        self.faults = faults
        self.counts: Counter[str] = Counter()
        self.port = 0
        self._random = random.Random(seed)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: asyncio.Server | None = None
        self._lock = threading.Lock()
        self._open: set[_Connection] = set()
        self._frozen: set[_Connection] = set()

    def start(self) -> None:
        self._thread.start()
        self._server = asyncio.run_coroutine_threadsafe(
            asyncio.start_server(self._accept, "127.0.0.1", 0), self._loop
        ).result(timeout=10)
        self.port = self._server.sockets[0].getsockname()[1]

    def set_faults(self, faults: Faults) -> None:
        with self._lock:
            self.faults = faults

    def freeze(self) -> None:
        """The connections open now forward nothing more and stay open; new ones work."""
        with self._lock:
            self._frozen |= self._open

    async def _hold_if_frozen(self, conn: _Connection) -> None:
        with self._lock:
            frozen = conn in self._frozen
        if frozen:
            self.counts["frozen"] += 1
            await asyncio.get_running_loop().create_future()  # never done: a dead link

    def stop(self) -> None:
        async def close() -> None:
            assert self._server is not None
            self._server.close()

        asyncio.run_coroutine_threadsafe(close(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)

    def _roll(self) -> str:
        with self._lock:
            f, r = self.faults, self._random.random()
        if r < f.cut:
            return "cut"
        if r < f.cut + f.drop:
            return "drop"
        if r < f.cut + f.drop + f.stall:
            return "stall"
        return ""

    async def _accept(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        try:
            server_r, server_w = await asyncio.open_connection("127.0.0.1", self.upstream_port)
        except OSError:
            client_w.close()
            return
        conn = _Connection()
        with self._lock:
            self._open.add(conn)

        def close() -> None:
            conn.closed = True
            for writer in (client_w, server_w):
                writer.transport.abort()

        async def upstream() -> None:
            preface = await client_r.readexactly(len(PREFACE))
            server_w.write(preface)
            while not conn.closed:
                header = await client_r.readexactly(9)
                length, kind = int.from_bytes(header[:3], "big"), header[3]
                stream = int.from_bytes(header[5:9], "big") & 0x7FFFFFFF
                body = await client_r.readexactly(length)
                if kind == HEADERS and stream and stream not in conn.marked:
                    fault = self._roll()
                    conn.marked[stream] = fault
                    if fault == "cut":
                        self.counts["cut"] += 1
                        close()
                        return
                await self._hold_if_frozen(conn)
                server_w.write(header + body)
                await server_w.drain()

        async def downstream() -> None:
            while not conn.closed:
                header = await server_r.readexactly(9)
                length, kind = int.from_bytes(header[:3], "big"), header[3]
                stream = int.from_bytes(header[5:9], "big") & 0x7FFFFFFF
                body = await server_r.readexactly(length)
                fault = conn.marked.get(stream, "") if kind in (HEADERS, DATA) else ""
                if fault == "drop":
                    self.counts["drop_reply"] += 1
                    close()
                    return
                if fault == "stall":
                    conn.marked[stream] = ""
                    self.counts["stall"] += 1
                    with self._lock:
                        low, high = self.faults.stall_s
                        pause = self._random.uniform(low, high)
                    await asyncio.sleep(pause)
                await self._hold_if_frozen(conn)
                client_w.write(header + body)
                await client_w.drain()

        pumps = [asyncio.ensure_future(upstream()), asyncio.ensure_future(downstream())]
        await asyncio.wait(pumps, return_when=asyncio.FIRST_COMPLETED)
        close()
        for pump in pumps:
            pump.cancel()
        await asyncio.gather(*pumps, return_exceptions=True)
        with self._lock:
            self._open.discard(conn)
