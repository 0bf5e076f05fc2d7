"""What central's sync logic needs from a database; SQLite now, PostgreSQL later."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from central.storage.feed import FeedPosition, FeedSlice
from kassa.replication.hlc import ZERO, Stamp
from kassa.sync.v1 import sync_pb2


@dataclass(frozen=True)
class TillIdentity:
    """A till as its credential proves it: the store of its events comes from here."""

    till_id: str
    store_id: str


@dataclass
class PushOutcome:
    acknowledged: list[str] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)
    clock: Stamp = ZERO


@dataclass(frozen=True)
class SnapshotSlice:
    """One page of the snapshot: the reply holding its entities and the key after the
    last one (empty: done; built in place, as copying it costs more than building it), the
    feed position read before the page, and the entity count (first page only)."""

    page: sync_pb2.SnapshotPage
    cursor: int
    total: int

    @property
    def changes(self) -> Sequence[sync_pb2.Change]:
        return self.page.changes

    @property
    def next_key(self) -> str:
        return self.page.next


@dataclass(frozen=True)
class TillReport:
    """What a till says of itself when it subscribes (shown by `central stores`)."""

    cursor: int
    pending_events: int
    oldest_pending_ms: int


class CentralStorage(Protocol):
    """Central's storage. Implementations use portable SQL only (SQLite and PostgreSQL)."""

    def till_by_token_hash(self, token_hash: str) -> TillIdentity | None:
        """The enrolled, unrevoked till holding this credential."""

    def apply_events(self, till: TillIdentity, events: list[sync_pb2.Event]) -> PushOutcome:
        """Apply pushed events exactly once each, in one transaction that also notes the
        till's contact; events seen before are acknowledged again."""

    def apply_pushes(
        self, pushes: list[tuple[TillIdentity, list[sync_pb2.Event]]]
    ) -> list[PushOutcome]:
        """Several pushes as apply_events applies each, in order, in one transaction (group
        commit): all of them or, if any raises, none."""

    def feed_position(self) -> FeedPosition:
        """The feed's head, horizon, the ledger checksum at head and central's clock."""

    def feed_slice(self, after: int, upto: int, limit: int) -> FeedSlice:
        """Up to ``limit`` changes with ``after < seq <= upto``, oldest first, as sent."""

    def snapshot_page(self, after: str, limit: int) -> SnapshotSlice:
        """Up to ``limit`` entities in their current state, after the key ``after``."""

    def find_receipt(self, number: str, till: TillIdentity) -> sync_pb2.FoundReceipt | None:
        """A receipt of any till by its number, with its returns (None: no such receipt)."""

    def record_contact(self, till: TillIdentity, report: TillReport | None) -> None:
        """Note that the till called now, and what it reported."""

    def close(self) -> None:
        """Release the connection."""
