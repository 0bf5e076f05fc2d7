"""`edge sync status`: what waits to reach central, and when the till last synced.

Reads the till database only (works offline and while the till runs).
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

from edge.config import ConfigError, load_config
from edge.storage import changes, outbox
from edge.storage.database import Database


def _age(since: datetime | None, now: datetime) -> str:
    if since is None:
        return "never"
    seconds = int((now - since).total_seconds())
    return f"{since.isoformat(timespec='seconds')} ({seconds} s ago)"


def report(database: Database, now: datetime) -> list[str]:
    """The status lines for a till database."""
    oldest = outbox.oldest_pending(database)
    lines = [
        f"pending events:     {outbox.pending_count(database)}",
        f"oldest pending:     {_age(oldest, now) if oldest else '-'}",
        f"quarantined events: {outbox.rejected_count(database)}",
        f"feed cursor:        {changes.cursor(database)}",
        f"last full sync:     {_age(changes.last_synced(database), now)}",
    ]
    bootstrap = changes.bootstrap_state(database)
    if bootstrap is not None:
        lines.append(f"bootstrap:          {bootstrap.done} of {bootstrap.total or '?'} entities")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="edge sync status", description=__doc__)
    parser.add_argument("--config", required=True, help="till configuration file (TOML)")
    args = parser.parse_args(argv)
    try:
        config = load_config(Path(args.config))
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not config.database_path.exists():
        print(f"error: no till database at {config.database_path}", file=sys.stderr)
        return 2
    database = Database(config.database_path)
    try:
        print(f"till {config.till_id} of store {config.store_id} -> {config.central_address}")
        for line in report(database, datetime.now(UTC)):
            print(line)
    finally:
        database.close()
    return 0
