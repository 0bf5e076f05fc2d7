"""Selling at the till: look up codes and customers, close a sale with its outbox event."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from edge.services.fiscal import FiscalDevice, NonFiscalMode
from edge.services.receipts import ReceiptPrinter
from edge.storage import catalog, changes, customers, open_receipt, sales
from edge.storage import programs as programs_storage
from edge.storage.catalog import StoreSettings
from edge.storage.database import Database
from edge.sync.events import sale_closed_event
from kassa.domain import pricing
from kassa.domain.cart import Cart, Product, pricing_cart
from kassa.domain.codes import CodeRanges, ReceiptCode, ScaleLabel, classify_in_store_code
from kassa.domain.phones import normalize_phone
from kassa.domain.pricing import lots
from kassa.domain.sale import (
    ClosedSale,
    CustomerRef,
    SaleError,
    Tender,
    close_sale,
    new_receipt_id,
)

log = logging.getLogger(__name__)
# Without a full sync for this long the till counts as offline for points (N2).
OFFLINE_AFTER = timedelta(minutes=2)


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
        offline_after: timedelta = OFFLINE_AFTER,
    ) -> None:
        self.database = database
        self.till_id = till_id
        self.store_id = store_id
        self._clock = clock
        self.fiscal: FiscalDevice = fiscal or NonFiscalMode()
        self.receipts = receipts
        self._programs: tuple[int, pricing.Programs] | None = None
        self.offline_after = offline_after

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
        product = catalog.find_product(self.database, code, at=self._clock())
        if product is not None:
            return ProductScan(product)
        in_store = classify_in_store_code(code, self.code_ranges())
        if isinstance(in_store, ReceiptCode):
            return ReceiptScan(in_store.number)
        if isinstance(in_store, ScaleLabel):
            product = catalog.find_by_plu(self.database, in_store.plu, at=self._clock())
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
        customer_id = customers.survivor_of(self.database, customer_id)
        record = customers.get_customer(self.database, customer_id)
        if record is None:
            raise NotFound(f"customer {customer_id} is not on this till yet")
        programs = self.programs()
        profile = self._profile(customer_id, programs)
        at = self._clock()
        price_list = (
            programs.price_lists_by_id[profile.price_list].name if profile.price_list else None
        )
        permanent = tuple(d.name for d in profile.discounts if not d.one_time)
        one_time = tuple(
            d.name for d in profile.discounts
            if d.one_time and d.id not in profile.used_one_time
        )
        groups = tuple(
            g.name for g in programs.group_discounts
            if g.group in profile.groups and not (g.one_time and g.id in profile.used_one_time)
        )
        tier = programs.cumulative.percent_for(profile.lifetime_purchases) if (
            programs.cumulative) else 0
        return CustomerRef(
            id=record.id,
            name=record.display_name,
            balance=lots.balance(profile.point_lots, at),
            available=lots.spendable(profile.point_lots, at),
            terms=((price_list,) if price_list else ()) + permanent + one_time,
            groups=groups,
            tier_percent=tier,
            lifetime=profile.lifetime_purchases,
        )

    def customer_ref(self, customer_id: str) -> CustomerRef:
        """The customer with their current balance; NotFound if this till lacks them."""
        return self._customer_ref(customer_id)

    def programs(self) -> pricing.Programs:
        """The newest programs central sent (none yet: no discounts and no points)."""
        return self._programs_version()[1]

    def _programs_version(self) -> tuple[int, pricing.Programs]:
        stored = programs_storage.latest(self.database)
        if stored is None:
            return 0, pricing.Programs()
        version, text = stored
        if self._programs is None or self._programs[0] != version:
            self._programs = (version, pricing.decode(pricing.Programs, json.loads(text)))
        return self._programs

    def _profile(self, customer_id: str, programs: pricing.Programs) -> pricing.Customer:
        profile = customers.pricing_profile(self.database, customer_id)
        if profile.price_list and profile.price_list not in programs.price_lists_by_id:
            log.warning("customer %s has price list %r that the programs lack; retail used",
                        customer_id, profile.price_list)
            profile = replace(profile, price_list=None)
        return profile

    def customer_profile(self, customer_id: str) -> pricing.Customer:
        """The customer as the engine prices them now."""
        return self._profile(customer_id, self.programs())

    def receipt_profile(self, customer: CustomerRef) -> tuple[int, pricing.Customer]:
        """The programs version and the profile an open receipt for ``customer`` prices
        with (the survivor's, if HQ merged the customer)."""
        version, programs = self._programs_version()
        return version, self._survivor_profile(customer, programs)

    def _survivor_profile(
        self, customer: CustomerRef, programs: pricing.Programs
    ) -> pricing.Customer:
        return self._profile(customers.survivor_of(self.database, customer.id), programs)

    def programs_version(self) -> int:
        """The version of the newest programs central sent (0: none yet)."""
        return self._programs_version()[0]

    def pricing_store(self) -> pricing.Store:
        store = self.store()
        if store is None:
            return pricing.Store("UTC")
        return pricing.Store(store.time_zone, max(1, store.cash_step))

    def _request(
        self,
        cart: Cart,
        customer: CustomerRef | None,
        points: int | None,
        receipt_id: str,
        profile: pricing.Customer | None = None,
    ) -> tuple[int, pricing.SaleRequest]:
        version, programs = self._programs_version()
        paths = {
            line.product.category: catalog.category_path(self.database, line.product.category)
            for line in cart.lines
        }
        request = pricing.SaleRequest(
            receipt_id=receipt_id,
            at=self._clock(),
            store=self.pricing_store(),
            programs=programs,
            cart=pricing_cart(cart, paths),
            customer=profile if profile is not None or customer is None
            else self._survivor_profile(customer, programs),
            points_to_spend=points if customer is not None or points else None,
        )
        return version, request

    def price(
        self,
        cart: Cart,
        customer: CustomerRef | None,
        points: int | None = None,
        *,
        profile: pricing.Customer | None = None,
    ) -> pricing.PricedReceipt:
        """The open receipt priced now: discounts per line, points offered (``points``
        spent; None offers the maximum). ``profile`` is the customer's as read before
        (``receipt_profile``), else it is read now. Raises InputError for points that
        cannot be spent."""
        request = self._request(cart, customer, points, "open", profile)[1]
        limit = self.offline_points_limit(request.programs) if customer is not None else None
        if limit is None:
            return pricing.price_receipt(request)
        if points is not None:
            _check_offline(points, limit)
            return pricing.price_receipt(request)
        priced = pricing.price_receipt(request)
        if priced.points_max <= limit:
            return priced
        capped = pricing.price_receipt(replace(request, points_to_spend=limit))
        return replace(capped, points_max=limit)

    def offline_points_limit(self, programs: pricing.Programs) -> int | None:
        """The most points one receipt may spend while the till is offline (N2): its last
        full sync is older than ``offline_after``. Bounded by the store's per-customer cap
        and by what is left of its offline budget after the points this till's customers
        spent since that sync; a multiple of the bonus program's step. None when online
        or the store sets no limits."""
        store = self.store()
        if store is None or not (store.offline_points_cap or store.offline_points_budget):
            return None
        synced = changes.last_synced(self.database)
        if synced is not None and self._clock() - synced <= self.offline_after:
            return None
        limits = [store.offline_points_cap] if store.offline_points_cap else []
        if store.offline_points_budget:
            spent = customers.points_spent_since(self.database, self.store_id, synced)
            limits.append(max(0, store.offline_points_budget - spent))
        step = programs.bonus.step[0] if programs.bonus else 1
        return min(limits) // step * step

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
        """Close a sale: price it, then receipt, lines, payments, ledger entries, purchase
        fact, outbox event, the cleared open receipt and the queued print job, all in one
        transaction. Raises SaleError when it cannot close; nothing is written then.

        The customer is re-read inside the transaction so the receipt is priced with every
        entry this till holds.
        """
        with self.database.write() as db:
            if customer is not None:
                customer = self._customer_ref(customer.id)
            receipt_id = new_receipt_id()
            try:
                version, request = self._request(cart, customer, tender.points, receipt_id)
                if customer is not None and tender.points:
                    limit = self.offline_points_limit(request.programs)
                    if limit is not None:
                        _check_offline(tender.points, limit)
                priced = pricing.price_receipt(request)
            except pricing.InputError as exc:
                raise SaleError(str(exc)) from exc
            sale = close_sale(
                priced,
                barcodes={line.product.id: line.product.barcode for line in cart.lines},
                tender=tender,
                number=sales.next_receipt_number(db, self.till_id),
                store_id=self.store_id,
                till_id=self.till_id,
                customer=customer,
                lots_before=request.customer.point_lots if request.customer else (),
                cash_step=request.store.cash_step,
                cashier_id=cashier_id,
                shift_id=shift_id,
            )
            # The fiscal device registers the sale first: if it refuses, nothing is stored.
            registered = self.fiscal.register_sale(sale)
            event = sale_closed_event(sale)
            sales.insert_sale(db, sale, event, pricing_request(request), version)
            sales.set_fiscal(db, sale.id, registered.mode, registered.document_number)
            open_receipt.save_in(db, Cart(), None)
            store = self.store()
            if self.receipts is not None and store is not None:
                self.receipts.queue_receipt(db, sale, store)
        return sale


def _check_offline(points: int, limit: int) -> None:
    if points > limit:
        raise pricing.InputError(
            "points_to_spend",
            f"the till is offline: at most {limit} points may be spent until it syncs",
        )


def pricing_request(request: pricing.SaleRequest) -> str:
    """The request as `edge price` reads it, without the programs (the receipt records
    their version; the till keeps every version)."""
    document = pricing.encode(request)
    del document["programs"]
    return json.dumps(document, ensure_ascii=False)
