"""A real central server process on 127.0.0.1 for tests, with its own SQLite file."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from central.demo import enrol, load_demo_catalog
from central.storage.sqlite import SqliteStorage
from kassa.sync.v1 import sync_pb2

SECOND_STORE = sync_pb2.Store(
    id="lviv-1", name="Kassa Demo, Lviv", time_zone="Europe/Kyiv", phone_region="UA",
    currency="UAH", currency_sign="грн",
)


@dataclass
class CentralProcess:
    """Starts `central serve`, learns its port from its first line, stops it with SIGTERM
    (or SIGKILL). Its log goes to ``central.log`` next to the database."""

    db_path: Path
    port: int = 0
    tls_args: list[str] = field(default_factory=list)
    process: subprocess.Popen[str] | None = field(default=None, repr=False)

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.db_path.parent / "central.log"

    def start(self) -> None:
        with self.log_path.open("a") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "central.cli", "serve", "--db", str(self.db_path),
                 "--listen", f"127.0.0.1:{self.port}", *self.tls_args],
                stdout=subprocess.PIPE,
                stderr=log,
                text=True,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
            )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line.startswith("central listening on port "):
            self.process.kill()
            raise RuntimeError(f"central did not start: {line!r}")
        self.port = int(line.rsplit(" ", 1)[1])

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=20)
        self.process = None

    def kill(self) -> None:
        """kill -9: no shutdown, no flushing; committed transactions must survive."""
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=20)
        self.process = None


def prepare_chain(db_path: Path) -> dict[str, str]:
    """Demo catalog plus a second store; enrols till A (demo store) and till B (Lviv).

    Returns the tokens by till id.
    """
    storage = SqliteStorage(db_path)
    try:
        load_demo_catalog(storage)
        storage.put_store(SECOND_STORE)
        return {
            "A1": enrol(storage, "A1", "kyiv-1"),
            "B1": enrol(storage, "B1", SECOND_STORE.id),
        }
    finally:
        storage.close()
