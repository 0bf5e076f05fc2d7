"""Demo data for `make run`: one store, a small catalog, customers with cards and terms,
pricing programs, one till."""

from __future__ import annotations

import secrets
from pathlib import Path

from central.service import token_hash
from central.storage.sqlite import SqliteStorage
from kassa.domain.pins import hash_pin
from kassa.sync.v1 import sync_pb2

DEMO_STORE = sync_pb2.Store(
    id="kyiv-1",
    name="Kassa Demo, Khreshchatyk 1",
    time_zone="Europe/Kyiv",
    phone_region="UA",
    currency="UAH",
    currency_sign="грн",
    weight_label_prefixes=["21", "22"],
    card_prefixes=["20"],
    receipt_barcode_prefix="R",
    receipt_language="uk",
    cash_step=10,
    # Offline (N2): at most 50.00 in points per receipt, 500.00 for the whole till.
    offline_points_cap=5000,
    offline_points_budget=50000,
)

# (id, name, parent, min age, no sale from, to): alcohol is not sold 23:00-08:00 in Kyiv.
DEMO_CATEGORIES = [
    ("food", "Продукти", "", 0, "", ""),
    ("bakery", "Хліб", "food", 0, "", ""),
    ("dairy", "Молочне", "food", 0, "", ""),
    ("grocery", "Бакалія", "food", 0, "", ""),
    ("produce", "Овочі та фрукти", "food", 0, "", ""),
    ("sweets", "Солодощі", "food", 0, "", ""),
    ("drinks", "Напої", "", 0, "", ""),
    ("alcohol", "Алкоголь", "drinks", 18, "23:00", "08:00"),
]

# (id, name, role, PIN): demo PINs, printed in the README.
DEMO_CASHIERS = [
    ("oksana", "Оксана Мельник", sync_pb2.Cashier.CASHIER, "1111"),
    ("andriy", "Андрій Бондар", sync_pb2.Cashier.MANAGER, "9999"),
]

# (id, name, category, price in kopiyky, EAN-13); apples are also sold by weight (PLU 1).
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
    ("p-beer", "Пиво світле 0,5 л", "alcohol", 4290, "4820000000116"),
    ("p-sparkling", "Вино ігристе «Ёлка» 0,75 л", "alcohol", 18900, "4820000000123"),
]

# (id, surname, first name, patronymic, phone, card EAN-13)
DEMO_CUSTOMERS = [
    ("c-shevchenko", "Шевченко", "Олена", "Петрівна", "+380671234567", "2000000000015"),
    ("c-kovalenko", "Коваленко", "Іван", "", "+380501112233", "2000000000022"),
    ("c-ivanova", "Иванова", "Мария", "Сергеевна", "+79161234567", "2000000000039"),
]

# The chain's pricing programs (docs/pricing.md), also usable with `central load-programs`.
DEMO_PROGRAMS = Path(__file__).with_name("demo_programs.json")

# Customer terms: Шевченко has none; Коваленко is VIP with a birthday gift; Иванова buys
# at the wholesale price list.
DEMO_TERMS = [
    sync_pb2.CustomerTerms(customer_id="c-kovalenko", groups=["vip", "birthday"]),
    sync_pb2.CustomerTerms(customer_id="c-ivanova", price_list="opt-1"),
]


def load_demo_catalog(storage: SqliteStorage) -> None:
    """Store, products, customers, cards, pricing programs and terms of the demo chain."""
    storage.put_store(DEMO_STORE)
    for cid, name, parent, min_age, no_from, no_to in DEMO_CATEGORIES:
        storage.put_category(
            sync_pb2.Category(
                id=cid, name=name, parent_id=parent, min_age=min_age, no_sale_from=no_from,
                no_sale_to=no_to,
            )
        )
    for pid, name, category, price, barcode in DEMO_PRODUCTS:
        storage.put_product(
            sync_pb2.Product(
                id=pid, name=name, article=pid.removeprefix("p-"), category=category,
                price=price, barcodes=[barcode], active=True, vat_rate_bp=2000,
                weighted=pid == "p-apples", plu=1 if pid == "p-apples" else 0,
            )
        )
    for kid, name, role, pin in DEMO_CASHIERS:
        storage.put_cashier(
            sync_pb2.Cashier(
                id=kid, name=name, role=role, active=True,
                pin_hash=hash_pin(pin, secrets.token_bytes(16)),
            )
        )
    for cid, surname, first, patronymic, phone, card in DEMO_CUSTOMERS:
        storage.put_customer(
            sync_pb2.Customer(
                id=cid, surname=surname, first_name=first, patronymic=patronymic, phone=phone
            )
        )
        storage.put_card(sync_pb2.Card(barcode=card, customer_id=cid))
    storage.put_pricing_programs(DEMO_PROGRAMS.read_text(encoding="utf-8"))
    storage.load_customer_terms(DEMO_TERMS)


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

[scanner]
# USB scanners read through evdev (docs/hardware.md). Without any, the till works in
# keyboard mode: a scanner that types like a keyboard fills the code field. E.g.
# devices = [{{ path = "/dev/input/by-id/usb-Honeywell_Scanner-event-kbd" }}]
devices = []
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
