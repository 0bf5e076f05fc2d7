"""`edge` command: open the till with a config file."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from edge.config import ConfigError, load_config
from edge.i18n import set_language
from edge.services.till import TillService
from edge.storage.database import Database
from edge.sync.client import SyncClient


def main(argv: list[str] | None = None) -> int:
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
    # Key descriptions are translated when the UI classes are created: set the language first.
    set_language(config.language)
    from edge.ui.app import TillApp

    database = Database(config.database_path)
    client = SyncClient(config.central_address, config.central_token)
    service = TillService(database, till_id=config.till_id, store_id=config.store_id)
    try:
        TillApp(config, service, client).run()
    finally:
        client.close()
        database.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
