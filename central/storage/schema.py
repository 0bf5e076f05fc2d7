"""Central's schema, in SQL that SQLite and PostgreSQL both accept (bar the change id)."""

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
        CREATE TABLE tills (
            id TEXT PRIMARY KEY,
            store_id TEXT NOT NULL REFERENCES stores(id),
            token_hash TEXT NOT NULL UNIQUE,
            revoked INTEGER NOT NULL DEFAULT 0,
            enrolled_at TEXT NOT NULL
        );
        CREATE TABLE products (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            article TEXT NOT NULL,
            category TEXT NOT NULL,
            price BIGINT NOT NULL,
            weighted INTEGER NOT NULL,
            active INTEGER NOT NULL
        );
        CREATE TABLE product_barcodes (
            barcode TEXT PRIMARY KEY,
            product_id TEXT NOT NULL REFERENCES products(id)
        );
        CREATE TABLE customers (
            id TEXT PRIMARY KEY,
            surname TEXT NOT NULL,
            first_name TEXT NOT NULL,
            patronymic TEXT NOT NULL,
            phone TEXT NOT NULL,
            email TEXT NOT NULL
        );
        CREATE INDEX customers_phone ON customers(phone);
        CREATE TABLE cards (
            barcode TEXT PRIMARY KEY,
            customer_id TEXT NOT NULL REFERENCES customers(id),
            blocked INTEGER NOT NULL
        );
        CREATE TABLE loyalty_programs (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            earn_points BIGINT NOT NULL,
            earn_per_minor BIGINT NOT NULL
        );
        CREATE TABLE events (
            id TEXT PRIMARY KEY,
            store_id TEXT NOT NULL,
            till_id TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            received_at TEXT NOT NULL
        );
        CREATE TABLE receipts (
            id TEXT PRIMARY KEY,
            number TEXT NOT NULL,
            store_id TEXT NOT NULL,
            till_id TEXT NOT NULL,
            closed_at TEXT NOT NULL,
            customer_id TEXT,
            total BIGINT NOT NULL,
            event_id TEXT NOT NULL REFERENCES events(id)
        );
        CREATE TABLE receipt_lines (
            receipt_id TEXT NOT NULL REFERENCES receipts(id),
            line_no INTEGER NOT NULL,
            product_id TEXT NOT NULL,
            barcode TEXT NOT NULL,
            name TEXT NOT NULL,
            quantity_milli BIGINT NOT NULL,
            unit_price BIGINT NOT NULL,
            total BIGINT NOT NULL,
            PRIMARY KEY (receipt_id, line_no)
        );
        CREATE TABLE ledger_entries (
            id TEXT PRIMARY KEY,
            customer_id TEXT NOT NULL REFERENCES customers(id),
            points BIGINT NOT NULL,
            receipt_id TEXT NOT NULL,
            store_id TEXT NOT NULL,
            created_at TEXT NOT NULL,
            reason TEXT NOT NULL
        );
        CREATE INDEX ledger_entries_customer ON ledger_entries(customer_id);
        CREATE TABLE changes (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            kind TEXT NOT NULL,
            entity_id TEXT NOT NULL,
            payload BLOB NOT NULL
        )
        """,
    ),
]
