"""Barcode scanners read through evdev (S1, R5), headless: the UI subscribes with callbacks.

``config`` says which devices are scanners, ``decoder`` turns key events into text with
the US layout (GS kept for marking codes), ``reader`` runs the devices in threads and
survives unplugging, ``evdev_source`` is the thin part that touches /dev/input.
Without a usable scanner the status says "keyboard mode": the scanner then types into
the focused field like a keyboard.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from edge.scanner.config import ScannerConfig
from edge.scanner.model import Reason, ScanEvent, ScannerState, ScannerStatus

if TYPE_CHECKING:
    from edge.scanner.reader import ScannerReader


def start_scanners(
    config: ScannerConfig,
    on_scan: Callable[[ScanEvent], None],
    on_status: Callable[[ScannerStatus], None],
) -> ScannerReader | None:
    """Start reading the configured scanners from /dev/input; stop() the result on exit.

    Returns None, after a keyboard-mode status, where python-evdev is not installed
    (it is a Linux-only dependency).
    """
    try:
        from edge.scanner.evdev_source import EvdevSource
        from edge.scanner.reader import ScannerReader
    except ImportError as exc:
        on_status(ScannerStatus("", ScannerState.KEYBOARD_MODE, None, Reason.NO_EVDEV, str(exc)))
        return None
    reader = ScannerReader(config, EvdevSource(), on_scan, on_status)
    reader.start()
    return reader
