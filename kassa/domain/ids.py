"""Ids of facts created at a till: time-ordered UUIDv7, made before any network call."""

from __future__ import annotations

import uuid6


def new_id() -> str:
    """A new globally unique, time-ordered id in canonical text form."""
    return str(uuid6.uuid7())
