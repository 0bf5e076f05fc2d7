"""Where the reader gets devices from: evdev on a till, memory in tests."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from evdev import InputEvent

from edge.scanner.model import DeviceInfo


class Device(Protocol):
    """An opened (and, if asked, exclusively grabbed) input device."""

    @property
    def info(self) -> DeviceInfo: ...

    def read(self, timeout_s: float) -> Sequence[InputEvent]:
        """Events that arrived within ``timeout_s`` (may be none).

        Raises OSError when the device is gone (errno 19, ENODEV, on unplug).
        """
        ...

    def close(self) -> None:
        """Release the grab and close; never raises, even for a device already gone."""
        ...


class DeviceSource(Protocol):
    def list_devices(self) -> Sequence[DeviceInfo]:
        """The input devices present now; raises InputUnavailable if none can be read."""
        ...

    def open(self, device: DeviceInfo, grab: bool) -> Device:
        """Open ``device``; raises OSError if it cannot be opened or grabbed."""
        ...
