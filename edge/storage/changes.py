"""Applying central's changes and keeping the feed cursor in the same transaction.

Also the paged bootstrap (snapshot) and the ledger checksum the till compares with
central's once caught up.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import groupby
from operator import itemgetter
from typing import Any

import sqlite_utils
from google.protobuf.timestamp_pb2 import Timestamp

from edge.storage import outbox, receipt_facts
from edge.storage.catalog import PRICE_AT, epoch_ms
from edge.storage.database import Database, in_chunks
from edge.storage.outbox import LedgerRow
from kassa import collector
from kassa.domain.search import search_key
from kassa.replication import hlc
from kassa.replication.checksum import LedgerSum, ledger_sum
from kassa.replication.hlc import Stamp
from kassa.sync.v1 import sync_pb2

CURSOR_KEY = "pull_cursor"
BOOTSTRAP_NEXT_KEY = "bootstrap_next"
BOOTSTRAP_CURSOR_KEY = "bootstrap_cursor"
BOOTSTRAP_DONE_KEY = "bootstrap_done"
BOOTSTRAP_TOTAL_KEY = "bootstrap_total"
SYNCED_KEY = "last_synced"
# The feed format this till applies (sync.proto, FeedFormat): receipt_facts and
# receipt_row included, CRC-32 digests in the ledger checksum.
FEED_FORMAT = sync_pb2.FEED_FORMAT_RECEIPT_ROWS
DEFERRED_INDEX_KEY = "deferred_index:"  # + index name: its CREATE statement
# Tables a bootstrap that finds them empty (a new till) loads without their secondary
# indexes, built once at its end: one sort instead of a million scattered inserts.
BULK_TABLES = ("customers", "ledger_entries", "customer_purchases")
log = logging.getLogger(__name__)


def _get(database: Database, key: str) -> str | None:
    value = database.scalar("SELECT value FROM sync_state WHERE key = ?", (key,))
    return None if value is None else str(value)


def _set(db: sqlite_utils.Database, key: str, value: str | int) -> None:
    db.conn.execute(
        "INSERT INTO sync_state (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, str(value)),
    )


def cursor(database: Database) -> int:
    """Feed position of the last change applied; 0 before the first one."""
    value = _get(database, CURSOR_KEY)
    return int(value) if value is not None else 0


def apply_changes(database: Database, changes: Sequence[sync_pb2.Change]) -> int:
    """Apply changes and advance the cursor to the last one atomically; returns the cursor.

    Ledger entries are keyed by their id, so an entry this till made itself and
    later receives back from central is held once, never counted twice.
    """
    with collector.paused(), database.write() as db:
        position = _apply_after(db, cursor(database), changes)
        _set(db, CURSOR_KEY, position)
    return position


def apply_batch(database: Database, batch: sync_pb2.ChangeBatch) -> int:
    """Apply one message of the feed: its changes, the cursor it ends at and central's
    clock, in one transaction; returns the new cursor."""
    with collector.paused(), database.write(durable=False) as db:
        position = max(_apply_after(db, cursor(database), batch.changes), batch.cursor)
        _set(db, CURSOR_KEY, position)
        _receive_clock(db, batch.central_time)
    return position


def _apply_after(
    db: sqlite_utils.Database, position: int, changes: Sequence[sync_pb2.Change]
) -> int:
    fresh = []
    for change in changes:
        if change.seq > position:
            fresh.append(change)
            position = change.seq
    _apply(db.conn, fresh)
    return position


def _receive_clock(db: sqlite_utils.Database, central: sync_pb2.HybridTime) -> None:
    remote = Stamp(central.wall_ms, central.logical)
    outbox.set_clock_in(db, hlc.receive(outbox.clock_in(db), remote, 0))


def mark_synced(database: Database, at: datetime) -> None:
    """Record a round that pushed everything, caught up and matched central's checksum."""
    with database.write() as db:
        _set(db, SYNCED_KEY, at.isoformat())


def last_synced(database: Database) -> datetime | None:
    value = _get(database, SYNCED_KEY)
    return None if value is None else datetime.fromisoformat(value)


@dataclass(frozen=True)
class Bootstrap:
    """Where a bootstrap stands: the next page key ("" = start) and entities applied."""

    next_key: str
    done: int
    total: int


def bootstrap_state(database: Database) -> Bootstrap | None:
    """The bootstrap in progress (it survives restarts), or None."""
    next_key = _get(database, BOOTSTRAP_NEXT_KEY)
    if next_key is None:
        return None
    return Bootstrap(next_key, int(_get(database, BOOTSTRAP_DONE_KEY) or 0),
                     int(_get(database, BOOTSTRAP_TOTAL_KEY) or 0))


def start_bootstrap(database: Database) -> None:
    """Begin (or restart) a bootstrap; the outbox and local facts are left alone. The
    running ledger checksum is kept from here on, so its pages count as they land."""
    with database.write() as db:
        if outbox.held_sum_in(db.conn) is None:
            outbox.set_held_sum_in(db.conn, _recount(db.conn))
        _defer_indexes(db)
        _set(db, BOOTSTRAP_NEXT_KEY, "")
        _set(db, BOOTSTRAP_DONE_KEY, 0)
        db.conn.execute("DELETE FROM sync_state WHERE key IN (?, ?)",
                        (BOOTSTRAP_CURSOR_KEY, BOOTSTRAP_TOTAL_KEY))


def apply_snapshot_page(database: Database, page: sync_pb2.SnapshotPage) -> Bootstrap | None:
    """Apply one snapshot page with the bootstrap's progress; after the last page the
    cursor becomes the feed position of the first page and the indexes put off are
    built. Returns the state, None when done.

    A page commits without waiting for the disk: after a power cut the bootstrap goes on
    from the last page the disk kept, and the till's own sales still commit durably.
    """
    with collector.paused(), database.write(durable=False) as db:
        _apply_runs(db.conn, _kinded(page.changes))  # a page holds each kind in one run
        first = _get(database, BOOTSTRAP_CURSOR_KEY)
        start = page.cursor if first is None else min(int(first), page.cursor)
        done = int(_get(database, BOOTSTRAP_DONE_KEY) or 0) + len(page.changes)
        total = int(_get(database, BOOTSTRAP_TOTAL_KEY) or 0) or page.total
        if page.next:
            _set(db, BOOTSTRAP_NEXT_KEY, page.next)
            _set(db, BOOTSTRAP_CURSOR_KEY, start)
            _set(db, BOOTSTRAP_DONE_KEY, done)
            _set(db, BOOTSTRAP_TOTAL_KEY, total)
            return Bootstrap(page.next, done, total)
        _set(db, CURSOR_KEY, start)
        db.conn.execute(
            "DELETE FROM sync_state WHERE key IN (?, ?, ?, ?)",
            (BOOTSTRAP_NEXT_KEY, BOOTSTRAP_CURSOR_KEY, BOOTSTRAP_DONE_KEY, BOOTSTRAP_TOTAL_KEY),
        )
        _build_deferred_indexes(db)
    return None


def _defer_indexes(db: sqlite_utils.Database) -> None:
    """Drop the secondary indexes of the empty ``BULK_TABLES``, keeping their statements
    for ``_build_deferred_indexes`` (a bootstrap resumed after a restart still has them).
    Queries by those columns scan meanwhile; the status line says customers and points
    are still loading."""
    for table in BULK_TABLES:
        if db.conn.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone() is not None:
            continue
        for name, sql in db.conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ?"
            " AND sql IS NOT NULL", (table,)
        ).fetchall():
            _set(db, DEFERRED_INDEX_KEY + name, sql)
            db.conn.execute(f'DROP INDEX "{name}"')


def _build_deferred_indexes(db: sqlite_utils.Database) -> None:
    for (sql,) in db.conn.execute(
        "DELETE FROM sync_state WHERE key GLOB ? RETURNING value", (DEFERRED_INDEX_KEY + "*",)
    ).fetchall():
        db.conn.execute(sql)


def ledger_checksum(database: Database) -> LedgerSum:
    """Checksum of the ledger entries central also holds: every entry except those still
    in the outbox or quarantined (kassa.replication.checksum).

    A running value in ``sync_state``, moved by the transactions that change what it
    covers; computed from the rows once, the first time it is asked for.
    """
    value = _get(database, outbox.SUM_KEY)
    if value is not None:
        return outbox.decode_sum(value)
    with database.write() as db:
        total = outbox.held_sum_in(db.conn) or _recount(db.conn)
        outbox.set_held_sum_in(db.conn, total)
    return total


def recompute_ledger_checksum(database: Database) -> LedgerSum:
    """The checksum ``ledger_checksum`` keeps, computed from every row (to verify it)."""
    with database.write() as db:
        return _recount(db.conn)


def _recount(conn: sqlite3.Connection) -> LedgerSum:
    unsent = outbox.unsent_ledger_ids(conn)
    held = conn.execute("SELECT id, customer_id, points FROM ledger_entries").fetchall()
    return ledger_sum([*(row for row in held if row[0] not in unsent),
                       *receipt_facts.entry_rows(conn)])


def checksum_replace(
    conn: sqlite3.Connection, old_rows: Sequence[LedgerRow], new_rows: Sequence[LedgerRow]
) -> None:
    """Keep the running checksum right when held entries change, say re-pointed to the
    survivor of a merge: call in that transaction with their (id, customer_id, points)
    before and after. Entries still unsent or quarantined do not count and are skipped."""
    if not (old_rows or new_rows) or outbox.held_sum_in(conn) is None:
        return
    unsent = outbox.unsent_ledger_ids(conn)
    outbox.count_in(conn, [r for r in old_rows if r[0] not in unsent],
                    [r for r in new_rows if r[0] not in unsent])


def _ledger_row(e: sync_pb2.LedgerEntry, iso: Callable[[Timestamp], str]) -> tuple[Any, ...]:
    """An entry's ``ledger_entries`` row (``LEDGER_SQL``)."""
    return (e.id, e.customer_id, e.points, e.receipt_id, e.store_id, iso(e.created_at), e.reason,
            e.lot_id, iso(e.lot_earned_at) if e.HasField("lot_earned_at") else None,
            iso(e.lot_available_at) if e.HasField("lot_available_at") else None,
            iso(e.lot_expires_at) if e.HasField("lot_expires_at") else None)


LEDGER_SQL = (
    "INSERT INTO ledger_entries (id, customer_id, points, receipt_id, store_id, created_at,"
    " reason, lot_id, lot_earned_at, lot_available_at, lot_expires_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (id) DO UPDATE SET customer_id = excluded.customer_id"
)


def hold_ledger_entries(conn: sqlite3.Connection, entries: Sequence[sync_pb2.LedgerEntry]) -> None:
    """Hold central's ledger entries once each, keyed by id, with their lots (see
    ``_hold_ledger_rows``)."""
    iso = _iso_times()
    _hold_ledger_rows(conn, [_ledger_row(e, iso) for e in entries])


def _hold_ledger_rows(conn: sqlite3.Connection, rows: Sequence[tuple[Any, ...]]) -> None:
    """Store ledger entries' rows and count them in the running checksum. Central's
    customer wins: an entry held already (this till's own coming back, or a replay)
    counts once, re-pointed if the customer differs. A new one joins the checksum (this
    till's own are held from the transaction that queued their event, so a new one is
    never unsent)."""
    rows = _outside_facts(conn, rows, 3, 1)
    held = {i: (c, p) for i, c, p in outbox.held_rows(conn, {row[0] for row in rows})}
    fresh: list[LedgerRow] = []
    moved_from: list[LedgerRow] = []
    moved_to: list[LedgerRow] = []
    for row in rows:
        entry_id, customer_id, points = row[0], row[1], row[2]
        old = held.get(entry_id)
        if old is None:
            fresh.append((entry_id, customer_id, points))
            held[entry_id] = (customer_id, points)
        elif old[0] != customer_id:
            moved_from.append((entry_id, *old))
            moved_to.append((entry_id, customer_id, old[1]))
            held[entry_id] = (customer_id, old[1])
    conn.executemany(LEDGER_SQL, rows)
    if fresh:
        outbox.count_in(conn, (), fresh)
    checksum_replace(conn, moved_from, moved_to)


def _outside_facts(
    conn: sqlite3.Connection, rows: Sequence[tuple[Any, ...]], receipt: int, customer: int
) -> Sequence[tuple[Any, ...]]:
    """The rows (of ledger entries or purchases) whose receipt has no ``receipt_facts``
    row: the others are held there already (a snapshot or a merge sends them again one
    by one), and only re-point that row when they name another customer."""
    holders = receipt_facts.customers_of(conn, {row[receipt] for row in rows if row[receipt]})
    if not holders:
        return rows
    outside = []
    for row in rows:
        holder = holders.get(row[receipt])
        if holder is None:
            outside.append(row)
        elif holder != row[customer]:
            checksum_replace(conn, *receipt_facts.repoint(conn, row[receipt], row[customer]))
            holders[row[receipt]] = row[customer]
    return outside


# A change with the kind of entity it carries (its ``entity`` oneof), None for a kind
# this till does not know.
Kinded = tuple[str | None, sync_pb2.Change]


def _kinded(changes: Iterable[sync_pb2.Change]) -> list[Kinded]:
    """Each change with its kind, for ``_apply_runs``."""
    return [(change.WhichOneof("entity"), change) for change in changes]


def _apply(conn: sqlite3.Connection, changes: Sequence[sync_pb2.Change]) -> None:
    """Apply feed changes as if one by one, in few statements: between merges (which
    re-point rows of every customer table, so changes stay on their side of one), the
    changes of each group of kinds sharing tables (``_GROUPS``) apply together, in feed
    order, each run of one kind with one statement per table; other kinds commute. A
    feed is mostly receipts' facts."""
    groups: dict[str | None, list[Kinded]] = {}
    for change in changes:
        kind = change.WhichOneof("entity")
        if kind == _MERGED:
            for run in groups.values():
                _apply_runs(conn, run)
            groups = {}
            _apply_runs(conn, [(kind, change)])
        else:
            groups.setdefault(_GROUPS.get(kind, kind) if kind else None, []).append(
                (kind, change))
    for run in groups.values():
        _apply_runs(conn, run)


def _apply_runs(conn: sqlite3.Connection, changes: Iterable[Kinded]) -> None:
    """Apply changes in order, each run of one kind with one statement per table."""
    for kind, run in groupby(changes, itemgetter(0)):
        apply = _APPLIERS.get(kind) if kind else None
        if apply is None:
            # A newer central may send kinds this till does not know yet: skip, never block.
            for _, change in run:
                log.warning("change %d carries no entity this till knows; skipped", change.seq)
        else:
            apply(conn, [getattr(change, kind) for _, change in run])


def _apply_products(conn: sqlite3.Connection, products: Sequence[sync_pb2.Product]) -> None:
    """Store products with their scheduled prices (one that comes twice, in turn)."""
    distinct: dict[str, sync_pb2.Product] = {}
    for p in products:
        if p.id in distinct:
            _store_products(conn, list(distinct.values()))
            distinct = {}
        distinct[p.id] = p
    _store_products(conn, list(distinct.values()))


def _store_products(conn: sqlite3.Connection, products: Sequence[sync_pb2.Product]) -> None:
    """Store products of distinct ids; for those whose price in effect now changes,
    record the old one and when (L12 tags; prices_changed_between)."""
    now = datetime.now(UTC)
    ids = [(p.id,) for p in products]
    old = _prices_now(conn, [p.id for p in products], now)
    conn.executemany(
        "INSERT OR REPLACE INTO products (id, name, article, category, price, weighted, active,"
        " plu, vat_rate_bp, search_name) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(p.id, p.name, p.article, p.category, p.price, p.weighted, p.active, p.plu,
          p.vat_rate_bp, search_key(p.name)) for p in products],
    )
    conn.executemany("DELETE FROM product_barcodes WHERE product_id = ?", ids)
    conn.executemany(
        "INSERT OR REPLACE INTO product_barcodes (barcode, product_id) VALUES (?, ?)",
        [(code, p.id) for p in products for code in p.barcodes],
    )
    conn.executemany("DELETE FROM product_scheduled_prices WHERE product_id = ?", ids)
    conn.executemany(
        "INSERT OR REPLACE INTO product_scheduled_prices (product_id, effective_ms, price)"
        " VALUES (?, ?, ?)",
        [(p.id, s.effective_from.ToMilliseconds(), s.price)
         for p in products for s in p.scheduled_prices],
    )
    if old:
        new = _prices_now(conn, list(old), now)
        conn.executemany(
            "INSERT OR REPLACE INTO product_prices (product_id, old_price, changed_at)"
            " VALUES (?, ?, ?)",
            [(i, price, now.isoformat()) for i, price in old.items() if new[i] != price],
        )


def _prices_now(conn: sqlite3.Connection, ids: Sequence[str], now: datetime) -> dict[str, int]:
    """The price in effect at ``now`` of the stored products among ``ids``."""
    prices: dict[str, int] = {}
    for chunk, marks in in_chunks(ids):
        prices.update(conn.execute(
            f"SELECT p.id, {PRICE_AT} FROM products p WHERE p.id IN ({marks})",
            (epoch_ms(now), *chunk),
        ).fetchall())
    return prices


def _apply_customers(conn: sqlite3.Connection, customers: Sequence[sync_pb2.Customer]) -> None:
    """Store customers; a deleted one arrives with its personal data erased (so no phone
    finds them; central blocked their cards) and loses its terms."""
    conn.executemany(
        "INSERT OR REPLACE INTO customers (id, surname, first_name, patronymic, phone, email)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [(c.id, c.surname, c.first_name, c.patronymic, c.phone, c.email) for c in customers],
    )
    conn.executemany("DELETE FROM customer_terms WHERE customer_id = ?",
                     [(c.id,) for c in customers if c.deleted])


def _apply_cards(conn: sqlite3.Connection, cards: Sequence[sync_pb2.Card]) -> None:
    conn.executemany(
        "INSERT OR REPLACE INTO cards (barcode, customer_id, blocked) VALUES (?, ?, ?)",
        [(k.barcode, k.customer_id, k.blocked) for k in cards],
    )


def _apply_programs(conn: sqlite3.Connection, sets: Sequence[sync_pb2.PricingPrograms]) -> None:
    conn.executemany(
        "INSERT OR REPLACE INTO pricing_programs (version, id, json) VALUES (?, ?, ?)",
        [(g.version, g.id, g.json) for g in sets],
    )


def _apply_terms(conn: sqlite3.Connection, terms: Sequence[sync_pb2.CustomerTerms]) -> None:
    conn.executemany(
        "INSERT OR REPLACE INTO customer_terms (customer_id, groups, price_list,"
        " discounts_json) VALUES (?, ?, ?, ?)",
        [(t.customer_id, ",".join(t.groups), t.price_list, t.discounts_json or "[]")
         for t in terms],
    )


def _apply_receipt_facts(
    conn: sqlite3.Connection, facts: Sequence[sync_pb2.ReceiptFacts]
) -> None:
    """Hold what sales and returns did to their customers. Other tills' receipts go to
    ``receipt_facts``, a row each (edge/storage/receipt_facts.py); the rest (this till's
    own coming back, spends, receipts without points) as ledger and purchase rows built
    in one pass."""
    placed = [(fact, receipt_facts.row_of(fact)) for fact in facts]
    own = {i for i, _, _ in outbox.held_rows(
        conn, [r[0] for _, p in placed if p for r in p[1]])}
    iso = _iso_times()
    candidates: list[tuple[receipt_facts.Row, list[LedgerRow]]] = []
    entries: list[tuple[Any, ...]] = []
    purchases: list[tuple[Any, ...]] = []
    for fact, p in placed:
        if p is not None and not (own and any(r[0] in own for r in p[1])):
            candidates.append(p)
            continue
        for entry in fact.ledger_entries:
            entries.append(_ledger_row(entry, iso))
        if fact.HasField("purchase"):
            purchases.append(_purchase_row(fact.purchase, iso))
    _hold_receipt_rows(conn, candidates)
    _hold_ledger_rows(conn, entries)
    conn.executemany(PURCHASE_SQL, _outside_facts(conn, purchases, 0, 1))


def _apply_receipt_rows(conn: sqlite3.Connection, rows: Sequence[sync_pb2.ReceiptRow]) -> None:
    """Hold receipts central sent as rows: another till's as a ``receipt_facts`` row as it
    came, its facts not decoded; this till's own coming back (its entry held as a row
    already) as its facts (``_apply_receipt_facts``)."""
    placed = [((r.receipt_id, r.customer_id, r.points, r.facts), r.entry_id) for r in rows]
    own = {i for i, _, _ in outbox.held_rows(conn, [entry_id for _, entry_id in placed])}
    if own:
        _apply_receipt_facts(conn, [sync_pb2.ReceiptFacts.FromString(row[3])
                                    for row, entry_id in placed if entry_id in own])
    _hold_receipt_rows(conn, [(row, [(entry_id, row[1], row[2])])
                              for row, entry_id in placed if entry_id not in own])


def _hold_receipt_rows(
    conn: sqlite3.Connection, placed: list[tuple[receipt_facts.Row, list[LedgerRow]]]
) -> None:
    """Store ``receipt_facts`` rows and count their entries in the checksum. A receipt
    held already (sent again) counts once, re-pointed if the customer differs."""
    if receipt_facts.insert_new(conn, [row for row, _ in placed]):
        fresh = [r for _, held in placed for r in held]
    else:
        holders = receipt_facts.customers_of(conn, [row[0] for row, _ in placed])
        new: dict[str, tuple[receipt_facts.Row, list[LedgerRow]]] = {}
        for row, held in placed:
            if row[0] in new or row[0] not in holders:
                new[row[0]] = (row, held)  # the same receipt twice: the later one wins
            elif holders[row[0]] != row[1]:
                checksum_replace(conn, *receipt_facts.repoint(conn, row[0], row[1]))
                holders[row[0]] = row[1]
        conn.executemany(receipt_facts.INSERT_SQL, [row for row, _ in new.values()])
        fresh = [r for _, held in new.values() for r in held]
    if fresh:
        outbox.count_in(conn, (), fresh)


def _purchase_row(c: sync_pb2.CustomerPurchase, iso: Callable[[Timestamp], str]) -> tuple[Any, ...]:
    """A purchase fact's ``customer_purchases`` row (``PURCHASE_SQL``)."""
    return (c.id, c.customer_id, c.store_id, iso(c.at), c.amount, ",".join(c.one_time_used),
            ",".join(c.one_time_restored))


# Central's customer wins, as for ledger entries.
PURCHASE_SQL = (
    "INSERT INTO customer_purchases (id, customer_id, store_id, at, amount, one_time_used,"
    " one_time_restored) VALUES (?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (id) DO UPDATE SET customer_id = excluded.customer_id"
)


def _apply_purchases(
    conn: sqlite3.Connection, purchases: Sequence[sync_pb2.CustomerPurchase]
) -> None:
    """Hold customer purchase facts once, keyed by their receipt's or return's id."""
    iso = _iso_times()
    conn.executemany(PURCHASE_SQL, _outside_facts(conn, [_purchase_row(c, iso) for c in purchases],
                                                  0, 1))


def _apply_stores(conn: sqlite3.Connection, stores: Sequence[sync_pb2.Store]) -> None:
    conn.executemany(
        "INSERT OR REPLACE INTO stores (id, name, time_zone, phone_region, currency,"
        " currency_sign, weight_label_prefixes, card_prefixes, receipt_barcode_prefix,"
        " receipt_language, cash_step, offline_points_cap, offline_points_budget)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(s.id, s.name, s.time_zone, s.phone_region, s.currency, s.currency_sign,
          ",".join(s.weight_label_prefixes), ",".join(s.card_prefixes),
          s.receipt_barcode_prefix, s.receipt_language, max(1, s.cash_step),
          s.offline_points_cap, s.offline_points_budget) for s in stores],
    )


def _apply_categories(conn: sqlite3.Connection, categories: Sequence[sync_pb2.Category]) -> None:
    conn.executemany(
        "INSERT OR REPLACE INTO categories (id, name, parent_id, min_age, no_sale_from,"
        " no_sale_to) VALUES (?, ?, ?, ?, ?, ?)",
        [(c.id, c.name, c.parent_id, c.min_age, c.no_sale_from, c.no_sale_to)
         for c in categories],
    )


def _apply_cashiers(conn: sqlite3.Connection, cashiers: Sequence[sync_pb2.Cashier]) -> None:
    conn.executemany(
        "INSERT OR REPLACE INTO cashiers (id, name, pin_hash, role, active)"
        " VALUES (?, ?, ?, ?, ?)",
        [(c.id, c.name, c.pin_hash, sync_pb2.Cashier.Role.Name(c.role).lower(), c.active)
         for c in cashiers],
    )


# Tables whose rows a merge moves to the survivor; the open receipt then prices as them.
MERGED_TABLES = ("cards", "ledger_entries", "customer_purchases", "receipt_facts", "receipts",
                 "returns", "open_receipt")


def _apply_merges(conn: sqlite3.Connection, merges: Sequence[sync_pb2.CustomerMerged]) -> None:
    """Move each gone customer's rows this till holds, its own not yet sent included, to
    the survivor, as central did; the survivor keeps its own terms if it has any."""
    for merged in merges:
        ids = (merged.survivor_id, merged.gone_id)
        moved = conn.execute("SELECT id, customer_id, points FROM ledger_entries"
                             " WHERE customer_id = ?", (merged.gone_id,)).fetchall()
        moved += receipt_facts.entry_rows(conn, "WHERE customer_id = ?", (merged.gone_id,))
        checksum_replace(conn, moved, [(i, merged.survivor_id, p) for i, _, p in moved])
        for table in MERGED_TABLES:
            conn.execute(f"UPDATE {table} SET customer_id = ? WHERE customer_id = ?", ids)
        conn.execute("UPDATE OR IGNORE customer_terms SET customer_id = ? WHERE customer_id = ?",
                     ids)
        conn.execute("DELETE FROM customer_terms WHERE customer_id = ?", (merged.gone_id,))
        conn.execute("INSERT OR REPLACE INTO customer_merges (gone_id, survivor_id)"
                     " VALUES (?, ?)", (merged.gone_id, merged.survivor_id))


# Kinds that touch each other's tables, by the group they apply in (the others touch
# only their own): a deleted customer drops its terms; a receipt's facts are ledger
# entries and a purchase.
_GROUPS = {"customer_terms": "customer", "ledger_entry": "facts", "customer_purchase": "facts",
           "receipt_facts": "facts", "receipt_row": "facts"}
_MERGED = "customer_merged"

# Each kind's entities, a run of them in feed order, in one go.
_APPLIERS: dict[str, Callable[[sqlite3.Connection, list[Any]], None]] = {
    "store": _apply_stores,
    "category": _apply_categories,
    "cashier": _apply_cashiers,
    "product": _apply_products,
    "pricing_programs": _apply_programs,
    "customer": _apply_customers,
    "customer_merged": _apply_merges,
    "card": _apply_cards,
    "ledger_entry": hold_ledger_entries,
    "customer_terms": _apply_terms,
    "customer_purchase": _apply_purchases,
    "receipt_facts": _apply_receipt_facts,
    "receipt_row": _apply_receipt_rows,
}

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# "HH:MM:" of every minute of a day and "SS" of every second of a minute.
_MINUTES = [f"{h:02d}:{m:02d}:" for h in range(24) for m in range(60)]
_SECONDS = [f"{s:02d}" for s in range(60)]


def _iso_times() -> Callable[[Timestamp], str]:
    """A Timestamp as ``ToDatetime(tzinfo=UTC).isoformat()`` writes it: each distinct one
    formatted once per call, its date once per day, the time of day put together from
    tables (a sale's facts hold five times, three of them distinct)."""
    dates: dict[int, str] = {}
    seen: dict[tuple[int, int], str] = {}

    def iso(stamp: Timestamp) -> str:
        key = (stamp.seconds, stamp.nanos)
        text = seen.get(key)  # an entry's earned time, its purchase's time: its own
        if text is not None:
            return text
        day, second = divmod(key[0], 86400)
        date = dates.get(day)
        if date is None:
            date = dates[day] = (_EPOCH + timedelta(days=day)).date().isoformat() + "T"
        minute, second = divmod(second, 60)
        micro = key[1] // 1000
        text = seen[key] = (
            f"{date}{_MINUTES[minute]}{_SECONDS[second]}.{micro:06d}+00:00" if micro
            else f"{date}{_MINUTES[minute]}{_SECONDS[second]}+00:00")
        return text

    return iso
