"""The chain's pricing programs as central sent them: every version, the newest in force."""

from __future__ import annotations

from edge.storage.database import Database


def latest(database: Database) -> tuple[int, str] | None:
    """(version, JSON) of the newest programs this till holds, or None before any."""
    row = database.one("SELECT version, json FROM pricing_programs ORDER BY version DESC LIMIT 1")
    return None if row is None else (row["version"], row["json"])

