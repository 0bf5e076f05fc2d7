"""The decoder on real evdev InputEvent objects: layout, terminators, timeout, GS."""

from __future__ import annotations

from collections.abc import Iterable

import pytest
from evdev import InputEvent
from evdev import ecodes as e

from edge.scanner.config import Terminator
from edge.scanner.decoder import Code, ScanDecoder
from tests.scanner.keystrokes import GS, Keyboard

T0 = 1_700_000_000.0
DATAMATRIX = f"010461234567890121abc{GS}91EE07{GS}92dGhpcyBpcyBhIHNpZ25hdHVyZQ=="


def decode(
    events: Iterable[InputEvent],
    terminators: Iterable[Terminator] = ("enter", "tab"),
) -> list[Code]:
    decoder = ScanDecoder(terminators, timeout_s=0.1)
    return [code for code in map(decoder.feed, events) if code is not None]


def test_digits_and_lowercase_letters() -> None:
    kb = Keyboard(T0)
    assert decode(kb.type("4820000000017") + kb.type("abcxyz")) == [
        Code("4820000000017", True),
        Code("abcxyz", True),
    ]


def test_letters_with_either_shift() -> None:
    kb = Keyboard(T0)
    events = kb.type("Ab") + kb.tap("KEY_Q", "KEY_RIGHTSHIFT") + kb.tap("KEY_ENTER")
    assert decode(events) == [Code("Ab", True), Code("Q", True)]


def test_caps_lock_inverts_shift_for_letters_only() -> None:
    kb = Keyboard(T0)
    events = (
        kb.tap("KEY_CAPSLOCK")
        + kb.tap("KEY_A")
        + kb.tap("KEY_B", "KEY_LEFTSHIFT")
        + kb.tap("KEY_1")
        + kb.tap("KEY_CAPSLOCK")
        + kb.tap("KEY_C")
        + kb.tap("KEY_ENTER")
    )
    assert decode(events) == [Code("Ab1c", True)]


@pytest.mark.parametrize(
    "text",
    ["-=[]\\;',./` ", "!@#$%^&*()", '_+{}|:"<>?~', "Code128: A-1/B_2 {x}"],
)
def test_symbols_with_and_without_shift(text: str) -> None:
    assert decode(Keyboard(T0).type(text)) == [Code(text, True)]


def test_shift_semicolon_is_a_colon_not_a_semicolon() -> None:
    kb = Keyboard(T0)
    # Some scanners let go of Shift before the key itself.
    events = [
        *kb.key("KEY_LEFTSHIFT", 1),
        *kb.key("KEY_SEMICOLON", 1),
        *kb.key("KEY_LEFTSHIFT", 0),
        *kb.key("KEY_SEMICOLON", 0),
        *kb.tap("KEY_SEMICOLON"),
        *kb.tap("KEY_SEMICOLON", "KEY_RIGHTSHIFT"),
        *kb.tap("KEY_ENTER"),
    ]
    assert decode(events) == [Code(":;:", True)]


def test_tab_terminates_when_configured_and_is_text_otherwise() -> None:
    kb = Keyboard(T0)
    assert decode(kb.type("ABC-1", terminator="KEY_TAB"), ("tab",)) == [Code("ABC-1", True)]
    events = kb.type("A", terminator="KEY_TAB") + kb.type("B", terminator="KEY_KPENTER")
    assert decode(events, ("enter",)) == [Code("A\tB", True)]


def test_keypad_digits_and_keypad_enter() -> None:
    kb = Keyboard(T0)
    events = [*kb.tap("KEY_KP4"), *kb.tap("KEY_KP2"), *kb.tap("KEY_KPDOT"), *kb.tap("KEY_KPENTER")]
    assert decode(events) == [Code("42.", True)]


def test_a_bare_terminator_is_no_code() -> None:
    kb = Keyboard(T0)
    assert decode(kb.tap("KEY_ENTER") + kb.tap("KEY_TAB")) == []


def test_repeats_unknown_keys_and_other_event_types_are_ignored() -> None:
    kb = Keyboard(T0)
    events = [
        *kb.key("KEY_7", 1),
        kb.event(e.EV_KEY, e.KEY_7, 2),  # autorepeat of a held key
        kb.event(e.EV_MSC, e.MSC_SCAN, 0x70024),
        *kb.key("KEY_7", 0),
        *kb.tap("KEY_F1"),
        *kb.tap("KEY_8"),
        *kb.tap("KEY_ENTER"),
    ]
    assert decode(events) == [Code("78", True)]


def test_syn_dropped_discards_the_partial_code_and_modifiers() -> None:
    kb = Keyboard(T0)
    events = [
        *kb.key("KEY_LEFTSHIFT", 1),
        *kb.tap("KEY_A"),
        kb.event(e.EV_SYN, e.SYN_DROPPED, 0),
        *kb.type("b123"),
    ]
    assert decode(events) == [Code("b123", True)]


def test_datamatrix_gs_sent_as_ctrl_right_bracket_is_kept() -> None:
    kb = Keyboard(T0)
    assert decode(kb.type(DATAMATRIX)) == [Code(DATAMATRIX, True)]


@pytest.mark.parametrize("digits", ["029", "0029", "29"])
def test_gs_sent_as_alt_and_keypad_digits_is_kept(digits: str) -> None:
    kb = Keyboard(T0)
    events = kb.type("0104", terminator=None) + kb.key("KEY_LEFTALT", 1)
    for digit in digits:
        events += kb.tap(f"KEY_KP{digit}")
    events += kb.key("KEY_LEFTALT", 0) + kb.type("91EE07")
    assert decode(events) == [Code(f"0104{GS}91EE07", True)]


@pytest.mark.parametrize(
    ("key", "held", "char"),
    [
        ("KEY_RIGHTBRACE", ("KEY_LEFTCTRL",), "\x1d"),
        ("KEY_RIGHTBRACE", ("KEY_RIGHTCTRL",), "\x1d"),
        ("KEY_6", ("KEY_LEFTCTRL", "KEY_LEFTSHIFT"), "\x1e"),  # RS (Ctrl+^), ISO 15434
        ("KEY_D", ("KEY_LEFTCTRL",), "\x04"),  # EOT
        ("KEY_LEFTBRACE", ("KEY_LEFTCTRL",), "\x1b"),
    ],
)
def test_ctrl_keys_give_control_characters(key: str, held: tuple[str, ...], char: str) -> None:
    kb = Keyboard(T0)
    events = kb.type("A", terminator=None) + kb.tap(key, *held) + kb.type("B")
    assert decode(events) == [Code(f"A{char}B", True)]


def test_ctrl_with_a_key_without_control_character_and_alt_letters_type_nothing() -> None:
    kb = Keyboard(T0)
    events = kb.tap("KEY_1", "KEY_LEFTCTRL") + kb.tap("KEY_A", "KEY_LEFTALT") + kb.type("9")
    assert decode(events) == [Code("9", True)]


def test_a_code_without_terminator_is_flushed_after_the_timeout() -> None:
    kb = Keyboard(T0)
    decoder = ScanDecoder(("enter",), timeout_s=0.1)
    fed = [decoder.feed(event) for event in kb.type("12345", terminator=None)]
    assert fed == [None] * len(fed)
    last_key = kb.at
    assert decoder.deadline() == pytest.approx(last_key + 0.1)
    assert decoder.expire(last_key + 0.05) is None
    assert decoder.expire(last_key + 0.11) == Code("12345", terminated=False)
    assert decoder.deadline() is None
    assert decoder.expire(last_key + 5) is None


def test_a_key_after_the_timeout_ends_the_previous_code_and_starts_a_new_one() -> None:
    kb = Keyboard(T0)
    decoder = ScanDecoder(("enter",), timeout_s=0.1)
    codes = [decoder.feed(event) for event in kb.type("111", terminator=None)]
    kb.at += 0.5
    codes += [decoder.feed(event) for event in kb.type("222")]
    assert [code for code in codes if code is not None] == [Code("111", False), Code("222", True)]


def test_a_clock_stepped_back_ends_the_pending_code() -> None:
    kb = Keyboard(T0)
    decoder = ScanDecoder(("enter",), timeout_s=0.1)
    for event in kb.type("77", terminator=None):
        decoder.feed(event)
    assert decoder.expire(T0 - 3600) == Code("77", terminated=False)
