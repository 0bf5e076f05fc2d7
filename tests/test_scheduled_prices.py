"""Scheduled product prices (issue 6): a till offline for a day changes prices on time, and
price tags (L12) learn which prices changed when."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from edge.services.till import TillService
from edge.storage import catalog, changes
from edge.storage.database import Database
from edge.sync.client import SyncClient
from edge.sync.runner import sync_once
from kassa.domain.cart import Product
from kassa.sync.v1 import sync_pb2
from tests.conftest import Chain, Till
from tests.sync.helpers import BREAD, sell

T0 = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def _tea(price: int, *schedule: tuple[int, datetime]) -> sync_pb2.Product:
    product = sync_pb2.Product(id="p-tea", name="Чай зелений", article="tea", price=price,
                               barcodes=["4820000000130"], active=True, plu=7)
    for scheduled, effective in schedule:
        product.scheduled_prices.add(price=scheduled).effective_from.FromDatetime(effective)
    return product


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Database]:
    database = Database(tmp_path / "till.db")
    yield database
    database.close()


def _receive(database: Database, product: sync_pb2.Product) -> None:
    changes.apply_changes(database, [sync_pb2.Change(seq=changes.cursor(database) + 1,
                                                     product=product)])


def _price(database: Database, at: datetime) -> tuple[int | None, ...]:
    """The price each lookup gives at ``at``: by barcode, article, PLU and name."""
    found = [catalog.find_product(database, "4820000000130", at=at),
             catalog.find_product(database, "tea", at=at), catalog.find_by_plu(database, 7, at=at),
             *catalog.search_products(database, "чай", at=at)]
    return tuple(p.price if p else None for p in found)


def test_every_lookup_gives_the_price_in_effect_at_the_time_asked(database: Database) -> None:
    _receive(database, _tea(9000, (8000, T0 + 2 * HOUR), (8500, T0 + HOUR)))
    assert _price(database, T0) == (9000,) * 4
    assert _price(database, T0 + HOUR) == (8500,) * 4
    assert _price(database, T0 + 2 * HOUR - timedelta(milliseconds=1)) == (8500,) * 4
    assert _price(database, T0 + 3 * HOUR) == (8000,) * 4
    # Without a time, a lookup prices now: both scheduled prices are in the past.
    found = catalog.find_product(database, "4820000000130")
    assert found == Product("p-tea", "Чай зелений", 8000, "4820000000130")


def test_prices_changed_between_covers_scheduled_and_immediate_changes(
    database: Database
) -> None:
    now = datetime.now(UTC)
    _receive(database, _tea(9000, (8500, now + HOUR)))
    # A new schedule does not change today's price: nothing is recorded as changed now.
    assert catalog.prices_changed_between(database, now - HOUR, now + timedelta(minutes=1)) == []
    tea_at = catalog.find_product(database, "tea", at=now + HOUR)
    assert catalog.prices_changed_between(database, now, now + 2 * HOUR) == [(tea_at, 9000)]
    assert catalog.prices_changed_between(database, now + HOUR + timedelta(seconds=1),
                                          now + 2 * HOUR) == []
    # Central lowers today's price at once and drops the schedule.
    _receive(database, _tea(8800))
    changed = catalog.prices_changed_between(database, now - HOUR, now + 2 * HOUR)
    assert [(p.id, p.price, old) for p, old in changed] == [("p-tea", 8800, 9000)]


def test_a_schedule_reaching_the_till_after_its_time_counts_as_a_change_then(
    database: Database
) -> None:
    now = datetime.now(UTC)
    _receive(database, _tea(9000))
    _receive(database, _tea(9000, (8000, now - 2 * HOUR)))
    changed = catalog.prices_changed_between(database, now - HOUR, now + HOUR)
    assert [(p.price, old) for p, old in changed] == [(8000, 9000)]


class Clock:
    """The till's clock, moved by the test."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def _load_catalog(chain: Chain, catalog_json: dict[str, object]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "central.cli", "load-catalog", "--db",
         str(chain.central.db_path), "-"],
        input=json.dumps(catalog_json, ensure_ascii=False), capture_output=True, text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr


def test_an_offline_till_sells_at_the_scheduled_price_once_its_time_comes(
    chain: Chain, tmp_path: Path
) -> None:
    today = datetime.now(UTC).replace(microsecond=0)
    tomorrow = today + timedelta(days=1)
    _load_catalog(chain, {"products": [
        {"id": "p-bread", "name": "Хліб житній", "article": "bread", "barcodes": [BREAD],
         "category": "bakery", "price": 3250, "vat_rate_bp": 2000,
         "scheduled_prices": [{"price": 2990, "effective_from": tomorrow.isoformat()}]},
    ]})
    database = Database(tmp_path / "A1.db")
    client = SyncClient(chain.central.address, chain.tokens["A1"], timeout_s=5)
    clock = Clock(today)
    till = Till(TillService(database, till_id="A1", store_id="kyiv-1", clock=clock), client)
    try:
        sync_once(database, client)
        chain.central.stop()  # offline from now on: no further sync
        assert [line.unit_price for line in sell(till, [BREAD], None, 10000).lines] == [3250]
        clock.now = tomorrow + timedelta(minutes=1)
        assert [line.unit_price for line in sell(till, [BREAD], None, 10000).lines] == [2990]
        changed = catalog.prices_changed_between(database, tomorrow - HOUR, tomorrow + HOUR)
        assert [(p.id, p.price, old) for p, old in changed] == [("p-bread", 2990, 3250)]
    finally:
        client.close()
        database.close()
