"""The persistent print queue (N1): a sale completes at once, its receipt prints when it can.

Jobs are rendered to ESC/POS bytes when they are queued (see ``layout.rendered``) and
stored in SQLite in the caller's transaction, so a sale and its receipt commit
together. One ``PrintWorker`` thread per till sends them in order, opening the printer
for each job with a short timeout; a failure keeps the job waiting with its error and
it is retried with a growing delay, or at once when ``wake()`` is called.

A job whose bytes may have partly reached the printer (a write failed, or the process
died while it was "printing") is *possibly printed*. Its retry sends ``copy_payload``,
the same document rendered up front with ``copy=True`` so it starts with "COPY".
Storing the copy pre-rendered rather than the document means a retry needs no
document classes, catalogs or store settings and prints exactly what was meant when
the job was made, even after an upgrade; it costs a second small blob per job.
A job without a copy payload is resent as it is.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Protocol

from escpos.escpos import Escpos

from edge.printing.config import PrinterConfig
from edge.printing.connect import PrinterUnavailable, open_printer
from kassa.domain.ids import new_id

log = logging.getLogger(__name__)

#: The queue's table, for the till's migrations. Statements are separated by ";" and
#: contain none themselves, so a migration runner may split the script on ";".
PRINT_QUEUE_SCHEMA = """
CREATE TABLE print_jobs (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    created_at TEXT NOT NULL,
    payload BLOB NOT NULL,
    copy_payload BLOB,
    state TEXT NOT NULL DEFAULT 'pending'
        CHECK (state IN ('pending', 'printing', 'done', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    possibly_printed INTEGER NOT NULL DEFAULT 0,
    finished_at TEXT
);
CREATE INDEX print_jobs_state ON print_jobs(state)
"""

#: Bytes per write: each write gets the full timeout, however long the whole job is.
CHUNK_BYTES = 1024
_PAPER_STATUS = b"\x10\x04\x04"  # DLE EOT 4: real-time roll paper sensor status
_PAPER_END = 0x60  # bits 5 and 6 of its reply: the paper end sensor sees no paper
_NO_STATUS = (
    "the printer did not answer the paper status query (DLE EOT 4); "
    "set paper_check = false if it cannot"
)


class HasConnection(Protocol):
    """A sqlite_utils.Database, or anything else holding a sqlite3 connection."""

    @property
    def conn(self) -> sqlite3.Connection: ...


Target = sqlite3.Connection | HasConnection


class PaperOut(OSError):
    """The printer reports that its roll is out."""


@dataclass(frozen=True)
class QueueStatus:
    """For the till's status line: jobs not printed yet and why the first one waits."""

    waiting: int
    last_error: str


def enqueue(target: Target, kind: str, payload: bytes, *, copy_payload: bytes | None = None) -> str:
    """Queue rendered bytes in the caller's transaction (not committed here); the job's id.

    ``copy_payload`` is the same document rendered as a copy, printed instead when
    the job may already have printed. Call ``PrintWorker.wake()`` after the commit.
    """
    if not kind or not payload:
        raise ValueError("a print job needs a kind and some bytes")
    job_id = new_id()
    _conn(target).execute(
        "INSERT INTO print_jobs (id, kind, created_at, payload, copy_payload) "
        "VALUES (?, ?, ?, ?, ?)",
        (job_id, kind, datetime.now(UTC).isoformat(), payload, copy_payload),
    )
    return job_id


def queue_status(target: Target) -> QueueStatus:
    """How many jobs wait, and the last error of the first of them ("" if none)."""
    conn = _conn(target)
    (waiting,) = conn.execute(
        "SELECT COUNT(*) FROM print_jobs WHERE state IN ('pending', 'printing')"
    ).fetchone()
    first = conn.execute(
        "SELECT last_error FROM print_jobs WHERE state IN ('pending', 'printing') "
        "ORDER BY rowid LIMIT 1"
    ).fetchone()
    return QueueStatus(int(waiting), first[0] if first else "")


def discard(target: Target, job_id: str) -> None:
    """Give up on a waiting job (state "failed"), e.g. when a manager cancels it."""
    _conn(target).execute(
        "UPDATE print_jobs SET state = 'failed', finished_at = ? "
        "WHERE id = ? AND state = 'pending'",
        (datetime.now(UTC).isoformat(), job_id),
    )


def forget_finished(target: Target, older_than: timedelta) -> int:
    """Delete done and failed jobs finished more than ``older_than`` ago; how many."""
    cutoff = (datetime.now(UTC) - older_than).isoformat()
    cursor = _conn(target).execute(
        "DELETE FROM print_jobs WHERE state IN ('done', 'failed') AND finished_at < ?",
        (cutoff,),
    )
    return cursor.rowcount


@dataclass(frozen=True)
class _Job:
    id: str
    payload: bytes
    copy_payload: bytes | None
    possibly_printed: bool

    @property
    def bytes_to_send(self) -> bytes:
        if self.possibly_printed and self.copy_payload is not None:
            return self.copy_payload
        return self.payload


class PrintWorker:
    """Sends queued jobs to the printer from its own thread, oldest first.

    Only one worker may serve a database: at start it takes any job left "printing"
    by a previous process as possibly printed. ``on_status`` is called from the
    worker's thread after every attempt (a Textual app forwards it with
    ``call_from_thread``).
    """

    def __init__(
        self,
        database_path: Path,
        config: PrinterConfig,
        *,
        on_status: Callable[[QueueStatus], None] | None = None,
        connect: Callable[[PrinterConfig], Escpos] = open_printer,
        first_retry_s: float = 1.0,
        max_retry_s: float = 60.0,
        poll_s: float = 5.0,
        keep_finished: timedelta = timedelta(days=7),
    ) -> None:
        self._path = database_path
        self._config = config
        self._on_status = on_status
        self._connect = connect
        self._first_retry_s = first_retry_s
        self._max_retry_s = max_retry_s
        self._poll_s = poll_s
        self._keep_finished = keep_finished
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="print-queue", daemon=True)

    def start(self) -> None:
        """Take over jobs a previous process left "printing", forget old ones, then run.

        Raises sqlite3.Error here, in the caller, if the queue's table is missing.
        """
        with closing(self._connect_db()) as conn:
            conn.execute(
                "UPDATE print_jobs SET state = 'pending', possibly_printed = 1 "
                "WHERE state = 'printing'"
            )
            forget_finished(conn, self._keep_finished)
        self._thread.start()

    def wake(self) -> None:
        """Look for jobs now (after queuing one, or when the cashier asks for a retry)."""
        self._wake.set()

    def stop(self, timeout_s: float = 10.0) -> None:
        """Stop after the job being sent, waiting at most ``timeout_s``."""
        self._stopping.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout_s)

    def _connect_db(self) -> sqlite3.Connection:
        """Its own connection, in autocommit: each state change is committed at once."""
        conn = sqlite3.connect(str(self._path), timeout=10, isolation_level=None)
        conn.execute("PRAGMA synchronous = FULL")
        return conn

    def _run(self) -> None:
        with closing(self._connect_db()) as conn:
            self._publish(conn)
            failures = 0
            while not self._stopping.is_set():
                try:
                    job = _next_job(conn)
                    if job is None:
                        self._sleep(self._poll_s)
                        continue
                    failures = 0 if self._send(conn, job) else failures + 1
                    self._publish(conn)
                except sqlite3.Error:
                    log.exception("print queue: database error")
                    failures += 1
                if failures:
                    self._sleep(min(self._first_retry_s * 2 ** (failures - 1), self._max_retry_s))

    def _send(self, conn: sqlite3.Connection, job: _Job) -> bool:
        """Print ``job``; False when it failed and waits again with the error."""
        claimed = conn.execute(
            "UPDATE print_jobs SET state = 'printing', attempts = attempts + 1 "
            "WHERE id = ? AND state = 'pending'",
            (job.id,),
        ).rowcount
        if not claimed:  # discarded since it was picked
            return True
        started = False
        try:
            printer = self._connect(self._config)
            try:
                if self._config.paper_check:
                    _require_paper(printer)
                started = True
                data = job.bytes_to_send
                for offset in range(0, len(data), CHUNK_BYTES):
                    printer._raw(data[offset : offset + CHUNK_BYTES])
            finally:
                printer.close()
        # Whatever the device layer raises, the job must wait and the thread live on.
        except Exception as exc:
            error = " ".join(str(exc).split()) or type(exc).__name__
            log.warning("print job %s not printed: %s", job.id, error)
            conn.execute(
                "UPDATE print_jobs SET state = 'pending', last_error = ?, "
                "possibly_printed = ? WHERE id = ?",
                (error, job.possibly_printed or started, job.id),
            )
            return False
        conn.execute(
            "UPDATE print_jobs SET state = 'done', last_error = '', finished_at = ? WHERE id = ?",
            (datetime.now(UTC).isoformat(), job.id),
        )
        return True

    def _publish(self, conn: sqlite3.Connection) -> None:
        if self._on_status is None:
            return
        try:
            self._on_status(queue_status(conn))
        except Exception:  # a fault in the UI's callback must not stop printing
            log.exception("print queue: status callback failed")

    def _sleep(self, seconds: float) -> None:
        self._wake.wait(seconds)
        self._wake.clear()


def _next_job(conn: sqlite3.Connection) -> _Job | None:
    row = conn.execute(
        "SELECT id, payload, copy_payload, possibly_printed FROM print_jobs "
        "WHERE state = 'pending' ORDER BY rowid LIMIT 1"
    ).fetchone()
    return None if row is None else _Job(row[0], row[1], row[2], bool(row[3]))


def _require_paper(printer: Escpos) -> None:
    """Ask the paper sensor (DLE EOT 4); raise PaperOut or PrinterUnavailable."""
    printer._raw(_PAPER_STATUS)
    try:
        reply = bytes(printer._read())
    except (OSError, NotImplementedError) as exc:
        raise PrinterUnavailable(_NO_STATUS) from exc
    if not reply:
        raise PrinterUnavailable(_NO_STATUS)
    if reply[0] & _PAPER_END == _PAPER_END:
        raise PaperOut("the printer is out of paper")


def _conn(target: Target) -> sqlite3.Connection:
    return target if isinstance(target, sqlite3.Connection) else target.conn
