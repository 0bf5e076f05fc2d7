"""The US keyboard layout: which character a physical key types, without and with Shift.

evdev reports physical keys whatever layout the system uses, so scanners must be set to
the US layout and this table is the whole truth. KEY_SEMICOLON with Shift is ':'.
"""

from __future__ import annotations

from string import ascii_lowercase

from evdev import ecodes as e

_DIGITS_ROW = {
    e.KEY_1: ("1", "!"),
    e.KEY_2: ("2", "@"),
    e.KEY_3: ("3", "#"),
    e.KEY_4: ("4", "$"),
    e.KEY_5: ("5", "%"),
    e.KEY_6: ("6", "^"),
    e.KEY_7: ("7", "&"),
    e.KEY_8: ("8", "*"),
    e.KEY_9: ("9", "("),
    e.KEY_0: ("0", ")"),
}
_SYMBOLS = {
    e.KEY_MINUS: ("-", "_"),
    e.KEY_EQUAL: ("=", "+"),
    e.KEY_LEFTBRACE: ("[", "{"),
    e.KEY_RIGHTBRACE: ("]", "}"),
    e.KEY_BACKSLASH: ("\\", "|"),
    e.KEY_SEMICOLON: (";", ":"),
    e.KEY_APOSTROPHE: ("'", '"'),
    e.KEY_GRAVE: ("`", "~"),
    e.KEY_COMMA: (",", "<"),
    e.KEY_DOT: (".", ">"),
    e.KEY_SLASH: ("/", "?"),
    e.KEY_SPACE: (" ", " "),
    e.KEY_TAB: ("\t", "\t"),
    e.KEY_ENTER: ("\n", "\n"),
}
_LETTERS = {e.ecodes[f"KEY_{c.upper()}"]: (c, c.upper()) for c in ascii_lowercase}

#: Keypad keys type the same with or without Shift (scanners assume NumLock on).
KEYPAD_DIGITS = {e.ecodes[f"KEY_KP{d}"]: str(d) for d in range(10)}
_KEYPAD = {
    **{code: (digit, digit) for code, digit in KEYPAD_DIGITS.items()},
    e.KEY_KPDOT: (".", "."),
    e.KEY_KPMINUS: ("-", "-"),
    e.KEY_KPPLUS: ("+", "+"),
    e.KEY_KPASTERISK: ("*", "*"),
    e.KEY_KPSLASH: ("/", "/"),
    e.KEY_KPENTER: ("\n", "\n"),
}

#: Key code -> (character, character with Shift).
US_LAYOUT: dict[int, tuple[str, str]] = {**_DIGITS_ROW, **_SYMBOLS, **_LETTERS, **_KEYPAD}
LETTER_KEYS = frozenset(_LETTERS)

SHIFT_KEYS = frozenset({e.KEY_LEFTSHIFT, e.KEY_RIGHTSHIFT})
CTRL_KEYS = frozenset({e.KEY_LEFTCTRL, e.KEY_RIGHTCTRL})
ALT_KEYS = frozenset({e.KEY_LEFTALT, e.KEY_RIGHTALT})
TERMINATOR_KEYS = {"enter": frozenset({e.KEY_ENTER, e.KEY_KPENTER}), "tab": frozenset({e.KEY_TAB})}


def control_character(char: str) -> str | None:
    """What Ctrl with the key typing ``char`` sends: Ctrl+] is GS (0x1D), Ctrl+A is 0x01.

    Covers 0x01-0x1F (letters, [ \\ ] ^ _); None for keys that have no control character.
    """
    upper = char.upper()
    if len(upper) == 1 and "A" <= upper <= "_":
        return chr(ord(upper) & 0x1F)
    return None
