"""A cashier's session at the till: login, shift, the open receipt and closing sales.

Every method may block on disk: the UI calls them from workers, one at a time. The
open receipt is saved after every change, so a crash or power cut restores it exactly.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from edge.services.returns import ReceiptSource, ReturnableReceipt, ReturnDesk
from edge.services.till import CardScan, NotFound, ProductScan, ReceiptScan, TillService
from edge.storage import catalog, journal, open_receipt, outbox, shifts
from edge.storage.journal import JournalRow
from edge.storage.shifts import CashierRecord, ShiftRecord
from edge.sync.events import new_event
from kassa.domain.cart import Cart, CartError, Product
from kassa.domain.codes import split_quantity
from kassa.domain.ids import new_id
from kassa.domain.phones import InvalidPhone
from kassa.domain.pins import verify_pin
from kassa.domain.pricing import Customer as PricingCustomer
from kassa.domain.pricing import ManualDiscount, PricedReceipt
from kassa.domain.restrictions import (
    CategoryRestriction,
    forbidding_category,
    required_age,
)
from kassa.domain.returns import ClosedReturn
from kassa.domain.sale import ClosedSale, CustomerRef, Tender
from kassa.domain.search import search_key
from kassa.domain.shift import CashMove, ShiftTotals

MAX_PIN_FAILURES = 5
LOCKOUT_SECONDS = 60.0


class PinRejected(PermissionError):
    """A PIN that matches no active cashier (or no manager, where one is needed)."""


class LockedOut(PermissionError):
    """Too many wrong PINs: no attempt is accepted for ``seconds`` more."""

    def __init__(self, seconds: int) -> None:
        super().__init__(f"too many wrong PINs; try again in {seconds} s")
        self.seconds = seconds


class NotAllowed(PermissionError):
    """An action the session's state does not allow (no shift open, nobody logged in…)."""


class AgeCheckNeeded(Exception):
    """The product needs the cashier to confirm the buyer's age before it is added."""

    def __init__(self, product: Product, quantity_milli: int, min_age: int) -> None:
        super().__init__(f"{product.name}: confirm the buyer is at least {min_age}")
        self.product = product
        self.quantity_milli = quantity_milli
        self.min_age = min_age


class SaleForbidden(Exception):
    """The product's category may not be sold now (store time)."""

    def __init__(self, product: Product, category: CategoryRestriction) -> None:
        super().__init__(
            f"{product.name}: {category.name} is not sold from {category.no_sale_from}"
            f" to {category.no_sale_to}"
        )
        self.product = product
        self.category = category


class TillSession:
    """The state of one till: who is logged in, the shift, the receipt in progress."""

    def __init__(
        self,
        service: TillService,
        *,
        central: ReceiptSource | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        """``central`` finds receipts of other tills for returns; without it only this
        till's receipts can be returned."""
        self.service = service
        self.database = service.database
        self.cashier: CashierRecord | None = None
        self.shift: ShiftRecord | None = None
        self.cart = Cart()
        self.customer: CustomerRef | None = None
        # The customer's pricing profile for the open receipt: (customer, programs
        # version, profile); see ``priced``.
        self._profile: tuple[str, int, PricingCustomer] | None = None
        self.returns = ReturnDesk(service, central)
        self._monotonic = monotonic
        self._failures = 0
        self._locked_until = 0.0

    # --- start-up -----------------------------------------------------------------------

    def restore(self) -> None:
        """Reload the open shift and the receipt in progress after a restart."""
        self.shift = shifts.open_shift(self.database)
        self.cart, customer_id = open_receipt.load(self.database)
        self.customer = None
        if customer_id:
            try:
                self.customer = self.service.customer_ref(customer_id)
            except NotFound:
                self.customer = None

    # --- PINs ---------------------------------------------------------------------------

    def _check_pin(self, pin: str, *, manager: bool) -> CashierRecord:
        now = self._monotonic()
        if now < self._locked_until:
            raise LockedOut(int(self._locked_until - now) + 1)
        for cashier in shifts.active_cashiers(self.database):
            if verify_pin(pin, cashier.pin_hash) and (cashier.is_manager or not manager):
                self._failures = 0
                return cashier
        self._failures += 1
        if self._failures >= MAX_PIN_FAILURES:
            self._failures = 0
            self._locked_until = now + LOCKOUT_SECONDS
            raise LockedOut(int(LOCKOUT_SECONDS))
        raise PinRejected("no manager has this PIN" if manager else "wrong PIN")

    def login(self, pin: str) -> CashierRecord:
        """Log a cashier in by PIN; repeated failures lock PIN entry for a minute."""
        self.cashier = self._check_pin(pin, manager=False)
        self.shift = shifts.open_shift(self.database)
        return self.cashier

    def logout(self) -> None:
        self.cashier = None

    def authorize_manager(self, pin: str) -> CashierRecord:
        """A manager's PIN for a privileged action; the same lockout applies."""
        return self._check_pin(pin, manager=True)

    def _require_cashier(self) -> CashierRecord:
        if self.cashier is None:
            raise NotAllowed("nobody is logged in")
        return self.cashier

    def _require_shift(self) -> ShiftRecord:
        if self.shift is None:
            raise NotAllowed("no shift is open")
        return self.shift

    # --- shifts -------------------------------------------------------------------------

    def open_shift(self, opening_float: int) -> ShiftRecord:
        """Open a shift with the starting cash in the drawer; the event goes to central."""
        cashier = self._require_cashier()
        if self.shift is not None:
            raise NotAllowed(f"shift {self.shift.number} is already open")
        if opening_float < 0:
            raise ValueError("the starting float cannot be negative")
        now = self.service.now()
        with self.database.write() as db:
            shift = ShiftRecord(
                id=new_id(), number=shifts.next_shift_number(db), cashier_id=cashier.id,
                opened_at=now, opening_float=opening_float,
            )
            shifts.insert_shift(db, shift)
            event = new_event(now)
            body = event.shift_opened
            body.shift_id, body.number, body.cashier_id = shift.id, shift.number, cashier.id
            body.opening_float = opening_float
            body.opened_at.FromDatetime(now)
            outbox.add_in(db, event)
        self.shift = shift
        return shift

    def cash_movement(
        self, amount: int, reason: str, manager: CashierRecord | None = None
    ) -> None:
        """Cash in (positive) or out (negative) with a reason; cash out needs a manager."""
        cashier = self._require_cashier()
        shift = self._require_shift()
        if amount < 0 and (manager is None or not manager.is_manager):
            raise NotAllowed("cash out needs a manager's PIN")
        approver = manager.id if manager is not None else ""
        if amount == 0 or not reason.strip():
            raise ValueError("a cash movement needs a non-zero amount and a reason")
        if amount < 0 and -amount > self.shift_totals().expected_cash:
            raise ValueError("cannot take out more cash than the drawer holds")
        now = self.service.now()
        movement_id = new_id()
        with self.database.write() as db:
            shifts.insert_cash_movement(
                db, movement_id=movement_id, shift_id=shift.id, amount=amount,
                reason=reason.strip(), cashier_id=cashier.id, approved_by=approver, at=now,
            )
            shifts.record_action(
                db, at=now, cashier_id=cashier.id, approved_by=approver,
                kind="cash_in" if amount > 0 else "cash_out", detail=f"{amount} {reason}",
            )
            event = new_event(now)
            body = event.cash_movement
            body.movement_id, body.shift_id, body.amount = movement_id, shift.id, amount
            body.reason, body.cashier_id, body.approved_by = reason.strip(), cashier.id, approver
            body.at.FromDatetime(now)
            outbox.add_in(db, event)

    def shift_totals(self) -> ShiftTotals:
        """Figures of the open shift (the X report)."""
        shift = self._require_shift()
        raw = shifts.shift_figures(self.database, shift.id)
        return ShiftTotals(
            shift_number=shift.number,
            opened_at=shift.opened_at,
            opening_float=shift.opening_float,
            sales_count=raw["sales"]["count"],
            sales_total=raw["sales"]["total"],
            by_method=raw["by_method"],
            points_earned=raw["points"]["earned"],
            points_spent=raw["points"]["spent"],
            moves=tuple(
                CashMove(m["amount"], m["reason"], datetime.fromisoformat(m["at"]))
                for m in raw["moves"]
            ),
            discounts_total=raw["sales"]["discounts"],
            returns_count=raw["returns"]["count"],
            returns_total=raw["returns"]["total"],
            refunds_by_method=raw["refunds"],
        )

    def close_shift(self, manager: CashierRecord) -> ShiftTotals:
        """Close the shift (Z report), approved by a manager; the receipt must be empty."""
        cashier = self._require_cashier()
        shift = self._require_shift()
        if not manager.is_manager:
            raise NotAllowed("closing a shift needs a manager's PIN")
        if not self.cart.empty:
            raise NotAllowed("close or clear the open receipt first")
        totals = self.shift_totals()
        now = self.service.now()
        with self.database.write() as db:
            shifts.close_shift(db, shift.id, manager.id, now, totals.expected_cash)
            shifts.record_action(
                db, at=now, cashier_id=cashier.id, approved_by=manager.id, kind="z_report",
                detail=f"shift {shift.number}",
            )
            event = new_event(now)
            body = event.shift_closed
            body.shift_id, body.closed_by, body.expected_cash = (
                shift.id, manager.id, totals.expected_cash)
            body.closed_at.FromDatetime(now)
            outbox.add_in(db, event)
        self.shift = None
        return totals

    # --- the open receipt ---------------------------------------------------------------

    def _save(self) -> None:
        open_receipt.save(self.database, self.cart, self.customer.id if self.customer else None)

    def enter_code(self, text: str) -> ProductScan | CustomerRef | ReceiptScan:
        """Handle a scanned or typed code ('3*' prefix for a quantity).

        A product is added (unless it needs an age check or may not be sold now:
        AgeCheckNeeded, SaleForbidden); a card sets the customer; a receipt number is
        returned for the caller to act on. Nothing changes when an exception is raised.
        """
        self._require_shift()
        quantity_milli, code = split_quantity(text)
        found = self.service.scan(code)
        if isinstance(found, CardScan):
            self.set_customer(found.customer)
            return found.customer
        if isinstance(found, ReceiptScan):
            return found
        if found.quantity_milli is not None:
            if quantity_milli != 1000:
                raise CartError("a scale label carries its own weight; no quantity before it")
            quantity_milli = found.quantity_milli
        self.add_product(found.product, quantity_milli)
        return ProductScan(found.product, quantity_milli)

    def _restrictions(self, product: Product) -> list[CategoryRestriction]:
        return [
            CategoryRestriction(r.name, r.min_age, r.no_sale_from, r.no_sale_to)
            for r in catalog.category_chain(self.database, product.category)
        ]

    def add_product(
        self, product: Product, quantity_milli: int, *, age_confirmed: bool = False
    ) -> None:
        """Add a product after the category checks (R4); saved at once."""
        rules = self._restrictions(product)
        forbidden = forbidding_category(rules, self._store_time().time())
        if forbidden is not None:
            raise SaleForbidden(product, forbidden)
        min_age = required_age(rules)
        if min_age and not age_confirmed:
            raise AgeCheckNeeded(product, quantity_milli, min_age)
        self.cart.add(product, quantity_milli)
        self._save()

    def _store_time(self) -> datetime:
        store = self.service.store()
        now = self.service.now()
        return now.astimezone(ZoneInfo(store.time_zone)) if store is not None else now

    def remove_line(self, index: int) -> None:
        self.cart.remove(index)
        self._save()

    def clear(self) -> None:
        self.cart.clear()
        self.set_customer(None)

    def set_customer(self, customer: CustomerRef | None) -> None:
        self.customer = customer
        self._profile = None
        self._save()

    def identify_by_phone(self, text: str) -> CustomerRef:
        """Find the customer by phone in any spelling and put them on the receipt."""
        customer = self.service.customer_by_phone(text)
        self.set_customer(customer)
        return customer

    def set_quantity(self, index: int, quantity_milli: int) -> None:
        """Change the quantity of a line (0-based); saved at once."""
        self.cart.set_quantity(index, quantity_milli)
        self._save()

    def give_discount(
        self, index: int, percent: int, manager: CashierRecord, reason: str = ""
    ) -> None:
        """A manual % off line ``index`` (basis points; 0 removes it) with a manager's
        approval (L13), applied after every other discount; recorded with who gave it."""
        cashier = self._require_cashier()
        if not manager.is_manager:
            raise NotAllowed("a manual discount needs a manager's PIN")
        if not 0 <= index < len(self.cart.lines):
            raise CartError(f"no line number {index + 1}")
        line = self.cart.lines[index]
        manual = ManualDiscount(percent, manager.id, reason.strip()) if percent else None
        line.manual = manual
        now = self.service.now()
        with self.database.write() as db:
            open_receipt.save_in(db, self.cart, self.customer.id if self.customer else None)
            shifts.record_action(
                db, at=now, cashier_id=cashier.id, approved_by=manager.id,
                kind="manual_discount", detail=f"{line.product.id} {percent} {reason}".strip(),
            )

    def priced(self, points: int | None = None, *, fresh: bool = False) -> PricedReceipt:
        """The open receipt priced now (discounts, points offered; ``points`` spent, None
        for the maximum). Raises InputError for points that cannot be spent.

        The customer's profile (points lots, purchases, terms) is read once for the
        receipt: its cost grows with their history (22 ms at 1,000 receipts), and every
        scan re-prices. ``fresh`` reads it again, for the payment, which shows the balance
        and the points to spend; closing the sale reads it again in its transaction."""
        profile = None
        if self.customer is not None:
            held = self._profile
            version = self.service.programs_version()
            if fresh or held is None or held[:2] != (self.customer.id, version):
                held = (self.customer.id, *self.service.receipt_profile(self.customer))
                self._profile = held
            profile = held[2]
        return self.service.price(self.cart, self.customer, points, profile=profile)

    def find_return(self, number: str) -> ReturnableReceipt:
        """A receipt of this till, or of another through central, to return goods from;
        NotFound (or one of its kinds in edge.services.returns) says why there is none."""
        self._require_shift()
        return self.returns.find(number)

    def make_return(
        self,
        receipt: ReturnableReceipt,
        picks: dict[int, int],
        manager: CashierRecord,
        reason: str = "",
    ) -> ClosedReturn:
        """Return ``picks`` (line number -> thousandths) of ``receipt`` with a manager's
        approval; the money goes back by the receipt's methods, points per its split."""
        cashier = self._require_cashier()
        shift = self._require_shift()
        if not manager.is_manager:
            raise NotAllowed("a return needs a manager's PIN")
        ret = self.returns.make(
            receipt, picks, cashier_id=cashier.id, approved_by=manager.id, shift_id=shift.id,
            reason=reason,
        )
        with self.database.write() as db:
            shifts.record_action(
                db, at=ret.returned_at, cashier_id=cashier.id, approved_by=manager.id,
                kind="return", detail=f"{ret.number} {receipt.number} {ret.refund}",
            )
        return ret

    def close_sale(self, tender: Tender) -> ClosedSale:
        """Close the open receipt with this payment; a new empty receipt follows."""
        cashier = self._require_cashier()
        shift = self._require_shift()
        sale = self.service.close_sale(
            self.cart, tender, self.customer, cashier_id=cashier.id, shift_id=shift.id
        )
        self.cart = Cart()
        self.customer = None
        self._profile = None
        return sale

    def search(self, text: str) -> list[Product]:
        """Products whose name contains the text (ё found as е), at most 100."""
        key = search_key(text)
        return (
            catalog.search_products(self.database, key, at=self.service.now()) if key else []
        )

    def price_check(self, code: str) -> Product:
        """The product a code names, without selling it."""
        found = self.service.scan(code.strip())
        if not isinstance(found, ProductScan):
            raise NotFound(f"unknown code {code}: no product has it")
        return found.product

    def journal(self, query: str) -> list[JournalRow]:
        """Receipts by number ("42", "T1-000042"), by date ("25.11.2026", store time) or
        by the customer's phone in any spelling; newest first, at most 100."""
        text = query.strip()
        try:
            day = datetime.strptime(text, "%d.%m.%Y")
        except ValueError:
            day = None
        if day is not None:
            store = self.service.store()
            zone = ZoneInfo(store.time_zone) if store is not None else UTC
            start = day.replace(tzinfo=zone)
            return journal.between(
                self.database, self.service.till_id, start, start + timedelta(days=1)
            )
        if len(re.sub(r"\D", "", text)) >= 9:
            try:
                customer = self.service.customer_by_phone(text)
            except (InvalidPhone, NotFound):
                return []
            return journal.of_customer(self.database, self.service.till_id, customer.id)
        return journal.by_number(self.database, self.service.till_id, text)

    def load_sale(self, receipt_id: str) -> ClosedSale:
        sale = journal.load_sale(self.database, receipt_id)
        if sale is None:
            raise NotFound(f"no receipt {receipt_id}")
        return sale

