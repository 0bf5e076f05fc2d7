"""The till's ReceiptPrinter queues return slips (with a COPY twin) and complete shift reports."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime

import pytest

from edge.printing.config import PrinterConfig
from edge.printing.queue import PRINT_QUEUE_SCHEMA
from edge.services.receipts import ReceiptPrinter
from edge.storage.catalog import StoreSettings
from kassa.domain.shift import CashMove, ShiftTotals

from .escpos_parser import parse
from .sales import UK_NAME, make_return

STORE = StoreSettings(
    id="s1", name="Продукти «Ґанок»", time_zone="Europe/Kyiv", phone_region="UA",
    currency="UAH", currency_sign="грн", receipt_language="en",
)


@pytest.fixture
def conn() -> Iterator[sqlite3.Connection]:
    with closing(sqlite3.connect(":memory:")) as connection:
        connection.executescript(PRINT_QUEUE_SCHEMA)
        yield connection


def job(conn: sqlite3.Connection, job_id: str) -> tuple[str, bytes, bytes]:
    kind, payload, copy = conn.execute(
        "SELECT kind, payload, copy_payload FROM print_jobs WHERE id = ?", (job_id,)
    ).fetchone()
    return kind, payload, copy


def test_a_return_slip_is_queued_with_its_copy(conn: sqlite3.Connection) -> None:
    printer = ReceiptPrinter(PrinterConfig(kind="dummy", width=32), "uk")
    kind, payload, copy = job(conn, printer.queue_return(conn, make_return(), STORE))
    assert kind == "return"
    original, twin = parse(payload).lines, parse(copy).lines
    assert original[:2] == ["Продукти «Ґанок»", "Return S1-T1-R00007"]
    assert original[2] == "02.03.2025 14:40".rjust(32)  # the store's time zone (UTC+2)
    assert UK_NAME in original
    assert twin == ["COPY", *original]


def test_shift_report_shows_returns_discounts_and_net_payments(conn: sqlite3.Connection) -> None:
    opened = datetime(2025, 3, 1, 6, 0, tzinfo=UTC)
    totals = ShiftTotals(
        shift_number=3, opened_at=opened, opening_float=50000, sales_count=10,
        sales_total=120000, by_method={"cash": 70000, "card": 45000, "points": 5000},
        points_earned=900, points_spent=5000, discounts_total=3550, returns_count=2,
        returns_total=12000, refunds_by_method={"cash": 7000, "card": 5000},
        moves=(CashMove(-20000, "Інкасація", datetime(2025, 3, 1, 12, 0, tzinfo=UTC)),),
    )
    printer = ReceiptPrinter(PrinterConfig(kind="dummy", width=42), "en")
    job_id = printer.queue_shift_report(
        conn, totals, STORE, kind="X", till_id="T1", cashier="Оксана",
        at=datetime(2025, 3, 1, 15, 0, tzinfo=UTC),
    )
    kind, payload, _copy = job(conn, job_id)
    assert kind == "x-report"
    lines = parse(payload).lines
    for label, value in [
        ("Sales (10)", "1200.00 грн"),
        ("Returns (2)", "120.00 грн"),
        ("Discounts", "35.50 грн"),
        ("Cash", "630.00 грн"),
        ("Card", "400.00 грн"),
        ("Points", "50.00 грн"),
        ("Expected cash in drawer", "930.00 грн"),  # 500 + 700 - 70 - 200
    ]:
        assert label + value.rjust(42 - len(label)) in lines, (label, lines)
