"""Customers, cards and point balances as the till sees them."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime

from edge.storage import receipt_facts
from edge.storage.database import Database
from kassa.domain import pricing
from kassa.domain.points import LedgerEntry, lots_from_ledger
from kassa.sync.v1 import sync_pb2


@dataclass(frozen=True)
class CustomerRecord:
    id: str
    surname: str
    first_name: str
    patronymic: str
    phone: str
    email: str

    @property
    def display_name(self) -> str:
        return " ".join(p for p in (self.surname, self.first_name, self.patronymic) if p)


@dataclass(frozen=True)
class CardRecord:
    barcode: str
    customer_id: str
    blocked: bool


def find_card(database: Database, barcode: str) -> CardRecord | None:
    row = database.one("SELECT * FROM cards WHERE barcode = ?", (barcode,))
    if row is None:
        return None
    return CardRecord(row["barcode"], row["customer_id"], bool(row["blocked"]))


def get_customer(database: Database, customer_id: str) -> CustomerRecord | None:
    row = database.one("SELECT * FROM customers WHERE id = ?", (customer_id,))
    return None if row is None else CustomerRecord(**row)


def find_by_phone(database: Database, e164: str) -> CustomerRecord | None:
    """The customer with this normalised phone."""
    row = database.one("SELECT * FROM customers WHERE phone = ? ORDER BY id LIMIT 1", (e164,))
    return None if row is None else CustomerRecord(**row)


def balance(database: Database, customer_id: str) -> int:
    """Points balance: the sum of every ledger entry this till knows, each counted once."""
    total = database.scalar(
        "SELECT (SELECT COALESCE(SUM(points), 0) FROM ledger_entries WHERE customer_id = ?)"
        " + (SELECT COALESCE(SUM(points), 0) FROM receipt_facts WHERE customer_id = ?)",
        (customer_id, customer_id),
    )
    return int(total)


def _moment(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def _held_facts(database: Database, customer_id: str) -> list[sync_pb2.ReceiptFacts]:
    """The customer's facts of other tills' receipts (edge/storage/receipt_facts.py)."""
    return [receipt_facts.decoded(customer_id, r["facts"]) for r in database.rows(
        "SELECT facts FROM receipt_facts WHERE customer_id = ?", (customer_id,))]


def ledger(database: Database, customer_id: str) -> list[LedgerEntry]:
    """Every ledger entry of the customer this till holds (as rows and in other tills'
    receipts' facts)."""
    return _ledger(database, customer_id, _held_facts(database, customer_id))


def _ledger(database: Database, customer_id: str, held: list[sync_pb2.ReceiptFacts]
            ) -> list[LedgerEntry]:
    return [*(receipt_facts.ledger_entry(e) for facts in held for e in facts.ledger_entries), *[
        LedgerEntry(
            r["id"], r["customer_id"], r["points"], r["receipt_id"], r["store_id"],
            datetime.fromisoformat(r["created_at"]), r["reason"], r["lot_id"],
            _moment(r["lot_earned_at"]), _moment(r["lot_available_at"]),
            _moment(r["lot_expires_at"]),
        )
        for r in database.rows(
            "SELECT * FROM ledger_entries WHERE customer_id = ?", (customer_id,)
        )
    ]]


def pricing_profile(database: Database, customer_id: str) -> pricing.Customer:
    """The customer as the pricing engine sees them: HQ's terms, lifetime purchases and
    one-time discounts from purchase facts, and points lots from the ledger (rows and
    other tills' receipts' facts alike).

    Raises InputError when central sent personal discounts the engine cannot read.
    """
    terms = database.one("SELECT * FROM customer_terms WHERE customer_id = ?", (customer_id,))
    facts = database.rows(
        "SELECT amount, one_time_used, one_time_restored FROM customer_purchases"
        " WHERE customer_id = ?",
        (customer_id,),
    )
    held = _held_facts(database, customer_id)
    uses: Counter[str] = Counter()
    for fact in facts:
        uses.update(i for i in fact["one_time_used"].split(",") if i)
        uses.subtract(i for i in fact["one_time_restored"].split(",") if i)
    purchases = [f.purchase for f in held if f.HasField("purchase")]
    for purchase in purchases:
        uses.update(purchase.one_time_used)
        uses.subtract(purchase.one_time_restored)
    discounts: tuple[pricing.PersonalDiscount, ...] = ()
    if terms is not None:
        discounts = tuple(
            pricing.decode(pricing.PersonalDiscount, item, f"discounts[{i}]")
            for i, item in enumerate(json.loads(terms["discounts_json"] or "[]"))
        )
    return pricing.Customer(
        id=customer_id,
        groups=frozenset(g for g in (terms["groups"] if terms else "").split(",") if g),
        price_list=(terms["price_list"] or None) if terms else None,
        discounts=discounts,
        used_one_time=frozenset(i for i, n in uses.items() if n > 0),
        lifetime_purchases=max(
            0, sum(f["amount"] for f in facts) + sum(p.amount for p in purchases)),
        point_lots=lots_from_ledger(_ledger(database, customer_id, held)),
    )


def points_spent_since(database: Database, store_id: str, since: datetime | None) -> int:
    """Points spent in this store, by the entries this till holds, after ``since`` (all
    when None): offline, only its own."""
    spent = database.scalar(
        "SELECT COALESCE(-SUM(points), 0) FROM ledger_entries WHERE store_id = ? "
        "AND reason = 'spend' AND created_at > ?",
        (store_id, since.astimezone(UTC).isoformat() if since else ""),
    )
    return int(spent)


def survivor_of(database: Database, customer_id: str) -> str:
    """The customer ``customer_id`` now is: itself, or the one HQ merged it into (a chain
    of merges followed to its end)."""
    seen = {customer_id}
    while True:
        survivor = database.scalar(
            "SELECT survivor_id FROM customer_merges WHERE gone_id = ?", (customer_id,))
        if survivor is None or survivor in seen:
            return customer_id
        seen.add(survivor)
        customer_id = str(survivor)


def held_entries(database: Database) -> list[tuple[str, str, int]]:
    """(id, customer_id, points) of every ledger entry this till holds, as rows and in
    other tills' receipts' facts."""
    with database.reading() as conn:
        return [*conn.execute("SELECT id, customer_id, points FROM ledger_entries"),
                *receipt_facts.entry_rows(conn)]


def holds_receipt(database: Database, receipt_id: str) -> bool:
    """Whether this till holds what the sale or return ``receipt_id`` did to its
    customer (its ledger entries or its purchase)."""
    return bool(database.scalar(
        "SELECT EXISTS (SELECT 1 FROM receipt_facts WHERE receipt_id = ?)"
        " OR EXISTS (SELECT 1 FROM customer_purchases WHERE id = ?)"
        " OR EXISTS (SELECT 1 FROM ledger_entries WHERE receipt_id = ?)",
        (receipt_id, receipt_id, receipt_id)))
