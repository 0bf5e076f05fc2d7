"""The persistent print queue against real sockets: a printer that works, refuses, hangs,
drops the connection mid-job, runs out of paper, and a till process killed mid-print.

Nothing sleeps to synchronise: the tests wait on the fake printers' queues and on the
worker's status callbacks, with timeouts.
"""

from __future__ import annotations

import queue
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from edge.i18n import translations
from edge.printing.config import PrinterConfig
from edge.printing.connect import open_printer
from edge.printing.queue import (
    CHUNK_BYTES,
    PRINT_QUEUE_SCHEMA,
    PrintWorker,
    QueueStatus,
    discard,
    enqueue,
    forget_finished,
    queue_status,
)
from edge.printing.receipt import receipt_bytes
from edge.storage.database import Database
from kassa.domain.sale import ReceiptLine

from .escpos_parser import parse
from .fake_printers import (
    PAPER_OK,
    PAPER_OUT,
    PAPER_QUERY,
    PauseAfterFirstWrite,
    answer_paper_status,
    black_hole,
    fake_printer,
    hang_after_first_bytes,
    refused_port,
    reset_after_first_bytes,
)
from .sales import make_sale

ROOT = Path(__file__).resolve().parents[2]


def receipt(number: str, *, copy: bool = False, long: bool = False) -> bytes:
    """A real receipt's bytes; a ``long`` one (20 lines) takes more than one write."""
    sale = make_sale(number=number)
    if long:
        sale = replace(
            sale,
            lines=tuple(
                ReceiptLine(i, f"p{i}", "4820000000017", f"Товар №{i} «Ґанок»", 1000, 100, 100)
                for i in range(1, 21)
            ),
        )
    return receipt_bytes(
        sale,
        store_name="Kassa",
        currency_sign="грн",
        language="uk",
        width=42,
        code_page="CP1251",
        copy=copy,
    )


def queue_receipt(conn: sqlite3.Connection, number: str, *, long: bool = False) -> str:
    """Queue a receipt and its copy, and commit, as a sale does."""
    job_id = enqueue(
        conn,
        "receipt",
        receipt(number, long=long),
        copy_payload=receipt(number, copy=True, long=long),
    )
    conn.commit()
    return job_id


def job(conn: sqlite3.Connection, job_id: str) -> dict[str, object]:
    conn.row_factory = sqlite3.Row
    row = conn.execute("SELECT * FROM print_jobs WHERE id = ?", (job_id,)).fetchone()
    conn.row_factory = None
    return dict(row)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    path = tmp_path / "till.db"
    with closing(sqlite3.connect(path)) as conn:
        conn.executescript(PRINT_QUEUE_SCHEMA)
    return path


@pytest.fixture
def conn(db_path: Path) -> Iterator[sqlite3.Connection]:
    with closing(sqlite3.connect(db_path, timeout=10)) as connection:
        yield connection


class Statuses:
    """The worker's status callbacks, to wait on."""

    def __init__(self) -> None:
        self.seen: queue.Queue[QueueStatus] = queue.Queue()

    def __call__(self, status: QueueStatus) -> None:
        self.seen.put(status)

    def wait_for(self, wanted: Callable[[QueueStatus], bool], timeout_s: float = 10) -> QueueStatus:
        deadline = time.monotonic() + timeout_s
        while True:
            status = self.seen.get(timeout=max(deadline - time.monotonic(), 0.01))
            if wanted(status):
                return status


@pytest.fixture
def start_worker(db_path: Path) -> Iterator[Callable[..., tuple[PrintWorker, Statuses]]]:
    workers: list[PrintWorker] = []

    def start(
        target: str,
        *,
        timeout_s: float = 2.0,
        paper_check: bool = False,
        connect: Callable[[PrinterConfig], Any] = open_printer,
    ) -> tuple[PrintWorker, Statuses]:
        statuses = Statuses()
        config = PrinterConfig("network", target, timeout_s=timeout_s, paper_check=paper_check)
        worker = PrintWorker(
            db_path,
            config,
            on_status=statuses,
            connect=connect,
            first_retry_s=0.05,
            max_retry_s=0.2,
        )
        worker.start()
        workers.append(worker)
        return worker, statuses

    yield start
    for worker in workers:
        worker.stop()


def test_the_till_migrations_create_the_queue_as_the_schema_says(tmp_path: Path) -> None:
    def schema_of(conn: sqlite3.Connection) -> list[str]:
        rows = conn.execute(
            "SELECT sql FROM sqlite_master WHERE tbl_name = 'print_jobs' AND sql IS NOT NULL "
            "ORDER BY name"
        ).fetchall()
        return [" ".join(sql.split()) for (sql,) in rows]

    database = Database(tmp_path / "edge.db")
    plain = sqlite3.connect(":memory:")
    try:
        for statement in PRINT_QUEUE_SCHEMA.split(";"):  # it survives a split on ";"
            if statement.strip():
                plain.execute(statement)
        assert schema_of(database.db.conn) == schema_of(plain)
        assert database.scalar("SELECT COUNT(*) FROM print_jobs") == 0
    finally:
        plain.close()
        database.close()


def test_a_job_commits_or_rolls_back_with_the_sale(tmp_path: Path) -> None:
    database = Database(tmp_path / "edge.db")
    try:
        with pytest.raises(RuntimeError), database.write() as db:
            enqueue(db, "receipt", b"lost with its sale")
            raise RuntimeError("the sale failed")
        assert queue_status(database.db) == QueueStatus(0, "")
        with database.write() as db:
            enqueue(db, "receipt", b"kept with its sale")
        assert queue_status(database.db) == QueueStatus(1, "")
    finally:
        database.close()


def test_jobs_print_in_order_each_on_its_own_connection(
    conn: sqlite3.Connection, start_worker: Callable[..., tuple[PrintWorker, Statuses]]
) -> None:
    ids = [queue_receipt(conn, f"S1-T1-00000{n}") for n in range(1, 4)]
    with fake_printer() as printer:
        _, statuses = start_worker(printer.target)
        for n in range(1, 4):
            assert printer.next_job() == receipt(f"S1-T1-00000{n}")
        statuses.wait_for(lambda s: s == QueueStatus(0, ""))
    assert [job(conn, i)["state"] for i in ids] == ["done"] * 3
    assert [job(conn, i)["attempts"] for i in ids] == [1] * 3


def test_a_refusing_printer_keeps_the_job_waiting_until_it_is_back(
    conn: sqlite3.Connection, start_worker: Callable[..., tuple[PrintWorker, Statuses]]
) -> None:
    port = refused_port()
    job_id = queue_receipt(conn, "S1-T1-000001")
    worker, statuses = start_worker(f"127.0.0.1:{port}")
    status = statuses.wait_for(lambda s: s.waiting == 1 and "refused" in s.last_error)
    assert f"127.0.0.1:{port}" in status.last_error
    statuses.wait_for(lambda s: job(conn, job_id)["attempts"] >= 3)  # it keeps retrying
    with fake_printer(port=port) as printer:
        worker.wake()
        # Nothing reached the paper before, so the original prints, not a copy.
        assert printer.next_job() == receipt("S1-T1-000001")
        statuses.wait_for(lambda s: s == QueueStatus(0, ""))
    assert job(conn, job_id)["possibly_printed"] == 0


def test_an_unreachable_printer_fails_within_its_short_timeout_and_the_sale_does_not_wait(
    conn: sqlite3.Connection, start_worker: Callable[..., tuple[PrintWorker, Statuses]]
) -> None:
    with black_hole() as port:
        queue_receipt(conn, "S1-T1-000001")
        started = time.monotonic()
        worker, statuses = start_worker(f"127.0.0.1:{port}", timeout_s=1.0)
        # While the worker is stuck connecting, the next sale and its job commit at once.
        before = time.monotonic()
        queue_receipt(conn, "S1-T1-000002")
        worker.wake()
        assert time.monotonic() - before < 0.5
        statuses.wait_for(lambda s: "timed out" in s.last_error and s.waiting == 2)
        assert time.monotonic() - started < 3.0


def test_a_connection_dropped_mid_job_is_retried_as_a_copy(
    conn: sqlite3.Connection, start_worker: Callable[..., tuple[PrintWorker, Statuses]]
) -> None:
    job_id = queue_receipt(conn, "S1-T1-000001", long=True)
    original = receipt("S1-T1-000001", long=True)
    assert len(original) > CHUNK_BYTES
    dropped = threading.Event()
    connections: list[int] = []

    def connect(cfg: PrinterConfig) -> object:
        connections.append(1)
        printer = open_printer(cfg)
        return PauseAfterFirstWrite(printer, dropped) if len(connections) == 1 else printer

    with fake_printer([reset_after_first_bytes(dropped)]) as printer:
        _, statuses = start_worker(printer.target, connect=connect)
        assert original.startswith(printer.next_job())
        statuses.wait_for(lambda s: s.waiting == 0)
        again = printer.next_job()
    assert again == receipt("S1-T1-000001", copy=True, long=True)
    assert parse(again).lines[0] == translations("uk").gettext("COPY")
    row = job(conn, job_id)
    assert (row["state"], row["possibly_printed"], row["attempts"]) == ("done", 1, 2)


def test_a_job_without_a_copy_is_sent_again_as_it_is(
    conn: sqlite3.Connection, start_worker: Callable[..., tuple[PrintWorker, Statuses]]
) -> None:
    payload = bytes(range(256)) * 8  # any bytes: the queue does not read them
    enqueue(conn, "raw", payload)
    conn.commit()
    dropped = threading.Event()
    connections: list[int] = []

    def connect(cfg: PrinterConfig) -> object:
        connections.append(1)
        printer = open_printer(cfg)
        return PauseAfterFirstWrite(printer, dropped) if len(connections) == 1 else printer

    with fake_printer([reset_after_first_bytes(dropped)]) as printer:
        _, statuses = start_worker(printer.target, connect=connect)
        printer.next_job()
        statuses.wait_for(lambda s: s.waiting == 0)
        assert printer.next_job() == payload


def test_out_of_paper_holds_the_job_without_sending_it(
    conn: sqlite3.Connection, start_worker: Callable[..., tuple[PrintWorker, Statuses]]
) -> None:
    job_id = queue_receipt(conn, "S1-T1-000001")
    behaviours = [answer_paper_status(PAPER_OUT), answer_paper_status(PAPER_OK)]
    with fake_printer(behaviours) as printer:
        _, statuses = start_worker(printer.target, paper_check=True)
        assert printer.next_job() == PAPER_QUERY  # asked, told "no paper", sent nothing
        statuses.wait_for(lambda s: s.waiting == 0)
        assert printer.next_job() == PAPER_QUERY + receipt("S1-T1-000001")
    assert job(conn, job_id)["possibly_printed"] == 0


def test_a_printer_that_does_not_answer_the_paper_query_is_named(
    conn: sqlite3.Connection, start_worker: Callable[..., tuple[PrintWorker, Statuses]]
) -> None:
    queue_receipt(conn, "S1-T1-000001")
    with fake_printer() as printer:  # reads, never answers
        _, statuses = start_worker(printer.target, paper_check=True, timeout_s=0.3)
        status = statuses.wait_for(lambda s: bool(s.last_error))
    assert "paper_check = false" in status.last_error


def test_a_job_interrupted_by_the_process_dying_prints_as_a_copy_after_restart(
    db_path: Path,
    conn: sqlite3.Connection,
    start_worker: Callable[..., tuple[PrintWorker, Statuses]],
) -> None:
    first = queue_receipt(conn, "S1-T1-000001")
    second = queue_receipt(conn, "S1-T1-000002")
    got, release = threading.Event(), threading.Event()
    with fake_printer([hang_after_first_bytes(got, release)]) as stalled:
        till = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.printing.print_worker_process",
                str(db_path),
                str(stalled.port),
            ],
            cwd=ROOT,
        )
        try:
            assert got.wait(20), "the till process never started printing"
        finally:
            till.kill()
            till.wait(10)
            release.set()
    assert job(conn, first)["state"] == "printing"
    assert job(conn, second)["state"] == "pending"
    with fake_printer() as printer:
        _, statuses = start_worker(printer.target)
        assert printer.next_job() == receipt("S1-T1-000001", copy=True)
        assert printer.next_job() == receipt("S1-T1-000002")
        statuses.wait_for(lambda s: s == QueueStatus(0, ""))


def test_discarded_jobs_are_not_printed_and_finished_ones_are_forgotten_later(
    conn: sqlite3.Connection,
) -> None:
    kept, dropped = queue_receipt(conn, "S1-T1-000001"), queue_receipt(conn, "S1-T1-000002")
    discard(conn, dropped)
    assert queue_status(conn) == QueueStatus(1, "")
    assert job(conn, dropped)["state"] == "failed"
    assert forget_finished(conn, timedelta(days=1)) == 0
    assert forget_finished(conn, timedelta(seconds=-1)) == 1
    assert job(conn, kept)["state"] == "pending"


def test_a_job_needs_a_kind_and_bytes(conn: sqlite3.Connection) -> None:
    with pytest.raises(ValueError):
        enqueue(conn, "", b"x")
    with pytest.raises(ValueError):
        enqueue(conn, "receipt", b"")


def test_a_missing_queue_table_fails_at_start_in_the_caller(tmp_path: Path) -> None:
    worker = PrintWorker(tmp_path / "empty.db", PrinterConfig("dummy"))
    with pytest.raises(sqlite3.OperationalError, match="print_jobs"):
        worker.start()
    worker.stop()


def test_a_failing_status_callback_does_not_stop_printing(
    db_path: Path, conn: sqlite3.Connection
) -> None:
    def broken(status: QueueStatus) -> None:
        raise RuntimeError("a bug in the UI")

    queue_receipt(conn, "S1-T1-000001")
    with fake_printer() as printer:
        config = PrinterConfig("network", printer.target)
        worker = PrintWorker(db_path, config, on_status=broken)
        worker.start()
        try:
            assert printer.next_job() == receipt("S1-T1-000001")
            queue_receipt(conn, "S1-T1-000002")
            worker.wake()
            assert printer.next_job() == receipt("S1-T1-000002")
        finally:
            worker.stop()
