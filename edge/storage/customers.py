"""Customers, cards and point balances as the till sees them."""

from __future__ import annotations

from dataclasses import dataclass

from edge.storage.database import Database


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
        "SELECT COALESCE(SUM(points), 0) FROM ledger_entries WHERE customer_id = ?",
        (customer_id,),
    )
    return int(total)
