"""A till process for the fault suite: sells and syncs until it has made its quota of
sales, then syncs until its outbox is empty. Restartable at any point (kill -9).

Usage: python -m tests.sync.till_worker DB ADDRESS TOKEN TILL STORE SKEW_MS SEED QUOTA
Prints one line per step: "sold", "synced", "offline <reason>", "mismatch <detail>",
and "done" before it exits.
"""

from __future__ import annotations

import faulthandler
import random
import signal
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import grpc

from edge.services.till import CardScan, ProductScan, TillService
from edge.storage import outbox
from edge.storage.database import Database
from edge.sync.client import SyncClient
from edge.sync.runner import ChecksumMismatch, sync_once
from kassa.domain.cart import Cart
from kassa.domain.sale import Tender

PRODUCTS = ["4820000000017", "4820000000024", "4820000000062", "4820000000086"]
CARDS = ["2000000000015", "2000000000022", "2000000000039", None]


def say(line: str) -> None:
    print(line, flush=True)


def try_sync(database: Database, client: SyncClient) -> bool:
    try:
        sync_once(database, client)
    except grpc.RpcError as exc:
        say(f"offline {exc.code().name if hasattr(exc, 'code') else exc}")
        return False
    except ChecksumMismatch as exc:
        say(f"mismatch {exc}")
        return False
    except RuntimeError as exc:
        say(f"offline {exc}")
        return False
    say("synced")
    return True


def sell(service: TillService, rng: random.Random) -> None:
    cart = Cart()
    for code in rng.sample(PRODUCTS, rng.randint(1, 3)):
        found = service.scan(code)
        assert isinstance(found, ProductScan)
        cart.add(found.product)
    customer = None
    card = rng.choice(CARDS)
    if card is not None:
        scanned = service.scan(card)
        assert isinstance(scanned, CardScan)
        customer = scanned.customer
    service.close_sale(cart, Tender(cash=cart.total), customer)
    say("sold")


def main(db: str, address: str, token: str, till: str, store: str, skew_ms: str, seed: str,
         quota: str) -> None:
    faulthandler.register(signal.SIGUSR1)  # the suite asks for stacks if a till hangs
    skew = timedelta(milliseconds=int(skew_ms))
    database = Database(Path(db))
    service = TillService(database, till_id=till, store_id=store,
                          clock=lambda: datetime.now(UTC) + skew)
    client = SyncClient(address, token, till_id=till, store_id=store, timeout_s=1.5,
                        stream_timeout_s=5)
    sold = int(database.scalar("SELECT COUNT(*) FROM receipts WHERE till_id = ?", (till,)))
    rng = random.Random(f"{seed}-{sold}")  # a restart makes other choices, reproducibly
    while service.store() is None:
        try_sync(database, client)
    while int(database.scalar("SELECT COUNT(*) FROM receipts WHERE till_id = ?", (till,))) < int(
        quota
    ):
        sell(service, rng)
        try_sync(database, client)
    while not (try_sync(database, client) and outbox.pending_count(database) == 0):
        pass
    client.close()
    database.close()
    say("done")


if __name__ == "__main__":
    main(*sys.argv[1:])
