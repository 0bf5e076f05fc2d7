"""The receipt in progress, saved after every change so a crash or power cut loses nothing."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlite_utils

from edge.storage.database import Database
from kassa.domain.cart import Cart, CartLine, Product
from kassa.domain.pricing import ManualDiscount


def save(database: Database, cart: Cart, customer_id: str | None) -> None:
    """Replace the saved open receipt with ``cart`` in one transaction."""
    with database.write() as db:
        save_in(db, cart, customer_id)


def save_in(db: sqlite_utils.Database, cart: Cart, customer_id: str | None) -> None:
    """As save(), inside the caller's transaction."""
    db.conn.execute("DELETE FROM open_receipt_lines")
    db.conn.executemany(
        "INSERT INTO open_receipt_lines (line_no, product_id, name, price, barcode, category,"
        " weighted, quantity_milli, vat_rate_bp, manual_percent, manual_by, manual_reason)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (i, ln.product.id, ln.product.name, ln.product.price, ln.product.barcode,
             ln.product.category, int(ln.product.weighted), ln.quantity_milli,
             ln.product.vat_rate,
             ln.manual.percent if ln.manual else None,
             ln.manual.given_by if ln.manual else None,
             ln.manual.reason if ln.manual else None)
            for i, ln in enumerate(cart.lines, start=1)
        ],
    )
    db.conn.execute(
        "INSERT INTO open_receipt (slot, customer_id, updated_at) VALUES (1, ?, ?) "
        "ON CONFLICT (slot) DO UPDATE SET customer_id = excluded.customer_id, "
        "updated_at = excluded.updated_at",
        (customer_id, datetime.now(UTC).isoformat()),
    )


def load(database: Database) -> tuple[Cart, str | None]:
    """The saved open receipt (lines exactly as they were) and its customer id."""
    rows = database.rows("SELECT * FROM open_receipt_lines ORDER BY line_no")
    cart = Cart(
        [
            CartLine(
                Product(
                    id=r["product_id"], name=r["name"], price=r["price"], barcode=r["barcode"],
                    category=r["category"], weighted=bool(r["weighted"]),
                    vat_rate=r["vat_rate_bp"],
                ),
                r["quantity_milli"],
                ManualDiscount(r["manual_percent"], r["manual_by"], r["manual_reason"] or "")
                if r["manual_percent"]
                else None,
            )
            for r in rows
        ]
    )
    customer_id = database.scalar("SELECT customer_id FROM open_receipt WHERE slot = 1")
    return cart, customer_id
