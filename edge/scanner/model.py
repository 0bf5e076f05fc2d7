"""What the scanner layer tells the till: scans, scanner states, and the devices it sees."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


@dataclass(frozen=True)
class DeviceInfo:
    """An input device as the source lists it, before it is opened.

    ``links`` are the stable symlinks (``/dev/input/by-id/...``, ``by-path``) pointing at
    ``path``; ``keyboard`` is true when the device can type digits and Enter.
    """

    path: str
    name: str
    vendor: int
    product: int
    links: tuple[str, ...] = ()
    keyboard: bool = True


@dataclass(frozen=True)
class ScanEvent:
    """One decoded code. ``terminated`` is False when the inter-key timeout ended it."""

    text: str
    scanner: str
    device: DeviceInfo
    terminated: bool


class ScannerState(StrEnum):
    CONNECTED = "connected"
    DISCONNECTED = "disconnected"
    KEYBOARD_MODE = "keyboard mode"


class Reason(StrEnum):
    """Why a configured scanner is not read through evdev."""

    NOT_CONFIGURED = "no scanner is configured"
    NO_EVDEV = "python-evdev is not available on this system"
    NO_INPUT = "there is no /dev/input"
    NO_ACCESS = "/dev/input is not readable by this user"
    NOT_FOUND = "no input device matches"
    OPEN_FAILED = "the device cannot be opened or grabbed"
    UNPLUGGED = "the device was unplugged"


@dataclass(frozen=True)
class ScannerStatus:
    """The state of one configured scanner (``scanner`` is its label, "" for none).

    CONNECTED names the ``device``; DISCONNECTED (after an unplug; the reader keeps looking)
    names the lost device; KEYBOARD_MODE means scans arrive as ordinary key presses in
    the focused field. ``reason`` and the English ``detail`` say why it is not connected.
    """

    scanner: str
    state: ScannerState
    device: DeviceInfo | None = None
    reason: Reason | None = None
    detail: str = ""


class InputUnavailable(Exception):
    """The source cannot list input devices at all (no /dev/input, no permission)."""

    def __init__(self, reason: Reason, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail
