"""A throwaway PostgreSQL server on 127.0.0.1 for tests: initdb into a temporary folder,
then ``postgres`` on a free port, stopped and removed afterwards.

initdb refuses to run as root, so as root the server runs as the ``postgres`` system user
(or ``nobody``), in a folder that user owns.
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

SUPERUSER = "kassa"
MISSING = ("PostgreSQL server binaries (initdb, postgres) not found: `make test` installs "
           "them (Debian package postgresql), or set KASSA_PG_BIN to their folder")


def find_binaries() -> Path | None:
    """The folder holding initdb and postgres: $KASSA_PG_BIN, Debian's newest
    /usr/lib/postgresql/<version>/bin, or PATH."""
    candidates = [Path(p) for p in [os.environ.get("KASSA_PG_BIN", "")] if p]
    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"),
                         key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
                         reverse=True)
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(Path(on_path).parent)
    for folder in candidates:
        if (folder / "initdb").is_file() and (folder / "postgres").is_file():
            return folder
    return None


def _account() -> tuple[int | None, int | None]:
    """User and group ids to run the server as: an unprivileged user when we are root,
    else ourselves (None, None)."""
    if os.geteuid() != 0:
        return None, None
    for name in ("postgres", "nobody"):
        try:
            user = pwd.getpwnam(name)
        except KeyError:
            continue
        return user.pw_uid, user.pw_gid
    raise RuntimeError("running as root without a 'postgres' or 'nobody' user for initdb")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class PostgresServer:
    """Start with ``start()``; ``create_database()`` gives each test a fresh database."""

    binaries: Path
    folder: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="kassa-pg-")))
    port: int = 0
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)
    databases: int = 0

    def start(self) -> None:
        user, group = _account()
        if user is not None and group is not None:
            os.chown(self.folder, user, group)
        data = self.folder / "data"
        made = subprocess.run(
            [str(self.binaries / "initdb"), "-D", str(data), "-U", SUPERUSER, "--auth=trust",
             "--no-locale", "-E", "UTF8", "--no-sync"],
            capture_output=True, text=True, cwd=self.folder, user=user, group=group,
        )
        if made.returncode != 0:
            raise RuntimeError(f"initdb failed in {self.folder}: {made.stderr}")
        self.port = _free_port()
        log = (self.folder / "postgres.log").open("wb")
        self.process = subprocess.Popen(
            [str(self.binaries / "postgres"), "-D", str(data), "-h", "127.0.0.1",
             "-p", str(self.port), "-k", "", "-F", "-c", "full_page_writes=off"],
            stdout=log, stderr=subprocess.STDOUT, cwd=self.folder, user=user, group=group,
        )
        self._wait_ready()

    def _wait_ready(self, timeout_s: float = 30) -> None:
        deadline = time.monotonic() + timeout_s
        while True:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"postgres exited: {self.log()}")
            try:
                psycopg.connect(self.url("postgres"), connect_timeout=2).close()
                return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def log(self) -> str:
        return (self.folder / "postgres.log").read_text(errors="replace")

    def url(self, database: str) -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def create_database(self) -> str:
        """A new empty database; returns its URL."""
        self.databases += 1
        name = f"kassa_{self.databases}"
        with psycopg.connect(self.url("postgres"), autocommit=True) as admin:
            admin.execute(f"CREATE DATABASE {name}")
        return self.url(name)

    def stop(self) -> None:
        """Fast shutdown (SIGINT), then remove the folder."""
        if self.process is not None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None
        shutil.rmtree(self.folder, ignore_errors=True)
