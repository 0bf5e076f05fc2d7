"""Applying central's changes and keeping the pull cursor in the same transaction."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC

import sqlite_utils

from edge.storage.database import Database
from kassa.domain.search import search_key
from kassa.sync.v1 import sync_pb2

CURSOR_KEY = "pull_cursor"
log = logging.getLogger(__name__)


def cursor(database: Database) -> int:
    """Sequence number of the last change applied; 0 before the first pull."""
    value = database.scalar("SELECT value FROM sync_state WHERE key = ?", (CURSOR_KEY,))
    return int(value) if value is not None else 0


def apply_changes(database: Database, changes: Sequence[sync_pb2.Change]) -> int:
    """Apply a page of changes and advance the cursor atomically; returns the new cursor.

    Ledger entries are keyed by their id, so an entry this till made itself and
    later receives back from central is held once, never counted twice.
    """
    with database.write() as db:
        position = cursor(database)
        for change in changes:
            if change.seq <= position:
                continue
            _apply(db, change)
            position = change.seq
        db.conn.execute(
            "INSERT INTO sync_state (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (CURSOR_KEY, str(position)),
        )
    return position


def _apply(db: sqlite_utils.Database, change: sync_pb2.Change) -> None:
    kind = change.WhichOneof("entity")
    conn = db.conn
    if kind == "product":
        p = change.product
        conn.execute(
            "INSERT OR REPLACE INTO products (id, name, article, category, price, weighted, active,"
            " plu, vat_rate_bp, search_name) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (p.id, p.name, p.article, p.category, p.price, p.weighted, p.active, p.plu,
             p.vat_rate_bp, search_key(p.name)),
        )
        conn.execute("DELETE FROM product_barcodes WHERE product_id = ?", (p.id,))
        conn.executemany(
            "INSERT OR REPLACE INTO product_barcodes (barcode, product_id) VALUES (?, ?)",
            [(code, p.id) for code in p.barcodes],
        )
    elif kind == "customer":
        c = change.customer
        conn.execute(
            "INSERT OR REPLACE INTO customers (id, surname, first_name, patronymic, phone, email)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (c.id, c.surname, c.first_name, c.patronymic, c.phone, c.email),
        )
    elif kind == "card":
        k = change.card
        conn.execute(
            "INSERT OR REPLACE INTO cards (barcode, customer_id, blocked) VALUES (?, ?, ?)",
            (k.barcode, k.customer_id, k.blocked),
        )
    elif kind == "ledger_entry":
        e = change.ledger_entry
        conn.execute(
            "INSERT OR IGNORE INTO ledger_entries (id, customer_id, points, receipt_id, store_id,"
            " created_at, reason) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (e.id, e.customer_id, e.points, e.receipt_id, e.store_id,
             e.created_at.ToDatetime(tzinfo=UTC).isoformat(), e.reason),
        )
    elif kind == "loyalty_program":
        g = change.loyalty_program
        conn.execute(
            "INSERT OR REPLACE INTO loyalty_programs (id, name, earn_points, earn_per_minor)"
            " VALUES (?, ?, ?, ?)",
            (g.id, g.name, g.earn_points, g.earn_per_minor),
        )
    elif kind == "store":
        s = change.store
        conn.execute(
            "INSERT OR REPLACE INTO stores (id, name, time_zone, phone_region, currency,"
            " currency_sign, weight_label_prefixes, card_prefixes, receipt_barcode_prefix,"
            " receipt_language) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (s.id, s.name, s.time_zone, s.phone_region, s.currency, s.currency_sign,
             ",".join(s.weight_label_prefixes), ",".join(s.card_prefixes),
             s.receipt_barcode_prefix, s.receipt_language),
        )
    elif kind == "category":
        cat = change.category
        conn.execute(
            "INSERT OR REPLACE INTO categories (id, name, parent_id, min_age, no_sale_from,"
            " no_sale_to) VALUES (?, ?, ?, ?, ?, ?)",
            (cat.id, cat.name, cat.parent_id, cat.min_age, cat.no_sale_from, cat.no_sale_to),
        )
    elif kind == "cashier":
        person = change.cashier
        conn.execute(
            "INSERT OR REPLACE INTO cashiers (id, name, pin_hash, role, active)"
            " VALUES (?, ?, ?, ?, ?)",
            (person.id, person.name, person.pin_hash,
             sync_pb2.Cashier.Role.Name(person.role).lower(), person.active),
        )
    else:
        # A newer central may send kinds this till does not know yet: skip, never block.
        log.warning("change %d carries no entity this till knows; skipped", change.seq)
