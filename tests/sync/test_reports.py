"""Overdrafts (points spent twice offline) and `central stores`, through the CLI."""

from __future__ import annotations

import subprocess
import sys

from edge.storage import changes, outbox
from edge.sync.runner import sync_once
from tests.conftest import Chain
from tests.sync.helpers import CARD, COFFEE, CUSTOMER, MakeTill, sell, spend_event

KOVALENKO_CARD = "2000000000022"  # demo: groups VIP 3% and a one-time birthday 15%


def central_cli(chain: Chain, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "central.cli", *args, "--db", str(chain.central.db_path)],
        capture_output=True, text=True, check=True,
    )
    return done.stdout


def test_points_spent_twice_offline_are_an_overdraft_until_repaid(
    chain: Chain, make_till: MakeTill
) -> None:
    kyiv, lviv = make_till("A1", "kyiv-1"), make_till("B1", "lviv-1")
    sync_once(kyiv.database, kyiv.client)
    sell(kyiv, [COFFEE], CARD, tendered=30000)  # earns 1095
    sync_once(kyiv.database, kyiv.client)
    assert central_cli(chain, "overdrafts").strip() == "no overdrafts"
    # Both stores saw 1095 and let the customer spend 1000 while offline.
    first = kyiv.client.push([spend_event("kyiv-1", CUSTOMER, 1000).SerializeToString()])
    second = lviv.client.push([spend_event("lviv-1", CUSTOMER, 1000).SerializeToString()])
    assert len(first.acknowledged_ids) == len(second.acknowledged_ids) == 1  # both stand
    listed = central_cli(chain, "overdrafts")
    assert f"customer {CUSTOMER}  store lviv-1 till B1  spent 1000  balance -905" in listed
    assert "(balance now -905)" in listed
    sell(kyiv, [COFFEE], CARD, tendered=30000)  # later earnings repay it
    sync_once(kyiv.database, kyiv.client)
    assert "(repaid)" in central_cli(chain, "overdrafts")


def test_central_stores_shows_contact_pending_and_lag(chain: Chain, make_till: MakeTill) -> None:
    kyiv = make_till("A1", "kyiv-1")
    sync_once(kyiv.database, kyiv.client)
    sell(kyiv, [COFFEE], None, tendered=30000)
    ((_, payload),) = outbox.pending(kyiv.database, 10)
    kyiv.client.push([payload])
    kyiv.client.push([payload])  # as if the first reply was lost: central counts a resend
    behind = changes.cursor(kyiv.database) - 2  # the till reports an older cursor
    list(kyiv.client.subscribe(behind, pending=1, oldest_pending_ms=4000))
    lines = central_cli(chain, "stores").splitlines()
    assert lines[0].split() == ["store", "till", "last", "contact", "pending", "oldest", "behind",
                                "resent"]
    a1 = next(line for line in lines if " A1 " in line).split()
    assert a1[0] == "kyiv-1" and a1[2].startswith("20")
    assert a1[3:] == ["1", "4s", "2", "1"]
    b1 = next(line for line in lines if " B1 " in line).split()
    assert b1[2] == "never"


def test_a_one_time_discount_used_in_two_stores_offline_is_listed(
    chain: Chain, make_till: MakeTill
) -> None:
    """Коваленко's birthday 15% is one-time: both stores, offline, gave it; both sales
    stand and `central overdrafts` lists the second use."""
    kyiv, lviv = make_till("A1", "kyiv-1"), make_till("B1", "lviv-1")
    sync_once(kyiv.database, kyiv.client)
    sync_once(lviv.database, lviv.client)
    first = sell(kyiv, [COFFEE], KOVALENKO_CARD, tendered=30000)
    second = sell(lviv, [COFFEE], KOVALENKO_CARD, tendered=30000)
    assert first.one_time_used == second.one_time_used == ("birthday-15",)
    sync_once(kyiv.database, kyiv.client)
    assert central_cli(chain, "overdrafts").strip() == "no overdrafts"
    sync_once(lviv.database, lviv.client)
    listed = central_cli(chain, "overdrafts")
    assert (f"customer c-kovalenko  store lviv-1  one-time discount birthday-15 used again on "
            f"{second.id}") in listed
