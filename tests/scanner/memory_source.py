"""An in-memory device source (edge.scanner.source protocols) that tests plug devices into."""

from __future__ import annotations

import errno
import queue
import threading
from collections.abc import Iterable, Sequence

from evdev import InputEvent

from edge.scanner.model import DeviceInfo, InputUnavailable


class MemoryDevice:
    """A device whose events the test sends; ``fail`` makes the next read raise."""

    def __init__(self, info: DeviceInfo, open_error: OSError | None = None) -> None:
        self._info = info
        self._inbox: queue.Queue[list[InputEvent] | OSError] = queue.Queue()
        self.open_error = open_error
        self.grabbed = False
        self.closed = threading.Event()

    @property
    def info(self) -> DeviceInfo:
        return self._info

    def send(self, events: Iterable[InputEvent]) -> None:
        self._inbox.put(list(events))

    def fail(self, error: OSError) -> None:
        self._inbox.put(error)

    def read(self, timeout_s: float) -> Sequence[InputEvent]:
        try:
            item = self._inbox.get(timeout=timeout_s)
        except queue.Empty:
            return []
        if isinstance(item, OSError):
            raise item
        return item

    def close(self) -> None:
        self.grabbed = False
        self.closed.set()


class MemorySource:
    """Devices the test plugs in and out; ``unavailable`` makes listing fail."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._devices: dict[str, MemoryDevice] = {}
        self.unavailable: InputUnavailable | None = None

    def plug(self, info: DeviceInfo, open_error: OSError | None = None) -> MemoryDevice:
        device = MemoryDevice(info, open_error)
        with self._lock:
            self._devices[info.path] = device
        return device

    def unplug(self, device: MemoryDevice, error_no: int = errno.ENODEV) -> None:
        """Remove ``device``; a read in progress raises OSError(``error_no``)."""
        with self._lock:
            del self._devices[device.info.path]
        device.fail(OSError(error_no, "No such device"))

    def list_devices(self) -> list[DeviceInfo]:
        if self.unavailable is not None:
            raise self.unavailable
        with self._lock:
            return [device.info for device in self._devices.values()]

    def open(self, device: DeviceInfo, grab: bool) -> MemoryDevice:
        with self._lock:
            opened = self._devices.get(device.path)
        if opened is None:
            raise OSError(errno.ENODEV, "No such device")
        if opened.open_error is not None:
            raise opened.open_error
        opened.grabbed = grab
        return opened
