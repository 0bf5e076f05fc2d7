"""Registering a customer at the till, phone first (C2, C3)."""

from __future__ import annotations

from typing import Protocol

from edge.services.till import TillService
from edge.storage import customers, outbox
from edge.sync.events import new_event
from kassa.domain.ids import new_id
from kassa.domain.phones import normalize_phone
from kassa.domain.sale import CustomerRef


class RegistrationError(ValueError):
    """A registration that cannot be saved; the message names the field."""


class RegistrationForm(Protocol):
    phone: str
    first_name: str
    surname: str
    source: str
    consent_sms: bool
    consent_email: bool
    card: str


class CustomerRegistry:
    """Registers customers locally and queues them for central in one transaction."""

    def __init__(self, service: TillService) -> None:
        self.service = service

    def register(self, form: RegistrationForm, cashier_id: str = "") -> CustomerRef:
        """Validate and save a new customer; raises InvalidPhone or RegistrationError.

        Consents travel to central with their date; the till keeps only the fields it
        needs to sell (R7).
        """
        database = self.service.database
        store = self.service.store()
        e164 = normalize_phone(form.phone, store.phone_region if store else "UA")
        first_name = form.first_name.strip()
        if not first_name:
            raise RegistrationError("first name is required")
        existing = customers.find_by_phone(database, e164)
        if existing is not None:
            raise RegistrationError(f"{e164} is already registered to {existing.display_name}")
        card = form.card.strip()
        if card and customers.find_card(database, card) is not None:
            raise RegistrationError(f"card {card} is already issued")
        customer_id = new_id()
        now = self.service.now()
        event = new_event(now)
        body = event.customer_registered
        body.customer.id, body.customer.phone = customer_id, e164
        body.customer.first_name, body.customer.surname = first_name, form.surname.strip()
        body.card_barcode, body.source = card, form.source.strip()
        body.consent_email, body.consent_sms = form.consent_email, form.consent_sms
        body.cashier_id = cashier_id
        with database.write() as db:
            db.conn.execute(
                "INSERT INTO customers (id, surname, first_name, phone) VALUES (?, ?, ?, ?)",
                (customer_id, form.surname.strip(), first_name, e164),
            )
            if card:
                db.conn.execute(
                    "INSERT INTO cards (barcode, customer_id, blocked) VALUES (?, ?, 0)",
                    (card, customer_id),
                )
            outbox.add_in(db, event)
        return self.service.customer_ref(customer_id)
