"""Text snapshots of the main screens in two languages.

Each screen is exported as Textual's SVG screenshot and reduced to its text, line by
line, so a snapshot shows layout and wording but not colours. A changed screen fails
with a diff; after a deliberate change, regenerate with
``KASSA_UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest tests/ui/test_snapshots.py``
(the SVG of every screen is written next to its snapshot for a look).
"""

from __future__ import annotations

import difflib
import html
import os
import re
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Label

from edge.i18n import current_language
from edge.ui.dialogs import TextScreen
from edge.ui.login import LoginScreen
from edge.ui.payment import PaymentScreen
from edge.ui.returns import ReturnScreen
from tests.ui.conftest import Harness, type_code

SNAPSHOTS = Path(__file__).parent / "snapshots"
SIZE = (110, 30)
# Rich writes each run of text as <text class="..-rN" x=".." y=".." textLength="..">;
# a character cell is 12.2 units wide (0.61 of the 20-unit font).
_TEXT = re.compile(r'<text class="[^"]*-r\d+" x="([\d.]+)" y="([\d.]+)"[^>]*>(.*?)</text>')
CELL = 12.2


def svg_text(svg: str) -> str:
    """The characters of an SVG screenshot, one screen row per line, trailing blanks cut."""
    rows: dict[float, dict[int, str]] = {}
    for match in _TEXT.finditer(svg):
        x, y, text = float(match.group(1)), float(match.group(2)), match.group(3)
        cells = rows.setdefault(y, {})
        for i, char in enumerate(html.unescape(text).replace("\xa0", " ")):
            cells[round(x / CELL) + i] = char
    lines = []
    for _, cells in sorted(rows.items()):
        width = max(cells) + 1 if cells else 0
        lines.append("".join(cells.get(i, " ") for i in range(width)).rstrip())
    return "\n".join(lines).rstrip() + "\n"


def check(harness: Harness, name: str) -> None:
    svg = harness.app.export_screenshot()
    actual = svg_text(svg)
    path = SNAPSHOTS / f"{name}.txt"
    if os.environ.get("KASSA_UPDATE_SNAPSHOTS"):
        path.write_text(actual, encoding="utf-8")
        path.with_suffix(".svg").write_text(svg, encoding="utf-8")
        return
    expected = path.read_text(encoding="utf-8")
    if actual != expected:
        diff = "\n".join(difflib.unified_diff(
            expected.splitlines(), actual.splitlines(), "snapshot", "screen", lineterm=""))
        pytest.fail(f"screen {name} changed:\n{diff}")


async def settled_status(harness: Harness, pilot: Pilot[None]) -> None:
    """Wait for the start-up sync round so the status line stops changing."""
    await harness.wait_for(pilot, lambda: harness.app.sync_status.last_success is not None)
    await harness.wait_for(pilot, lambda: harness.app.print_queue.waiting == 0)
    harness.app.refresh_status()
    await pilot.pause()


# F12 cycles the UI language en -> ru -> uk -> en.
PRESSES = {"en": 0, "ru": 1, "uk": 2}


async def switch_to(harness: Harness, pilot: Pilot[None], language: str) -> None:
    for _ in range(PRESSES[language]):
        await pilot.press("f12")
    await harness.wait_for(pilot, lambda: current_language() == language)
    await pilot.pause()


@pytest.mark.parametrize("language", ["en", "uk"])
async def test_login_screen(quiet_harness: Harness, language: str) -> None:
    harness = quiet_harness
    async with harness.app.run_test(size=SIZE) as pilot:
        await harness.wait_for(pilot, lambda: isinstance(harness.app.screen, LoginScreen))
        await switch_to(harness, pilot, language)
        await harness.wait_for(pilot, lambda: isinstance(harness.app.screen, LoginScreen))
        await settled_status(harness, pilot)
        check(harness, f"login-{language}")


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_sale_screen_with_a_customer(quiet_harness: Harness, language: str) -> None:
    harness = quiet_harness
    async with harness.app.run_test(size=SIZE) as pilot:
        await harness.log_in(pilot)
        await type_code(harness, pilot, "4820000000017")
        await type_code(harness, pilot, "3*4820000000024")
        await type_code(harness, pilot, "2100001003753")
        await type_code(harness, pilot, "4820000000093")  # juice: drinks -10%
        await type_code(harness, pilot, "2000000000022")  # VIP with a birthday gift
        await switch_to(harness, pilot, language)
        await settled_status(harness, pilot)
        check(harness, f"sale-{language}")


async def test_payment_dialog(quiet_harness: Harness) -> None:
    harness = quiet_harness
    async with harness.app.run_test(size=SIZE) as pilot:
        await harness.log_in(pilot)
        await type_code(harness, pilot, "2*4820000000062")
        await type_code(harness, pilot, "4820000000093")
        await pilot.press("f10")
        await harness.wait_for(pilot, lambda: isinstance(harness.app.screen, PaymentScreen))
        await pilot.press("ctrl+a", "ctrl+k", *"500")
        await settled_status(harness, pilot)
        check(harness, "payment-en")


async def test_return_dialog(quiet_harness: Harness) -> None:
    harness = quiet_harness
    async with harness.app.run_test(size=SIZE) as pilot:
        await harness.log_in(pilot)
        await type_code(harness, pilot, "2000000000015")
        await type_code(harness, pilot, "4820000000017")
        await type_code(harness, pilot, "2*4820000000093")
        await pilot.press("f10")
        await harness.press_into(pilot, PaymentScreen, "enter")
        await harness.settle()
        await pilot.press("ctrl+b")
        await harness.press_into(pilot, TextScreen, "1", "enter")
        await harness.press_into(pilot, ReturnScreen, "down", "enter")
        await harness.press_into(pilot, TextScreen, "ctrl+a", "ctrl+k", "1", "enter")

        def refund() -> str:
            screen = harness.app.screen
            return str(screen.query_one("#refund", Label).render()) if isinstance(
                screen, ReturnScreen) else ""

        await harness.wait_for(pilot, lambda: refund().startswith("Refund"))
        await settled_status(harness, pilot)
        check(harness, "return-en")
