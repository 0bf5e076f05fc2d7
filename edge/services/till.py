"""Selling at the till: look up codes and customers, close a sale with its outbox event."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from edge.services.fiscal import FiscalDevice, NonFiscalMode
from edge.services.receipts import ReceiptPrinter
from edge.storage import catalog, customers, open_receipt, sales
from edge.storage.catalog import StoreSettings
from edge.storage.database import Database
from edge.sync.events import sale_closed_event
from kassa.domain.cart import Cart, Product
from kassa.domain.codes import CodeRanges, ReceiptCode, ScaleLabel, classify_in_store_code
from kassa.domain.loyalty import FlatEarnProgram
from kassa.domain.phones import normalize_phone
from kassa.domain.sale import ClosedSale, CustomerRef, Tender, close_sale


class NotFound(LookupError):
    """A code, card or phone that identifies nothing; the message names it."""


@dataclass(frozen=True)
class CardScan:
    """A scanned code that is a loyalty card."""

    customer: CustomerRef
    card: str


@dataclass(frozen=True)
class ProductScan:
    """A scanned product; ``quantity_milli`` is set when the code carries it (scale labels)."""

    product: Product
    quantity_milli: int | None = None


@dataclass(frozen=True)
class ReceiptScan:
    """A scanned receipt number (for returns)."""

    number: str


class TillService:
    """The till's sale operations over its database. Every method may block on disk."""

    def __init__(
        self,
        database: Database,
        *,
        till_id: str,
        store_id: str,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        fiscal: FiscalDevice | None = None,
        receipts: ReceiptPrinter | None = None,
    ) -> None:
        self.database = database
        self.till_id = till_id
        self.store_id = store_id
        self._clock = clock
        self.fiscal: FiscalDevice = fiscal or NonFiscalMode()
        self.receipts = receipts

    def store(self) -> StoreSettings | None:
        """This till's store settings, once central has sent them."""
        return catalog.store_settings(self.database, self.store_id)

    def code_ranges(self) -> CodeRanges:
        store = self.store()
        if store is None:
            return CodeRanges()
        return CodeRanges(
            weight_label_prefixes=tuple(p for p in store.weight_label_prefixes.split(",") if p),
            receipt_prefix=store.receipt_barcode_prefix,
        )

    def scan(self, code: str) -> ProductScan | CardScan | ReceiptScan:
        """Classify a scanned or typed code in the order documented in kassa.domain.codes.

        Raises NotFound for a code nothing has, BadCode for a malformed scale label.
        """
        code = code.strip()
        if not code:
            raise NotFound("empty code")
        product = catalog.find_product(self.database, code)
        if product is not None:
            return ProductScan(product)
        in_store = classify_in_store_code(code, self.code_ranges())
        if isinstance(in_store, ReceiptCode):
            return ReceiptScan(in_store.number)
        if isinstance(in_store, ScaleLabel):
            product = catalog.find_by_plu(self.database, in_store.plu)
            if product is None:
                raise NotFound(f"unknown code {code}: no product has PLU {in_store.plu}")
            return ProductScan(product, in_store.weight_grams)
        card = customers.find_card(self.database, code)
        if card is not None:
            if card.blocked:
                raise NotFound(f"card {code} is blocked")
            return CardScan(self._customer_ref(card.customer_id), code)
        raise NotFound(f"unknown code {code}: no product or card has it")

    def customer_by_phone(self, text: str) -> CustomerRef:
        """The customer with this phone, typed in any common spelling (C4).

        Raises InvalidPhone for text that is not a phone, NotFound when nobody has it.
        """
        store = self.store()
        region = store.phone_region if store is not None else "UA"
        e164 = normalize_phone(text, region)
        record = customers.find_by_phone(self.database, e164)
        if record is None:
            raise NotFound(f"no customer with phone {e164}")
        return self._customer_ref(record.id)

    def _customer_ref(self, customer_id: str) -> CustomerRef:
        record = customers.get_customer(self.database, customer_id)
        if record is None:
            raise NotFound(f"customer {customer_id} is not on this till yet")
        return CustomerRef(
            id=record.id,
            name=record.display_name,
            balance=customers.balance(self.database, record.id),
        )

    def customer_ref(self, customer_id: str) -> CustomerRef:
        """The customer with their current balance; NotFound if this till lacks them."""
        return self._customer_ref(customer_id)

    def program(self) -> FlatEarnProgram | None:
        row = self.database.one("SELECT * FROM loyalty_programs ORDER BY id LIMIT 1")
        return None if row is None else FlatEarnProgram(**row)

    def now(self) -> datetime:
        return self._clock()

    def close_sale(
        self,
        cart: Cart,
        tender: Tender,
        customer: CustomerRef | None,
        *,
        cashier_id: str = "",
        shift_id: str = "",
    ) -> ClosedSale:
        """Close a sale: receipt, lines, payments, ledger entries, outbox event, the
        cleared open receipt and the queued print job, all in one transaction.

        The customer's balance is re-read inside the transaction so the receipt shows
        the balance that includes every entry this till holds.
        """
        program = self.program()
        with self.database.write() as db:
            if customer is not None:
                customer = CustomerRef(
                    customer.id, customer.name, customers.balance(self.database, customer.id)
                )
            sale = close_sale(
                cart,
                tender=tender,
                number=sales.next_receipt_number(db, self.till_id),
                store_id=self.store_id,
                till_id=self.till_id,
                closed_at=self._clock(),
                customer=customer,
                program=program,
                cashier_id=cashier_id,
                shift_id=shift_id,
            )
            # The fiscal device registers the sale first: if it refuses, nothing is stored.
            registered = self.fiscal.register_sale(sale)
            event = sale_closed_event(sale)
            sales.insert_sale(db, sale, event)
            sales.set_fiscal(db, sale.id, registered.mode, registered.document_number)
            open_receipt.save_in(db, Cart(), None)
            store = self.store()
            if self.receipts is not None and store is not None:
                self.receipts.queue_receipt(db, sale, store)
        return sale

