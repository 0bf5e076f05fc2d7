"""`edge` command: open the till, or one of its tools.

    edge --config FILE            the till
    edge devices --config FILE    input devices, the printer and a test page
    edge sync status --config FILE  events waiting, quarantined, cursor, last sync
    edge price FILE.json          price a receipt (or a return) with the pricing engine
    edge price --receipt N --config FILE  the input a stored receipt was priced from
"""

from __future__ import annotations

import argparse
import gc
import logging
import os
import sys
from pathlib import Path

from edge.config import ConfigError, load_config
from edge.services.till import TillService
from edge.storage.database import Database
from edge.sync.client import client_for


def run_till(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="edge", description="Kassa till")
    parser.add_argument("--config", required=True, help="till configuration file (TOML)")
    args = parser.parse_args(argv)
    try:
        config = load_config(Path(args.config))
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    config.data_dir.mkdir(parents=True, exist_ok=True)
    logging.basicConfig(
        filename=config.data_dir / "edge.log",
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
        force=True,
    )
    # Textual draws a changed screen at its next frame slot, and after an idle spell that
    # slot is 1-2 frame periods away (17-33 ms at its default 60 fps): the largest part
    # of a scan's time to the screen. A till draws only when something changes, so a
    # shorter period costs little. TEXTUAL_FPS in the environment still wins.
    os.environ.setdefault("TEXTUAL_FPS", "120")
    from edge.ui.app import TillApp  # Textual is only imported when the UI runs

    database = Database(config.database_path)
    client = client_for(config)
    service = TillService(database, till_id=config.till_id, store_id=config.store_id)
    # Everything loaded so far lives as long as the till: keep it out of the garbage
    # collector's full passes, which otherwise pause pricing and the UI for 10-35 ms.
    gc.freeze()
    try:
        TillApp(config, service, client).run()
    finally:
        client.close()
        database.close()
    return 0


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args[:2] == ["sync", "status"]:
        from edge.sync.status_cli import main as sync_status

        return sync_status(args[2:])
    if args and args[0] == "price":
        from edge.pricing_cli import main as price

        return price(args[1:])
    if args and args[0] == "devices":
        from edge.devices_cli import main as devices

        return devices(args[1:])
    return run_till(args)


if __name__ == "__main__":
    sys.exit(main())
