"""Pricing programs, customer terms and purchase facts at central (issue 3).

Programs and terms are checked with the engine's own reader (``kassa.domain.pricing``)
before they are stored, so a till never receives JSON it cannot price with; errors are
the engine's ``InputError`` naming the field, e.g. ``programs.bonus.earn_per``.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from central.storage import customers
from central.storage.feed import FeedBuffer
from central.storage.times import ts
from kassa.domain.pricing import InputError, PersonalDiscount, Programs, decode, encode
from kassa.domain.pricing.errors import check_unique
from kassa.sync.v1 import sync_pb2

PROGRAMS_ID = "chain"
TERMS_FIELDS = ("customer_id", "groups", "price_list", "discounts")


def _dump(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _load(text: str, field: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(field, f"not valid JSON: {exc}") from None


def parse_programs(text: str) -> Programs:
    """The engine's programs from their JSON text; InputError names the field."""
    return decode(Programs, _load(text, "programs"), "programs")


def parse_discounts(text: str, path: str = "discounts") -> tuple[PersonalDiscount, ...]:
    """A JSON list of personal discounts in the engine's format."""
    value = _load(text or "[]", path)
    if not isinstance(value, list):
        raise InputError(path, "must be a list")
    found = tuple(decode(PersonalDiscount, item, f"{path}[{i}]") for i, item in enumerate(value))
    check_unique(path, (d.id for d in found))
    return found


def latest_programs(conn: sqlite3.Connection) -> sync_pb2.PricingPrograms | None:
    """The newest stored programs, or None before any."""
    row = conn.execute(
        "SELECT id, version, json FROM pricing_programs ORDER BY version DESC LIMIT 1"
    ).fetchone()
    return None if row is None else sync_pb2.PricingPrograms(id=row[0], version=row[1],
                                                             json=row[2])


def _price_list_ids(conn: sqlite3.Connection) -> set[str]:
    current = latest_programs(conn)
    if current is None:
        return set()
    return {p.id for p in parse_programs(current.json).price_lists}


def put_programs(
    conn: sqlite3.Connection, feed: FeedBuffer, text: str, now: str
) -> sync_pb2.PricingPrograms:
    """Store ``text`` as the next version of the programs (in the engine's own JSON form)
    and feed it. Refused while a customer's terms name a price list it drops."""
    programs = parse_programs(text)
    kept = {p.id for p in programs.price_lists}
    for customer_id, price_list in conn.execute(
        "SELECT customer_id, price_list FROM customer_terms WHERE price_list <> '' "
        "ORDER BY customer_id"
    ):
        if price_list not in kept:
            raise InputError("programs.price_lists",
                             f"customer {customer_id!r} has price list {price_list!r}")
    version = int(conn.execute(
        "SELECT COALESCE(MAX(version), 0) + 1 FROM pricing_programs").fetchone()[0])
    stored = sync_pb2.PricingPrograms(id=PROGRAMS_ID, version=version,
                                      json=_dump(encode(programs)))
    conn.execute(
        "INSERT INTO pricing_programs (version, id, json, stored_at) VALUES (?, ?, ?, ?)",
        (stored.version, stored.id, stored.json, now),
    )
    feed.add("pricing_programs", stored.id, stored)
    return stored


def parse_terms_file(text: str) -> list[sync_pb2.CustomerTerms]:
    """Terms from a JSON list of {"customer_id", "groups", "price_list", "discounts"}."""
    value = _load(text, "")
    if not isinstance(value, list):
        raise InputError("", "the file must hold a JSON list of customer terms")
    return [_terms_of(item, f"[{i}]") for i, item in enumerate(value)]


def _terms_of(item: object, path: str) -> sync_pb2.CustomerTerms:
    if not isinstance(item, dict):
        raise InputError(path, "must be an object")
    for key in item:
        if key not in TERMS_FIELDS:
            raise InputError(f"{path}.{key}", "unknown field")
    customer_id = item.get("customer_id")
    if not isinstance(customer_id, str) or not customer_id:
        raise InputError(f"{path}.customer_id", "must be a customer id")
    groups = item.get("groups") or []
    if not isinstance(groups, list) or not all(isinstance(g, str) and g for g in groups):
        raise InputError(f"{path}.groups", "must be a list of group names")
    price_list = item.get("price_list") or ""
    if not isinstance(price_list, str):
        raise InputError(f"{path}.price_list", "must be a price list id or null")
    discounts = item.get("discounts") or []
    return sync_pb2.CustomerTerms(customer_id=customer_id, groups=groups,
                                  price_list=price_list, discounts_json=_dump(discounts))


def check_terms(
    conn: sqlite3.Connection, terms: sync_pb2.CustomerTerms, path: str = ""
) -> sync_pb2.CustomerTerms:
    """The terms with their discounts in the engine's form; InputError names the field
    (under ``path``) of an unknown customer or price list or a bad discount."""
    prefix = f"{path}." if path else ""
    if not customers.exists(conn, terms.customer_id):
        raise InputError(f"{prefix}customer_id", f"no customer {terms.customer_id!r}")
    if terms.price_list and terms.price_list not in _price_list_ids(conn):
        raise InputError(f"{prefix}price_list",
                         f"no price list {terms.price_list!r} in the pricing programs")
    discounts = parse_discounts(terms.discounts_json, f"{prefix}discounts")
    checked = sync_pb2.CustomerTerms()
    checked.CopyFrom(terms)
    checked.discounts_json = _dump([encode(d) for d in discounts])
    return checked


def put_terms(
    conn: sqlite3.Connection, feed: FeedBuffer, terms: sync_pb2.CustomerTerms, path: str = ""
) -> None:
    """Check and store a customer's terms (replacing earlier ones) and feed them."""
    checked = check_terms(conn, terms, path)
    conn.execute(
        "INSERT INTO customer_terms (customer_id, groups, price_list, discounts_json) "
        "VALUES (?, ?, ?, ?) ON CONFLICT (customer_id) DO UPDATE SET "
        "groups = excluded.groups, price_list = excluded.price_list, "
        "discounts_json = excluded.discounts_json",
        (checked.customer_id, _dump(list(checked.groups)), checked.price_list,
         checked.discounts_json),
    )
    feed.add("customer_terms", checked.customer_id, checked)


def purchase_row(purchase: sync_pb2.CustomerPurchase) -> tuple[object, ...]:
    """The ``customer_purchases`` row of a purchase fact (``PURCHASE_SQL``)."""
    return (purchase.id, purchase.customer_id, purchase.store_id,
            ts(purchase.at), purchase.amount,
            _dump_ids(purchase.one_time_used), _dump_ids(purchase.one_time_restored))


def _dump_ids(ids: Iterable[str]) -> str:
    listed = list(ids)
    return _dump(listed) if listed else "[]"


PURCHASE_SQL = (
    "INSERT INTO customer_purchases (id, customer_id, store_id, at, amount, one_time_used, "
    "one_time_restored) VALUES (?, ?, ?, ?, ?, ?, ?)"
)


def add_purchase(conn: sqlite3.Connection, purchase: sync_pb2.CustomerPurchase) -> None:
    """Store a receipt's or a return's effect on a customer's purchases (the caller feeds
    it with the receipt's facts)."""
    for discount in _already_used(conn, purchase):
        conn.execute(
            "INSERT INTO one_time_overuse (purchase_id, discount_id, customer_id, store_id, "
            "recorded_at) VALUES (?, ?, ?, ?, ?)",
            (purchase.id, discount, purchase.customer_id, purchase.store_id,
             datetime.now(UTC).isoformat()),
        )
    conn.execute(PURCHASE_SQL, purchase_row(purchase))


# A customer's purchases that used or restored one-time discounts (the rows of the index
# customer_purchases_one_time, schema.py migration 9).
ONE_TIME_USES_SQL = (
    "SELECT one_time_used, one_time_restored FROM customer_purchases WHERE customer_id = ?"
    " AND (one_time_used <> '[]' OR one_time_restored <> '[]')"
)


def _already_used(conn: sqlite3.Connection, purchase: sync_pb2.CustomerPurchase) -> list[str]:
    """One-time discounts ``purchase`` uses that the customer had used up already (two
    stores gave it offline): the sale stands and the reuse is recorded."""
    if not purchase.one_time_used:
        return []
    uses: Counter[str] = Counter()
    for used, restored in conn.execute(
        ONE_TIME_USES_SQL, (purchase.customer_id,),
    ):
        uses.update(json.loads(used))
        uses.subtract(json.loads(restored))
    return [d for d in purchase.one_time_used if uses[d] > 0]
