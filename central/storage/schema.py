"""Central's schema, in SQL that SQLite and PostgreSQL both accept (bar the change id)."""

from __future__ import annotations

MIGRATIONS: list[tuple[int, str]] = [
    (
        1,
        """
        CREATE TABLE stores (
            id TEXT PRIMARY KEY,
            payload BLOB NOT NULL
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
            category TEXT NOT NULL,
            price BIGINT NOT NULL,
            payload BLOB NOT NULL
        );
        CREATE TABLE categories (
            id TEXT PRIMARY KEY,
            payload BLOB NOT NULL
        );
        CREATE TABLE cashiers (
            id TEXT PRIMARY KEY,
            payload BLOB NOT NULL
        );
        CREATE TABLE loyalty_programs (
            id TEXT PRIMARY KEY,
            payload BLOB NOT NULL
        );
        CREATE TABLE customers (
            id TEXT PRIMARY KEY,
            surname TEXT NOT NULL,
            first_name TEXT NOT NULL,
            patronymic TEXT NOT NULL,
            phone TEXT NOT NULL,
            email TEXT NOT NULL,
            source TEXT NOT NULL DEFAULT '',
            registered_store TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX customers_phone ON customers(phone);
        CREATE TABLE cards (
            barcode TEXT PRIMARY KEY,
            customer_id TEXT NOT NULL REFERENCES customers(id),
            blocked INTEGER NOT NULL
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
            cashier_id TEXT NOT NULL,
            shift_id TEXT NOT NULL,
            event_id TEXT NOT NULL REFERENCES events(id)
        );
        CREATE TABLE payments (
            receipt_id TEXT NOT NULL REFERENCES receipts(id),
            method TEXT NOT NULL,
            amount BIGINT NOT NULL,
            PRIMARY KEY (receipt_id, method)
        );
        CREATE TABLE shifts (
            id TEXT PRIMARY KEY,
            store_id TEXT NOT NULL,
            till_id TEXT NOT NULL,
            number BIGINT NOT NULL,
            cashier_id TEXT NOT NULL,
            opened_at TEXT NOT NULL,
            opening_float BIGINT NOT NULL,
            closed_at TEXT,
            closed_by TEXT,
            expected_cash BIGINT
        );
        CREATE TABLE cash_movements (
            id TEXT PRIMARY KEY,
            shift_id TEXT NOT NULL,
            store_id TEXT NOT NULL,
            amount BIGINT NOT NULL,
            reason TEXT NOT NULL,
            cashier_id TEXT NOT NULL,
            approved_by TEXT NOT NULL,
            at TEXT NOT NULL
        );
        CREATE TABLE customer_consents (
            customer_id TEXT NOT NULL REFERENCES customers(id),
            channel TEXT NOT NULL,
            granted INTEGER NOT NULL,
            at TEXT NOT NULL,
            store_id TEXT NOT NULL,
            PRIMARY KEY (customer_id, channel)
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
