"""The status line shows a bootstrap's progress from the till database, and what works
meanwhile; it goes away when the bootstrap ends."""

from __future__ import annotations

from textual.widgets import Static

from edge.i18n import set_language
from edge.storage import changes
from edge.ui.login import LoginScreen
from tests.ui.conftest import Harness

SIZE = (160, 30)


def _status(harness: Harness) -> str:
    return str(harness.app.screen.query_one("#status", Static).render())


def _set_progress(harness: Harness, done: int, total: int) -> None:
    """What the sync thread stores with a snapshot page."""
    with harness.database.write() as db:
        db.conn.executemany(
            "INSERT OR REPLACE INTO sync_state (key, value) VALUES (?, ?)",
            [(changes.BOOTSTRAP_NEXT_KEY, "6:x"), (changes.BOOTSTRAP_DONE_KEY, str(done)),
             (changes.BOOTSTRAP_TOTAL_KEY, str(total))])


async def test_the_status_line_shows_bootstrap_progress(quiet_harness: Harness) -> None:
    harness = quiet_harness
    async with harness.app.run_test(size=SIZE) as pilot:
        await harness.wait_for(pilot, lambda: isinstance(harness.app.screen, LoginScreen))
        # The start-up round is over; the next one is an hour away, so nothing else
        # touches the bootstrap state the test writes.
        await harness.wait_for(pilot, lambda: harness.app.sync_status.last_success is not None)
        assert "bootstrap" not in _status(harness)

        _set_progress(harness, 370_000, 1_000_000)
        await harness.wait_for(pilot, lambda: "bootstrap 37%" in _status(harness))
        first, second = _status(harness).split("\n")
        assert first == ("bootstrap 37% (370,000 / 1,000,000): sales work meanwhile; "
                         "customers, cards and points are still loading")
        assert second.startswith("● online")
        status = harness.app.screen.query_one("#status", Static)
        await harness.wait_for(pilot, lambda: status.size.height == 2)  # after the next layout

        set_language("ru")
        harness.app.refresh_status()
        assert "37% (370\xa0000 / 1\xa0000\xa0000)" in _status(harness)  # digits grouped as in ru
        set_language("en")
        harness.app.refresh_status()
        assert "bootstrap 37%" in _status(harness)

        with harness.database.write() as db:
            db.conn.execute("DELETE FROM sync_state WHERE key LIKE 'bootstrap%'")
        await harness.wait_for(pilot, lambda: "bootstrap" not in _status(harness))
        await harness.wait_for(pilot, lambda: status.size.height == 1)
