"""Turns one scanner's key events into codes: pure, no I/O, time taken from the events.

Control characters arrive two ways and both are kept in the text: Ctrl+key (Ctrl+] is GS,
0x1D, the DataMatrix separator; any of 0x01-0x1F) and Alt held while the code is typed on
the keypad (Alt+029 or Alt+0029 is GS; codes 1-127 only, higher ones depend on a Windows
code page). Key repeats (value 2) are ignored: a scanner never holds a key, so a repeat
only comes from kernel autorepeat after a stalled report and would double a character.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from evdev import InputEvent
from evdev import ecodes as e

from edge.scanner.config import Terminator
from edge.scanner.keymap import (
    ALT_KEYS,
    CTRL_KEYS,
    KEYPAD_DIGITS,
    LETTER_KEYS,
    SHIFT_KEYS,
    TERMINATOR_KEYS,
    US_LAYOUT,
    control_character,
)

_UP, _DOWN = 0, 1
_MODIFIER_KEYS = SHIFT_KEYS | CTRL_KEYS | ALT_KEYS


@dataclass(frozen=True)
class Code:
    text: str
    terminated: bool


class ScanDecoder:
    """Feed it every event of one device; it returns each code once it is complete.

    A code is complete at a terminator key, or when ``timeout_s`` passes after its last
    key event (``expire``; a late key also ends the previous code first). Empty codes
    (a bare Enter) are not reported. After SYN_DROPPED (the kernel lost events) the
    partial code and the modifier state are discarded.
    """

    def __init__(self, terminators: Iterable[Terminator], timeout_s: float) -> None:
        self._terminators = frozenset().union(*(TERMINATOR_KEYS[t] for t in terminators))
        self._timeout_s = timeout_s
        self._last_key_at = 0.0
        self._modifiers: set[int] = set()
        self._caps_lock = False
        self._alt_digits = ""
        self._text = ""

    def feed(self, event: InputEvent) -> Code | None:
        """Take one event; return the code it completes, if any."""
        if event.type == e.EV_SYN and event.code == e.SYN_DROPPED:
            self._reset()
            return None
        if event.type != e.EV_KEY:
            return None
        at = event.timestamp()
        expired = self.expire(at)
        self._last_key_at = at
        completed = None
        if event.value == _DOWN:
            completed = self._press(event.code)
        elif event.value == _UP:
            self._release(event.code)
        return expired or completed

    def expire(self, now: float) -> Code | None:
        """Return the pending code if ``now`` is past its deadline (the events' clock).

        A clock stepped back behind the last key also ends the code.
        """
        deadline = self.deadline()
        if deadline is None or self._last_key_at <= now <= deadline:
            return None
        return self._take(terminated=False)

    def deadline(self) -> float | None:
        """When the pending code times out, or None if nothing is pending."""
        if not self._text and not self._alt_digits:
            return None
        return self._last_key_at + self._timeout_s

    def _reset(self) -> None:
        self._modifiers.clear()
        self._caps_lock = False
        self._alt_digits = ""
        self._text = ""

    def _press(self, key: int) -> Code | None:
        if key in _MODIFIER_KEYS:
            self._modifiers.add(key)
        elif key in self._terminators:
            return self._take(terminated=True)
        elif key == e.KEY_CAPSLOCK:
            self._caps_lock = not self._caps_lock
        elif self._modifiers & ALT_KEYS:
            self._alt_digits += KEYPAD_DIGITS.get(key, "")
        elif key in US_LAYOUT:
            self._type(key)
        return None

    def _type(self, key: int) -> None:
        shifted = bool(self._modifiers & SHIFT_KEYS) != (self._caps_lock and key in LETTER_KEYS)
        char = US_LAYOUT[key][shifted]
        if self._modifiers & CTRL_KEYS:
            self._text += control_character(char) or ""
        else:
            self._text += char

    def _release(self, key: int) -> None:
        self._modifiers.discard(key)
        if key in ALT_KEYS and not self._modifiers & ALT_KEYS and self._alt_digits:
            value = int(self._alt_digits)
            self._alt_digits = ""
            if 0 < value < 128:
                self._text += chr(value)

    def _take(self, terminated: bool) -> Code | None:
        text = self._text
        self._text = self._alt_digits = ""
        return Code(text, terminated) if text else None
