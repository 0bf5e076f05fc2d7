"""Real evdev events for text typed the way a US-layout scanner types it.

Written from the US keyboard, independently of edge.scanner.keymap, so that the tests
check the decoder against a second account of the layout.
"""

from __future__ import annotations

import time
from string import ascii_lowercase, ascii_uppercase, digits

from evdev import InputEvent
from evdev import ecodes as e

GS = "\x1d"
_UNSHIFTED = {
    **{c: f"KEY_{c}" for c in digits},
    **{c: f"KEY_{c.upper()}" for c in ascii_lowercase},
    "-": "KEY_MINUS",
    "=": "KEY_EQUAL",
    "[": "KEY_LEFTBRACE",
    "]": "KEY_RIGHTBRACE",
    "\\": "KEY_BACKSLASH",
    ";": "KEY_SEMICOLON",
    "'": "KEY_APOSTROPHE",
    "`": "KEY_GRAVE",
    ",": "KEY_COMMA",
    ".": "KEY_DOT",
    "/": "KEY_SLASH",
    " ": "KEY_SPACE",
}
_SHIFTED = {
    **{c: f"KEY_{c}" for c in ascii_uppercase},
    **dict(zip(")!@#$%^&*(", (f"KEY_{d}" for d in digits), strict=True)),
    "_": "KEY_MINUS",
    "+": "KEY_EQUAL",
    "{": "KEY_LEFTBRACE",
    "}": "KEY_RIGHTBRACE",
    "|": "KEY_BACKSLASH",
    ":": "KEY_SEMICOLON",
    '"': "KEY_APOSTROPHE",
    "~": "KEY_GRAVE",
    "<": "KEY_COMMA",
    ">": "KEY_DOT",
    "?": "KEY_SLASH",
}


class Keyboard:
    """Makes timestamped events: one millisecond apart from ``at``, or stamped when made.

    Stamped when made (the default), events are never later than the reader's clock,
    like a real device's (the kernel stamps them with CLOCK_REALTIME, i.e. time.time()).
    """

    def __init__(self, at: float | None = None) -> None:
        self._live = at is None
        self.at = time.time() if at is None else at

    def event(self, type_: int, code: int, value: int) -> InputEvent:
        self.at = time.time() if self._live else self.at + 0.001
        sec = int(self.at)
        return InputEvent(sec, round((self.at - sec) * 1e6), type_, code, value)

    def key(self, name: str, value: int) -> list[InputEvent]:
        """One key event and the SYN_REPORT a device sends after it."""
        return [self.event(e.EV_KEY, e.ecodes[name], value), self.event(e.EV_SYN, e.SYN_REPORT, 0)]

    def tap(self, name: str, *held: str) -> list[InputEvent]:
        """Press and release ``name`` while the ``held`` modifier keys are down."""
        events: list[InputEvent] = []
        for modifier in held:
            events += self.key(modifier, 1)
        events += self.key(name, 1) + self.key(name, 0)
        for modifier in reversed(held):
            events += self.key(modifier, 0)
        return events

    def type(self, text: str, terminator: str | None = "KEY_ENTER") -> list[InputEvent]:
        """``text`` as a scanner types it: Shift for capitals and symbols, GS as Ctrl+]."""
        events: list[InputEvent] = []
        for char in text:
            if char == GS:
                events += self.tap("KEY_RIGHTBRACE", "KEY_LEFTCTRL")
            elif char in _SHIFTED:
                events += self.tap(_SHIFTED[char], "KEY_LEFTSHIFT")
            else:
                events += self.tap(_UNSHIFTED[char])
        if terminator is not None:
            events += self.tap(terminator)
        return events
