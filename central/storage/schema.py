"""Central's schema, in SQL that SQLite and PostgreSQL both accept, bar the change id and
BLOB columns, which central/storage/postgres.py writes as BIGINT and BYTEA there, and the
migrations in SQLITE_ONLY (SQLite's storage layout), which PostgreSQL skips, and those in
POSTGRES_FORMS, which PostgreSQL runs in another form."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

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
    (
        2,
        # The feed position is a single row updated at the end of every transaction that
        # appends changes: its lock (PostgreSQL: row lock until commit) hands out sequence
        # numbers in commit order, so a cursor never skips a change that commits late.
        # It also keeps the running ledger checksum and central's hybrid logical clock.
        """
        CREATE TABLE feed_state (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            head BIGINT NOT NULL,
            horizon BIGINT NOT NULL,
            entries BIGINT NOT NULL,
            points BIGINT NOT NULL,
            digest_sum BIGINT NOT NULL,
            hlc TEXT NOT NULL
        );
        INSERT INTO feed_state (id, head, horizon, entries, points, digest_sum, hlc)
            VALUES (1, (SELECT COALESCE(MAX(seq), 0) FROM changes), 0, 0, 0, 0,
                    '000000000000000.0000000000');
        ALTER TABLE events ADD COLUMN hlc TEXT NOT NULL DEFAULT '';
        ALTER TABLE events ADD COLUMN repeats BIGINT NOT NULL DEFAULT 0;
        ALTER TABLE tills ADD COLUMN last_contact TEXT;
        ALTER TABLE tills ADD COLUMN last_cursor BIGINT NOT NULL DEFAULT 0;
        ALTER TABLE tills ADD COLUMN pending_events BIGINT NOT NULL DEFAULT 0;
        ALTER TABLE tills ADD COLUMN oldest_pending_ms BIGINT NOT NULL DEFAULT 0;
        CREATE TABLE customer_versions (
            customer_id TEXT NOT NULL REFERENCES customers(id),
            field TEXT NOT NULL,
            value TEXT NOT NULL,
            hlc TEXT NOT NULL,
            store_id TEXT NOT NULL,
            PRIMARY KEY (customer_id, field)
        );
        CREATE TABLE overdrafts (
            ledger_entry_id TEXT PRIMARY KEY REFERENCES ledger_entries(id),
            customer_id TEXT NOT NULL REFERENCES customers(id),
            store_id TEXT NOT NULL,
            till_id TEXT NOT NULL,
            points BIGINT NOT NULL,
            balance_after BIGINT NOT NULL,
            recorded_at TEXT NOT NULL
        );
        CREATE INDEX overdrafts_customer ON overdrafts(customer_id)
        """,
    ),
    (
        3,
        # Issue 3: pricing programs (every version kept), customer terms and purchase facts,
        # returns, the receipt's pricing split and points lots. A feed change of the removed
        # loyalty program kind would no longer decode, so those go with their table.
        """
        DROP TABLE loyalty_programs;
        DELETE FROM changes WHERE kind = 'loyalty_program';
        CREATE TABLE pricing_programs (
            version BIGINT PRIMARY KEY,
            id TEXT NOT NULL,
            json TEXT NOT NULL,
            stored_at TEXT NOT NULL
        );
        CREATE TABLE customer_terms (
            customer_id TEXT PRIMARY KEY REFERENCES customers(id),
            groups TEXT NOT NULL,
            price_list TEXT NOT NULL,
            discounts_json TEXT NOT NULL
        );
        CREATE TABLE customer_purchases (
            id TEXT PRIMARY KEY,
            customer_id TEXT NOT NULL REFERENCES customers(id),
            store_id TEXT NOT NULL,
            at TEXT NOT NULL,
            amount BIGINT NOT NULL,
            one_time_used TEXT NOT NULL,
            one_time_restored TEXT NOT NULL
        );
        CREATE INDEX customer_purchases_customer ON customer_purchases(customer_id);
        CREATE TABLE returns (
            id TEXT PRIMARY KEY,
            number TEXT NOT NULL,
            receipt_id TEXT NOT NULL REFERENCES receipts(id),
            store_id TEXT NOT NULL,
            till_id TEXT NOT NULL,
            returned_at TEXT NOT NULL,
            customer_id TEXT,
            total BIGINT NOT NULL,
            refund BIGINT NOT NULL,
            cash_rounding BIGINT NOT NULL,
            one_time_restored TEXT NOT NULL,
            cashier_id TEXT NOT NULL,
            approved_by TEXT NOT NULL,
            shift_id TEXT NOT NULL,
            reason TEXT NOT NULL,
            event_id TEXT NOT NULL REFERENCES events(id)
        );
        CREATE INDEX returns_receipt ON returns(receipt_id);
        CREATE TABLE return_lines (
            return_id TEXT NOT NULL REFERENCES returns(id),
            line_no INTEGER NOT NULL,
            quantity_milli BIGINT NOT NULL,
            total BIGINT NOT NULL,
            refund BIGINT NOT NULL,
            points_restored BIGINT NOT NULL,
            points_annulled BIGINT NOT NULL,
            PRIMARY KEY (return_id, line_no)
        );
        CREATE TABLE refunds (
            return_id TEXT NOT NULL REFERENCES returns(id),
            method TEXT NOT NULL,
            amount BIGINT NOT NULL,
            PRIMARY KEY (return_id, method)
        );
        ALTER TABLE receipts ADD COLUMN cash_rounding BIGINT NOT NULL DEFAULT 0;
        ALTER TABLE receipts ADD COLUMN points_spent BIGINT NOT NULL DEFAULT 0;
        ALTER TABLE receipts ADD COLUMN one_time_used TEXT NOT NULL DEFAULT '[]';
        ALTER TABLE receipts ADD COLUMN pricing_json TEXT NOT NULL DEFAULT '';
        ALTER TABLE receipt_lines ADD COLUMN base_total BIGINT NOT NULL DEFAULT 0;
        ALTER TABLE receipt_lines ADD COLUMN vat_rate_bp INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE receipt_lines ADD COLUMN points_spent BIGINT NOT NULL DEFAULT 0;
        ALTER TABLE receipt_lines ADD COLUMN points_earned BIGINT NOT NULL DEFAULT 0;
        ALTER TABLE receipt_lines ADD COLUMN discounts TEXT NOT NULL DEFAULT '[]';
        ALTER TABLE ledger_entries ADD COLUMN lot_id TEXT NOT NULL DEFAULT '';
        ALTER TABLE ledger_entries ADD COLUMN lot_earned_at TEXT;
        ALTER TABLE ledger_entries ADD COLUMN lot_available_at TEXT;
        ALTER TABLE ledger_entries ADD COLUMN lot_expires_at TEXT
        """,
    ),
    (
        4,
        # Issue 6: a one-time discount used twice (two stores offline) is recorded, as
        # points spent twice are in overdrafts.
        """
        CREATE TABLE one_time_overuse (
            purchase_id TEXT NOT NULL,
            discount_id TEXT NOT NULL,
            customer_id TEXT NOT NULL,
            store_id TEXT NOT NULL,
            recorded_at TEXT NOT NULL,
            PRIMARY KEY (purchase_id, discount_id)
        )
        """,
    ),
    (
        5,
        # Push ingest: a receipt keeps its sale as one protobuf blob, the SaleClosed as
        # pushed, instead of a row per line and per payment (no query reads them row-wise;
        # a return reads its receipt's lines from here). The storage fills the body of
        # receipts stored before from their line and payment rows (lines and payments
        # only); migration 6 then drops those tables.
        """
        ALTER TABLE receipts ADD COLUMN body BLOB
        """,
    ),
    (
        6,
        """
        DROP TABLE payments;
        DROP TABLE receipt_lines
        """,
    ),
    (
        7,
        # Issue 4: a till finds a receipt of another till by its printed number, to take
        # goods back (central's FindReceipt).
        """
        CREATE INDEX receipts_number ON receipts(number)
        """,
    ),
    (
        8,
        # Push ingest: the small rows a push appends, keyed by time-ordered ids (UUIDv7),
        # live WITHOUT ROWID, one b-tree each instead of a table and its key index
        # (receipts keep their rowid: their bodies are too large for that). Feed numbers
        # come from feed_state, so changes needs no AUTOINCREMENT bookkeeping. SQLite's
        # storage layout only: PostgreSQL skips it (SQLITE_ONLY).
        """
        CREATE TABLE new_events (
            id TEXT PRIMARY KEY,
            store_id TEXT NOT NULL,
            till_id TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            received_at TEXT NOT NULL,
            hlc TEXT NOT NULL DEFAULT '',
            repeats BIGINT NOT NULL DEFAULT 0
        ) WITHOUT ROWID;
        INSERT INTO new_events (id, store_id, till_id, content_hash, received_at, hlc, repeats)
            SELECT id, store_id, till_id, content_hash, received_at, hlc, repeats FROM events;
        DROP TABLE events;
        ALTER TABLE new_events RENAME TO events;
        CREATE TABLE new_ledger_entries (
            id TEXT PRIMARY KEY,
            customer_id TEXT NOT NULL REFERENCES customers(id),
            points BIGINT NOT NULL,
            receipt_id TEXT NOT NULL,
            store_id TEXT NOT NULL,
            created_at TEXT NOT NULL,
            reason TEXT NOT NULL,
            lot_id TEXT NOT NULL DEFAULT '',
            lot_earned_at TEXT,
            lot_available_at TEXT,
            lot_expires_at TEXT
        ) WITHOUT ROWID;
        INSERT INTO new_ledger_entries (id, customer_id, points, receipt_id, store_id,
                created_at, reason, lot_id, lot_earned_at, lot_available_at, lot_expires_at)
            SELECT id, customer_id, points, receipt_id, store_id, created_at, reason, lot_id,
                lot_earned_at, lot_available_at, lot_expires_at FROM ledger_entries;
        DROP TABLE ledger_entries;
        ALTER TABLE new_ledger_entries RENAME TO ledger_entries;
        CREATE INDEX ledger_entries_customer ON ledger_entries(customer_id);
        CREATE TABLE new_customer_purchases (
            id TEXT PRIMARY KEY,
            customer_id TEXT NOT NULL REFERENCES customers(id),
            store_id TEXT NOT NULL,
            at TEXT NOT NULL,
            amount BIGINT NOT NULL,
            one_time_used TEXT NOT NULL,
            one_time_restored TEXT NOT NULL
        ) WITHOUT ROWID;
        INSERT INTO new_customer_purchases (id, customer_id, store_id, at, amount,
                one_time_used, one_time_restored)
            SELECT id, customer_id, store_id, at, amount, one_time_used, one_time_restored
            FROM customer_purchases;
        DROP TABLE customer_purchases;
        ALTER TABLE new_customer_purchases RENAME TO customer_purchases;
        CREATE INDEX customer_purchases_customer ON customer_purchases(customer_id);
        CREATE TABLE new_changes (
            seq INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            entity_id TEXT NOT NULL,
            payload BLOB NOT NULL
        );
        INSERT INTO new_changes (seq, kind, entity_id, payload)
            SELECT seq, kind, entity_id, payload FROM changes;
        DROP TABLE changes;
        ALTER TABLE new_changes RENAME TO changes
        """,
    ),
    (
        9,
        # Push ingest: a customer's purchases are read by customer only for the one-time
        # discounts they used or restored (pricing._already_used); a merge, which moves all
        # of them, scans the table as it scans receipts. An index entry of every sale's
        # purchase, keyed by customer, wrote a page at a random place in the index for
        # each sale: with 1,000 customers and 100,000 sales stored, one of the two such
        # pages a sale costs (the other is the ledger's), and half its commit.
        """
        DROP INDEX customer_purchases_customer;
        CREATE INDEX customer_purchases_one_time ON customer_purchases(customer_id)
            WHERE one_time_used <> '[]' OR one_time_restored <> '[]'
        """,
    ),
    (
        10,
        # `central stores` summed each till's resent events over the events table, which
        # has no index by till: a scan of every event for every till. A till keeps its
        # count, raised with the event's as a resent event is acknowledged again.
        """
        ALTER TABLE tills ADD COLUMN repeats BIGINT NOT NULL DEFAULT 0;
        UPDATE tills SET repeats =
            (SELECT COALESCE(SUM(e.repeats), 0) FROM events e WHERE e.till_id = tills.id)
        """,
    ),
    (
        11,
        # Feed format 3: the ledger checksum's digests are CRC-32 (kassa/replication/
        # checksum.py). No statement: the storage recounts the running checksum from the
        # ledger (SqliteStorage.recount_checksum) in this migration's transaction.
        "",
    ),
    (
        12,
        # Push ingest: each sale's ledger entry wrote an entry of ledger_entries_customer
        # at a random place in an index that grows with every sale; a push of 500 sales
        # over 1,000 customers dirtied about 400 of its pages, three quarters of the bytes
        # a commit wrote. Balances are now kept per customer, by triggers on the ledger,
        # in a table as large as the customer base; nothing else read the ledger by
        # customer but a merge, which scans it. PostgreSQL keeps the index and reads the
        # same name as a view (POSTGRES_FORMS).
        """
        CREATE TABLE customer_balances (
            customer_id TEXT PRIMARY KEY,
            points BIGINT NOT NULL
        ) WITHOUT ROWID;
        INSERT INTO customer_balances (customer_id, points)
            SELECT customer_id, SUM(points) FROM ledger_entries GROUP BY customer_id;
        CREATE TRIGGER ledger_entry_added AFTER INSERT ON ledger_entries BEGIN
            INSERT INTO customer_balances (customer_id, points)
                VALUES (NEW.customer_id, NEW.points)
                ON CONFLICT (customer_id) DO UPDATE SET points = points + excluded.points;
        END;
        CREATE TRIGGER ledger_entry_moved AFTER UPDATE OF customer_id, points
            ON ledger_entries BEGIN
            UPDATE customer_balances SET points = points - OLD.points
                WHERE customer_id = OLD.customer_id;
            INSERT INTO customer_balances (customer_id, points)
                VALUES (NEW.customer_id, NEW.points)
                ON CONFLICT (customer_id) DO UPDATE SET points = points + excluded.points;
        END;
        CREATE TRIGGER ledger_entry_removed AFTER DELETE ON ledger_entries BEGIN
            UPDATE customer_balances SET points = points - OLD.points
                WHERE customer_id = OLD.customer_id;
        END;
        DROP INDEX ledger_entries_customer
        """,
    ),
]

# Migrations after which the running ledger checksum is recounted from the ledger.
RECOUNT_CHECKSUM = {2, 11}

# Migrations that only change SQLite's storage layout; PostgreSQL records them as done.
SQLITE_ONLY = {8}

# Migrations whose PostgreSQL form differs from SQLite's: there the script given here runs.
POSTGRES_FORMS = {
    # Balances summed from the ledger by its index on customer_id, which PostgreSQL keeps:
    # triggers would update a customer's row from every process applying a push to them,
    # and two pushes taking the same customers in another order would deadlock.
    12: """
        CREATE VIEW customer_balances AS
            SELECT customer_id, SUM(points) AS points FROM ledger_entries GROUP BY customer_id
        """,
}


def statements(script: str) -> Iterator[str]:
    """The statements of a migration script, one by one (a trigger's body, with the
    semicolons inside it, is part of its CREATE TRIGGER)."""
    pending = ""
    for piece in script.split(";"):
        pending += piece + ";"
        if sqlite3.complete_statement(pending):
            if pending.strip(" \n;"):
                yield pending.strip()
            pending = ""
    if pending.strip(" \n;"):
        yield pending.strip()
