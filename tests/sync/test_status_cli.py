"""`edge sync status` reads the till database: pending, quarantined, cursor, last sync."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from central.demo import till_config
from edge.services.till import TillService
from edge.storage.database import Database
from edge.sync.client import SyncClient
from edge.sync.runner import sync_once
from edge.sync.status_cli import main
from tests.conftest import Chain, Till
from tests.sync.helpers import BREAD, sell


def test_status_shows_what_waits_and_when_it_last_synced(
    chain: Chain, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "till"
    config = tmp_path / "edge.toml"
    config.write_text(till_config(till_id="A1", store_id="kyiv-1", address=chain.central.address,
                                  token=chain.tokens["A1"], data_dir=data))
    database = Database(data / "edge.db")
    client = SyncClient(chain.central.address, chain.tokens["A1"], timeout_s=5)
    an_hour_ago = datetime.now(UTC) - timedelta(hours=1)
    till = Till(TillService(database, till_id="A1", store_id="kyiv-1",
                            clock=lambda: an_hour_ago), client)
    try:
        sync_once(database, client)
        sell(till, [BREAD], None, tendered=5000)
        sell(till, [BREAD], None, tendered=5000)
    finally:
        client.close()
        database.close()
    assert main(["--config", str(config)]) == 0
    out = capsys.readouterr().out
    assert "pending events:     2" in out
    assert "quarantined events: 0" in out
    assert "(3600 s ago)" in out or "(3601 s ago)" in out
    assert "last full sync:     20" in out
    assert main(["--config", str(tmp_path / "missing.toml")]) == 2
