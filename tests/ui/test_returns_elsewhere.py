"""Pilot flow of a return at one till of goods sold at another (S4), against a real
central: the other till sells and pushes, this till scans the receipt's barcode."""

from __future__ import annotations

from pathlib import Path

from central.demo import enrol
from central.storage.sqlite import SqliteStorage
from edge.services.till import TillService
from edge.storage import customers
from edge.storage.database import Database
from edge.sync.client import SyncClient
from edge.sync.runner import sync_once
from edge.ui.dialogs import TextScreen
from edge.ui.returns import ReturnScreen
from kassa.domain.sale import ClosedSale
from tests.conftest import Till
from tests.sync.helpers import BREAD, CARD, COFFEE, sell
from tests.ui.conftest import Harness
from tests.ui.test_pricing_flows import label


def sale_at_another_till(harness: Harness, tmp_path: Path) -> ClosedSale:
    """Till A2 of the same store sells bread and coffee to the demo customer and pushes."""
    storage = SqliteStorage(harness.chain.central.db_path)
    try:
        token = enrol(storage, "A2", "kyiv-1")
    finally:
        storage.close()
    database = Database(tmp_path / "A2.db")
    client = SyncClient(harness.chain.central.address, token, till_id="A2", store_id="kyiv-1")
    try:
        sync_once(database, client)
        sale = sell(Till(TillService(database, till_id="A2", store_id="kyiv-1"), client),
                    [BREAD, COFFEE], CARD, 30000)
        sync_once(database, client)
    finally:
        client.close()
        database.close()
    return sale


async def test_goods_sold_at_another_till_come_back_here(
    harness: Harness, tmp_path: Path
) -> None:
    sale = sale_at_another_till(harness, tmp_path)
    async with harness.app.run_test() as pilot:
        await harness.log_in(pilot)
        await pilot.press("ctrl+b")
        await harness.press_into(pilot, TextScreen, *"A2-000777", "enter")
        await harness.settle()
        assert "Receipt A2-000777 cannot be returned: no receipt A2-000777 on this till or " \
               "at central" in harness.message()

        # This till's sync loop brings the sale's points, then the barcode opens it.
        await harness.wait_for(
            pilot, lambda: customers.holds_receipt(harness.database, sale.id))
        await pilot.press(*f"R{sale.number}", "enter")
        await harness.wait_for(pilot, lambda: isinstance(harness.app.screen, ReturnScreen))
        await pilot.press("down", "space")  # all of line 2 (coffee)
        await harness.wait_for(pilot, lambda: "Refund 219.00" in label(harness, "#refund"))
        await pilot.press("f10")
        await harness.press_into(pilot, TextScreen, *"9999", "enter")
        await harness.settle()
        assert f"from receipt {sale.number}: refund 219.00" in harness.message()
        printed = await harness.printed(pilot)
    assert "Кава мелена".encode("cp1251") in printed
    ret = harness.database.one("SELECT receipt_id, shift_id FROM returns")
    assert ret is not None and ret["receipt_id"] == sale.id
    # The other till's sale is not this shift's: the X report counts the refund only.
    totals = harness.session.shift_totals()
    assert (totals.sales_count, totals.returns_count) == (0, 1)
