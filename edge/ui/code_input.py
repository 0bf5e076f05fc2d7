"""The sale screen's code field, where a keyboard-mode scanner types a whole code in one
burst."""

from __future__ import annotations

from textual.geometry import Size
from textual.widget import Widget
from textual.widgets import Input


class CodeInput(Input):
    """An Input whose typing does not lay the whole screen out again.

    Textual's Input reports each new text width as a new virtual size, which asks for a
    layout of the screen: fourteen of them for a scanned code. The field's own size never
    depends on its text, so the new width is stored quietly first; Input then finds it
    unchanged. Scrolling within the field reads the stored value and still works.
    """

    def _watch_value(self, value: str) -> None:
        self.set_reactive(Widget.virtual_size, Size(self.content_width, 1))
        super()._watch_value(value)
