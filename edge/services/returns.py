"""Returns at the till (S4): find the receipt, pick lines and quantities, refund.

The refund comes from the receipt's stored split (the engine's ``price_return``), never
from today's prices or programs. A receipt of another till comes from central, with the
returns central holds against it, and is kept here (``edge.storage.receipts_elsewhere``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from edge.services.till import NotFound, TillService
from edge.storage import journal, receipts_elsewhere
from edge.storage import returns as returns_storage
from edge.sync.client import CentralError, ReceiptRefused
from edge.sync.events import return_made_event
from kassa.domain import pricing
from kassa.domain.returns import ClosedReturn, close_return
from kassa.domain.sale import SaleError
from kassa.sync.v1 import sync_pb2


class ReceiptSource(Protocol):
    """Where receipts of other tills come from (central's FindReceipt)."""

    def find_receipt(self, number: str) -> sync_pb2.FoundReceipt | None: ...


class ElsewhereUnreachable(NotFound):
    """The receipt is not this till's and central could not be asked for it."""

    def __init__(self, number: str, detail: str) -> None:
        super().__init__(f"receipt {number} is not on this till and central cannot be "
                         f"asked for it: {detail}")
        self.number = number


class ElsewhereRefused(NotFound):
    """Central holds the receipt, but it cannot come back at this till (another currency)."""


class PointsNotHere(NotFound):
    """A receipt of another till whose points have not reached this till through the
    feed yet: its points could not be annulled or restored correctly."""

    def __init__(self, number: str, missing: int) -> None:
        super().__init__(f"receipt {number}: {missing} of its ledger entries have not "
                         "reached this till yet")
        self.number = number


@dataclass(frozen=True)
class ReturnableLine:
    """A receipt line and how much of it may still come back (thousandths)."""

    line_no: int
    product_id: str
    name: str
    sold: int
    returned: int
    total: int

    @property
    def left(self) -> int:
        return self.sold - self.returned


@dataclass(frozen=True)
class ReturnableReceipt:
    id: str
    number: str
    closed_at: datetime
    customer_id: str | None
    lines: tuple[ReturnableLine, ...]
    priced: pricing.PricedReceipt
    card_left: int  # what the card payment still covers: refunds go there first

    @property
    def fully_returned(self) -> bool:
        return all(line.left == 0 for line in self.lines)


class ReturnDesk:
    """Returns against receipts of this till, and of other tills through ``central``.
    Every method may block on disk; ``find`` also on the network."""

    def __init__(self, till: TillService, central: ReceiptSource | None = None) -> None:
        self.till = till
        self.database = till.database
        self.central = central

    def find(self, number: str) -> ReturnableReceipt:
        """The receipt with this number ("T1-000042", or "42" on this till).

        Central is asked for it with the returns made against it at any till: a receipt
        of another till comes only from there. When central cannot answer, what this
        till holds serves (its own receipt, or a copy fetched before); central checks
        the return again when it arrives. Raises NotFound, or one of its kinds above,
        naming why the receipt cannot be had.
        """
        number = number.strip()
        rows = journal.by_number(self.database, self.till.till_id, number)
        held: str | None
        if rows:
            number, held = rows[0].number, rows[0].id
        else:
            held = receipts_elsewhere.held(self.database, number, self.till.till_id)
        if self.central is None:
            if held is None:
                raise NotFound(f"no receipt {number} on this till")
            return self.load(held)
        try:
            found = self.central.find_receipt(number)
        except ReceiptRefused as exc:
            raise ElsewhereRefused(str(exc)) from exc
        except CentralError as exc:
            if held is None:
                raise ElsewhereUnreachable(number, str(exc)) from exc
            return self.load(held)
        if found is None or (rows and found.sale.receipt_id != held):
            # Not pushed yet (or, impossibly, another receipt under this till's number).
            if held is None:
                raise NotFound(f"no receipt {number} on this till or at central")
            return self.load(held)
        if not rows and (missing := receipts_elsewhere.missing_ledger(self.database, found.sale)):
            raise PointsNotHere(number, missing)
        with self.database.write() as db:
            receipts_elsewhere.keep(db, found)
        return self.load(found.sale.receipt_id)

    def load(self, receipt_id: str) -> ReturnableReceipt:
        row = self.database.one(
            "SELECT id, number, closed_at, customer_id, pricing_json FROM receipts WHERE id = ?",
            (receipt_id,),
        )
        if row is None:
            raise NotFound(f"no receipt {receipt_id} on this till")
        if not row["pricing_json"]:
            raise NotFound(f"receipt {row['number']} was closed without its pricing split")
        priced = pricing.decode(pricing.PricedReceipt, json.loads(row["pricing_json"]))
        returned = returns_storage.returned_quantities(self.database, receipt_id)
        return ReturnableReceipt(
            id=row["id"],
            number=row["number"],
            closed_at=datetime.fromisoformat(row["closed_at"]),
            customer_id=row["customer_id"],
            lines=tuple(
                ReturnableLine(line.line_no, line.product_id, line.name, line.quantity,
                               returned.get(line.line_no, 0), line.total)
                for line in priced.lines
            ),
            priced=priced,
            card_left=self._card_left(receipt_id),
        )

    def _card_left(self, receipt_id: str) -> int:
        paid = int(self.database.scalar(
            "SELECT COALESCE(SUM(amount), 0) FROM payments WHERE receipt_id = ? "
            "AND method = 'card'", (receipt_id,)))
        return paid - returns_storage.refunded_by(self.database, receipt_id, "card")

    def _request(
        self, receipt: ReturnableReceipt, picks: dict[int, int]
    ) -> pricing.ReturnRequest:
        customer = None
        if receipt.customer_id is not None:
            customer = self.till.customer_profile(receipt.customer_id)
        before = returns_storage.returned_quantities(self.database, receipt.id)
        try:
            return pricing.ReturnRequest(
                receipt=receipt.priced,
                at=self.till.now(),
                store=self.till.pricing_store(),
                lines=tuple(pricing.ReturnLine(no, q) for no, q in sorted(picks.items()) if q),
                returned_before=tuple(pricing.ReturnLine(no, q) for no, q in before.items()),
                customer=customer,
            )
        except pricing.InputError as exc:
            raise SaleError(str(exc)) from exc

    def preview(self, receipt: ReturnableReceipt, picks: dict[int, int]) -> pricing.PricedReturn:
        """What returning ``picks`` (line number -> thousandths) would refund.

        Raises SaleError naming the problem (nothing picked, more than is left).
        """
        try:
            return pricing.price_return(self._request(receipt, picks))
        except pricing.InputError as exc:
            raise SaleError(str(exc)) from exc

    def make(
        self,
        receipt: ReturnableReceipt,
        picks: dict[int, int],
        *,
        cashier_id: str,
        approved_by: str,
        shift_id: str,
        reason: str = "",
    ) -> ClosedReturn:
        """Make the return: refund, points back, lifetime purchases down, one-time discounts
        back on a full return; stored with its outbox event and print job in one
        transaction. Raises SaleError and writes nothing when it cannot be made."""
        with self.database.write() as db:
            receipt = self.load(receipt.id)
            request = self._request(receipt, picks)
            try:
                priced = pricing.price_return(request)
            except pricing.InputError as exc:
                raise SaleError(str(exc)) from exc
            customer = (
                self.till.customer_ref(receipt.customer_id) if receipt.customer_id else None
            )
            ret = close_return(
                priced,
                request.receipt,
                number=returns_storage.next_return_number(db, self.till.till_id),
                receipt_number=receipt.number,
                store_id=self.till.store_id,
                till_id=self.till.till_id,
                customer=customer,
                lots_before=request.customer.point_lots if request.customer else (),
                card_left=receipt.card_left,
                cash_step=request.store.cash_step,
                cashier_id=cashier_id,
                approved_by=approved_by,
                shift_id=shift_id,
                reason=reason,
            )
            returns_storage.insert_return(db, ret, return_made_event(ret))
            store = self.till.store()
            if self.till.receipts is not None and store is not None:
                self.till.receipts.queue_return(db, ret, store)
        return ret
