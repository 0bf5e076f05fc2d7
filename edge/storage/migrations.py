"""Schema migrations of the till database, applied in order; never edit a released one."""

from __future__ import annotations

MIGRATIONS: list[tuple[int, str]] = [
    (
        1,
        """
        CREATE TABLE stores (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            time_zone TEXT NOT NULL,
            phone_region TEXT NOT NULL,
            currency TEXT NOT NULL,
            currency_sign TEXT NOT NULL
        );
        CREATE TABLE products (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            article TEXT NOT NULL DEFAULT '',
            category TEXT NOT NULL DEFAULT '',
            price INTEGER NOT NULL CHECK (price >= 0),
            weighted INTEGER NOT NULL DEFAULT 0,
            active INTEGER NOT NULL DEFAULT 1
        );
        CREATE TABLE product_barcodes (
            barcode TEXT PRIMARY KEY,
            product_id TEXT NOT NULL REFERENCES products(id)
        );
        CREATE INDEX products_article ON products(article);
        CREATE TABLE customers (
            id TEXT PRIMARY KEY,
            surname TEXT NOT NULL DEFAULT '',
            first_name TEXT NOT NULL DEFAULT '',
            patronymic TEXT NOT NULL DEFAULT '',
            phone TEXT NOT NULL DEFAULT '',
            email TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX customers_phone ON customers(phone);
        CREATE TABLE cards (
            barcode TEXT PRIMARY KEY,
            customer_id TEXT NOT NULL,
            blocked INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE ledger_entries (
            id TEXT PRIMARY KEY,
            customer_id TEXT NOT NULL,
            points INTEGER NOT NULL,
            receipt_id TEXT NOT NULL DEFAULT '',
            store_id TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            reason TEXT NOT NULL
        );
        CREATE INDEX ledger_entries_customer ON ledger_entries(customer_id);
        CREATE TABLE loyalty_programs (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            earn_points INTEGER NOT NULL,
            earn_per_minor INTEGER NOT NULL
        );
        CREATE TABLE receipts (
            id TEXT PRIMARY KEY,
            number TEXT NOT NULL UNIQUE,
            store_id TEXT NOT NULL,
            till_id TEXT NOT NULL,
            closed_at TEXT NOT NULL,
            customer_id TEXT,
            total INTEGER NOT NULL,
            cash_tendered INTEGER NOT NULL,
            change INTEGER NOT NULL
        );
        CREATE TABLE receipt_lines (
            receipt_id TEXT NOT NULL REFERENCES receipts(id),
            line_no INTEGER NOT NULL,
            product_id TEXT NOT NULL,
            barcode TEXT NOT NULL,
            name TEXT NOT NULL,
            quantity_milli INTEGER NOT NULL,
            unit_price INTEGER NOT NULL,
            total INTEGER NOT NULL,
            PRIMARY KEY (receipt_id, line_no)
        );
        CREATE TABLE outbox (
            id TEXT PRIMARY KEY,
            created_at TEXT NOT NULL,
            payload BLOB NOT NULL
        );
        CREATE TABLE outbox_rejected (
            id TEXT PRIMARY KEY,
            payload BLOB NOT NULL,
            reason TEXT NOT NULL,
            rejected_at TEXT NOT NULL
        );
        CREATE TABLE counters (
            name TEXT PRIMARY KEY,
            value INTEGER NOT NULL
        );
        CREATE TABLE sync_state (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        )
        """,
    ),
]
