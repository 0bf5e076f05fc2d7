"""The open receipt's lines: a table drawn line by line (Textual's Line API).

A scan adds one row and moves the highlight, so only those screen lines are drawn again;
Textual's DataTable redraws every visible row on any change, which cost most of a scan's
time on screen. Each column is as wide as its widest text (up to its limit), except the
product name, which takes the rest of the line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget


@dataclass(frozen=True)
class Column:
    """A column's title, widest width in cells (None: the rest of the line) and alignment."""

    title: str
    width: int | None = None
    right: bool = False

    def fitted(self, texts: Sequence[str]) -> int:
        """The width this column needs for ``texts``: as wide as the widest, up to its
        limit."""
        assert self.width is not None
        return min(max(map(cell_len, texts), default=0), self.width)


def fit(text: str, width: int, *, right: bool = False) -> str:
    """``text`` padded or cut (with '…') to exactly ``width`` cells."""
    if width <= 0:
        return ""
    if cell_len(text) > width:
        return set_cell_size(text, width - 1) + "…"
    pad = " " * (width - cell_len(text))
    return pad + text if right else text + pad


class ReceiptLines(Widget, can_focus=False):
    """Rows of text under a fixed header, one highlighted; the code field keeps focus,
    so the screen moves the highlight (``move_cursor``), which scrolls it into view. No
    scrollbar: the line numbers show where the view is."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "receipt-lines--header",
        "receipt-lines--cursor",
        "receipt-lines--stripe",
    }

    DEFAULT_CSS = """
    ReceiptLines {
        background: $surface;
        color: $foreground;
        & > .receipt-lines--header {
            text-style: bold;
            background: $panel;
        }
        & > .receipt-lines--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
        & > .receipt-lines--stripe {
            background: $surface-lighten-1 50%;
        }
    }
    """

    def __init__(self, columns: Sequence[Column], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.columns = list(columns)
        self.rows: list[tuple[str, ...]] = []
        self.cursor_row = 0
        self._top = 0  # the first row shown under the header
        self._widths = self._fitted_widths()
        self._cache: dict[tuple[object, ...], Strip] = {}

    # --- changing the rows --------------------------------------------------------------

    def set_rows(self, rows: Sequence[tuple[str, ...]]) -> None:
        """Show ``rows``, redrawing only the ones that changed. A new last row is
        highlighted; otherwise the highlight stays on its row (or the last one)."""
        rows = list(rows)
        grew = len(rows) > len(self.rows)
        if len(rows) < len(self.rows):  # fill the view again from the rows above
            top = min(self._top, max(len(rows) - max(self.size.height - 1, 1), 0))
            if top != self._top:
                self._top = top
                self.refresh()
        changed = [i for i in range(max(len(rows), len(self.rows)))
                   if i >= len(rows) or i >= len(self.rows) or rows[i] != self.rows[i]]
        self.rows = rows
        widths = self._fitted_widths()
        if widths != self._widths:
            self._widths = widths
            self.refresh()
        for i in changed:
            self._refresh_row(i)
        self.move_cursor(len(rows) - 1 if grew else self.cursor_row)

    def move_cursor(self, row: int) -> None:
        """Highlight ``row`` (kept within the rows) and scroll it into view."""
        row = min(max(row, 0), max(len(self.rows) - 1, 0))
        if row != self.cursor_row:
            self._refresh_row(self.cursor_row)
            self.cursor_row = row
        self._refresh_row(row)
        visible = max(self.size.height - 1, 1)
        top = self._top
        if not top <= row < top + visible:
            # Jump by half a view, not a line: moving every row is a redraw of the whole
            # table, so a growing receipt pays it once every half view of scans.
            top = max(row - visible // 2, 0)
        if top != self._top:
            self._top = top
            self.refresh()

    def _refresh_row(self, index: int) -> None:
        # Row i is drawn on line i + 1 - top (line 0 is the header).
        y = index + 1 - self._top
        if 0 < y < self.size.height:
            self.refresh(Region(0, y, self.size.width, 1))

    # --- drawing --------------------------------------------------------------------------

    def _fitted_widths(self) -> tuple[int | None, ...]:
        return tuple(
            None if c.width is None else c.fitted([c.title, *(row[i] for row in self.rows)])
            for i, c in enumerate(self.columns))

    def _strip(self, cells: Sequence[str], width: int, style: Style) -> Strip:
        fixed = sum(w for w in self._widths if w is not None)
        rest = max(width - fixed - 2 * len(self.columns) + 1, 8)  # a space, then 2 between
        texts = [fit(text, rest if w is None else w, right=c.right)
                 for text, w, c in zip(cells, self._widths, self.columns, strict=True)]
        line = " " + "  ".join(texts)
        return Strip([Segment(line, style)]).adjust_cell_length(width, style)

    def render_line(self, y: int) -> Strip:
        """Line ``y`` of the widget: the header on top, then the rows from the scroll
        position."""
        width = self.size.width
        base = self.rich_style
        if y == 0:
            key: tuple[object, ...] = ("header", width, self._widths, base)
            style = base + self.get_component_rich_style("receipt-lines--header")
            cells: Sequence[str] = [c.title for c in self.columns]
        else:
            index = y - 1 + self._top
            if index >= len(self.rows):
                return Strip.blank(width, base)
            style = base
            if index % 2:  # every second line, as lines 2, 4, 6 are numbered
                style += self.get_component_rich_style("receipt-lines--stripe")
            if index == self.cursor_row:
                style += self.get_component_rich_style("receipt-lines--cursor")
            cells = self.rows[index]
            key = (cells, width, self._widths, style)
        strip = self._cache.get(key)
        if strip is None:
            if len(self._cache) > 512:
                self._cache.clear()
            strip = self._cache[key] = self._strip(cells, width, style)
        return strip

    def on_resize(self) -> None:
        self._cache.clear()
        self.move_cursor(self.cursor_row)
