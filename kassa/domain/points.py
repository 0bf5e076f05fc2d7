"""A customer's points as ledger entries, and the point lots (L6) the engine prices with.

The ledger is the fact: entries are immutable and a balance is their sum. Each entry
belongs to a lot (``lot_id``, itself when empty) with the dates fixed when the lot was
earned, so a customer's lots are their entries grouped by lot. A receipt or a return
writes the difference between the lots before and after it as entries.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from kassa.domain.ids import new_id
from kassa.domain.pricing import PointLot


@dataclass(frozen=True)
class LedgerEntry:
    """One movement of a customer's points, in the lot ``lot_id`` (its own id when empty)."""

    id: str
    customer_id: str
    points: int
    receipt_id: str
    store_id: str
    created_at: datetime
    reason: str
    lot_id: str = ""
    lot_earned_at: datetime | None = None
    lot_available_at: datetime | None = None
    lot_expires_at: datetime | None = None

    @property
    def lot(self) -> str:
        return self.lot_id or self.id


def lots_from_ledger(entries: Iterable[LedgerEntry]) -> tuple[PointLot, ...]:
    """The lots the entries add up to, oldest first; empty lots are left out.

    A lot's dates come from its entries (the earliest ``lot_earned_at``, else the earliest
    entry); entries of one lot carry the same availability and expiry.
    """
    points: dict[str, int] = {}
    first: dict[str, LedgerEntry] = {}
    earned: dict[str, datetime] = {}
    for entry in entries:
        lot = entry.lot
        points[lot] = points.get(lot, 0) + entry.points
        when = entry.lot_earned_at or entry.created_at
        if lot not in earned or when < earned[lot]:
            earned[lot] = when
        if lot not in first or (entry.lot_available_at or entry.lot_expires_at):
            first[lot] = entry
    lots = [
        PointLot(
            lot,
            total,
            earned_at=earned[lot],
            available_at=first[lot].lot_available_at,
            expires_at=first[lot].lot_expires_at,
        )
        for lot, total in points.items()
        if total
    ]
    return tuple(sorted(lots, key=lambda lot: (lot.earned_at, lot.id)))


def ledger_entries(
    before: tuple[PointLot, ...],
    after: tuple[PointLot, ...],
    *,
    customer_id: str,
    receipt_id: str,
    store_id: str,
    at: datetime,
    reasons: tuple[str, str],
) -> tuple[LedgerEntry, ...]:
    """Entries that turn lots ``before`` into lots ``after``: one per lot whose points
    changed, named ``reasons[0]`` when taken away and ``reasons[1]`` when added.

    A lot that expired by ``at`` is not in ``after`` but was neither spent nor annulled:
    it writes nothing (its points simply stop counting).
    """
    held = {lot.id: lot for lot in before}
    now = {lot.id: lot for lot in after}
    entries = []
    for lot_id in sorted(held.keys() | now.keys(), key=lambda i: (i not in held, i)):
        old, new = held.get(lot_id), now.get(lot_id)
        if old is not None and new is None and not old.live(at):
            continue
        delta = (new.points if new else 0) - (old.points if old else 0)
        if not delta:
            continue
        lot = new or old
        assert lot is not None
        entries.append(
            LedgerEntry(
                id=new_id(),
                customer_id=customer_id,
                points=delta,
                receipt_id=receipt_id,
                store_id=store_id,
                created_at=at,
                reason=reasons[0] if delta < 0 else reasons[1],
                lot_id=lot_id,
                lot_earned_at=lot.earned_at,
                lot_available_at=lot.available_at,
                lot_expires_at=lot.expires_at,
            )
        )
    return tuple(entries)
