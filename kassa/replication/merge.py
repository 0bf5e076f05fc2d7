"""Which of two edits of one customer field wins (last writer wins, per field).

The later hybrid logical clock stamp wins; on equal stamps, withdrawing a mailing
consent wins over granting it, then the greater store id, then the greater value (two
tills of one store may share a stamp). The order is total, so every replica that sees
the same edits, in any order, ends with the same values.
"""

from __future__ import annotations

from dataclasses import dataclass

from kassa.replication.hlc import Stamp

CONSENT_FIELDS = frozenset({"consent_email", "consent_sms"})


@dataclass(frozen=True)
class FieldEdit:
    field: str
    value: str
    stamp: Stamp
    store_id: str

    def rank(self) -> tuple[Stamp, int, str, str]:
        opted_out = int(self.field in CONSENT_FIELDS and self.value == "0")
        return (self.stamp, opted_out, self.store_id, self.value)


def wins(incoming: FieldEdit, current: FieldEdit | None) -> bool:
    """True when ``incoming`` should replace ``current`` (None: the field has no edit yet)."""
    return current is None or incoming.rank() > current.rank()
