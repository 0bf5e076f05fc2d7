"""What central's sync logic needs from a database; SQLite now, PostgreSQL later."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

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


class CentralStorage(Protocol):
    """Central's storage. Implementations use portable SQL only (SQLite and PostgreSQL)."""

    def till_by_token_hash(self, token_hash: str) -> TillIdentity | None:
        """The enrolled, unrevoked till holding this credential."""

    def apply_events(self, till: TillIdentity, events: list[sync_pb2.Event]) -> PushOutcome:
        """Apply pushed events exactly once each; events seen before are acknowledged again."""

    def changes_after(self, cursor: int, limit: int) -> tuple[list[sync_pb2.Change], bool]:
        """Up to ``limit`` changes after ``cursor``, and whether that reaches the newest."""

    def close(self) -> None:
        """Release the connection."""
