"""Demo data for `make run`: one store, a small catalog, customers with cards, one till."""

from __future__ import annotations

import secrets
from pathlib import Path

from central.service import token_hash
from central.storage.sqlite import SqliteStorage
from kassa.sync.v1 import sync_pb2

DEMO_STORE = sync_pb2.Store(
    id="kyiv-1",
    name="Kassa Demo, Khreshchatyk 1",
    time_zone="Europe/Kyiv",
    phone_region="UA",
    currency="UAH",
    currency_sign="грн",
)

# (id, name, category, price in kopiyky, EAN-13)
DEMO_PRODUCTS = [
    ("p-bread", "Хліб житній", "bakery", 3250, "4820000000017"),
    ("p-milk", "Молоко 2,5% 900 г", "dairy", 4190, "4820000000024"),
    ("p-kefir", "Кефір 1% 900 г", "dairy", 4590, "4820000000031"),
    ("p-eggs", "Яйця курячі С1, 10 шт", "grocery", 6490, "4820000000048"),
    ("p-buckwheat", "Гречка ядриця 1 кг", "grocery", 7990, "4820000000055"),
    ("p-coffee", "Кава мелена 250 г", "grocery", 21900, "4820000000062"),
    ("p-apples", "Яблука Голден, 1 кг", "produce", 3990, "4820000000079"),
    ("p-chocolate", "Шоколад чорний 100 г", "sweets", 5490, "4820000000086"),
    ("p-juice", "Сік яблучний 1 л", "drinks", 5890, "4820000000093"),
    ("p-water", "Вода мінеральна 1,5 л", "drinks", 2490, "4820000000109"),
]

# (id, surname, first name, patronymic, phone, card EAN-13)
DEMO_CUSTOMERS = [
    ("c-shevchenko", "Шевченко", "Олена", "Петрівна", "+380671234567", "2000000000015"),
    ("c-kovalenko", "Коваленко", "Іван", "", "+380501112233", "2000000000022"),
    ("c-ivanova", "Иванова", "Мария", "Сергеевна", "+79161234567", "2000000000039"),
]

DEMO_PROGRAM = sync_pb2.LoyaltyProgram(
    id="bonus", name="Bonus 5%", earn_points=5, earn_per_minor=100
)


def load_demo_catalog(storage: SqliteStorage) -> None:
    """Store, products, customers, cards and the bonus program of the demo chain."""
    storage.put_store(DEMO_STORE)
    for pid, name, category, price, barcode in DEMO_PRODUCTS:
        storage.put_product(
            sync_pb2.Product(
                id=pid, name=name, article=pid.removeprefix("p-"), category=category,
                price=price, barcodes=[barcode], active=True,
            )
        )
    for cid, surname, first, patronymic, phone, card in DEMO_CUSTOMERS:
        storage.put_customer(
            sync_pb2.Customer(
                id=cid, surname=surname, first_name=first, patronymic=patronymic, phone=phone
            )
        )
        storage.put_card(sync_pb2.Card(barcode=card, customer_id=cid))
    storage.put_loyalty_program(DEMO_PROGRAM)


def enrol(storage: SqliteStorage, till_id: str, store_id: str) -> str:
    """Enrol a till and return its new secret token (shown once, stored only hashed)."""
    token = secrets.token_urlsafe(32)
    storage.enrol_till(till_id, store_id, token_hash(token))
    return token


def till_config(*, till_id: str, store_id: str, address: str, token: str, data_dir: Path) -> str:
    """A till config file (TOML) for a till of the demo."""
    return f"""# Till configuration. See README.md, section "Configuration".
[till]
id = "{till_id}"
store_id = "{store_id}"
language = "uk"
data_dir = "{data_dir}"

[central]
address = "{address}"
token = "{token}"
sync_interval_s = 5

[printer]
# file | network | usb | serial: change this one block to use a real printer, e.g.
# kind = "network", target = "192.0.2.10:9100"   or   kind = "usb", target = "04b8:0202"
kind = "file"
target = "{data_dir / 'receipts.escpos'}"
profile = "default"
code_page = "CP1251"
width = 42
"""


def create_demo(data: Path, address: str) -> bool:
    """Create the demo under ``data`` unless it exists; True when created now."""
    config = data / "edge.toml"
    if config.exists():
        return False
    storage = SqliteStorage(data / "central.db")
    try:
        load_demo_catalog(storage)
        token = enrol(storage, "T1", DEMO_STORE.id)
    finally:
        storage.close()
    till_dir = (data / "till-T1").resolve()
    config.write_text(
        till_config(
            till_id="T1", store_id=DEMO_STORE.id, address=address, token=token,
            data_dir=till_dir,
        ),
        encoding="utf-8",
    )
    return True
