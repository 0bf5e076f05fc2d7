"""The real device source: /dev/input through python-evdev."""

from __future__ import annotations

import contextlib
import errno
import glob
import os
import select
from collections import defaultdict
from collections.abc import Sequence

import evdev
from evdev import ecodes as e

from edge.scanner.model import DeviceInfo, InputUnavailable, Reason

_DIGIT_KEYS = frozenset(
    e.ecodes[f"KEY_{prefix}{digit}"] for prefix in ("", "KP") for digit in range(10)
)


class EvdevSource:
    """Lists and opens the event devices under ``input_dir``."""

    def __init__(self, input_dir: str = "/dev/input") -> None:
        self._dir = input_dir

    def list_devices(self) -> list[DeviceInfo]:
        if not os.path.isdir(self._dir):
            raise InputUnavailable(Reason.NO_INPUT, f"{self._dir} does not exist")
        present = glob.glob(os.path.join(self._dir, "event*"))
        readable = evdev.list_devices(self._dir, writable=False)
        if present and not readable:
            raise InputUnavailable(
                Reason.NO_ACCESS,
                f"none of the {len(present)} devices in {self._dir} is readable by this user; "
                "add it to the group that owns them (usually 'input')",
            )
        links = self._links()
        found = []
        for path in sorted(readable):
            try:
                device = evdev.InputDevice(path)
            except OSError:  # unplugged, or not ours, since it was listed
                continue
            try:
                found.append(_describe(device, tuple(links[path])))
            finally:
                device.close()
        return found

    def open(self, device: DeviceInfo, grab: bool) -> EvdevDevice:
        opened = evdev.InputDevice(device.path)
        try:
            if _describe(opened, device.links) != device:
                # The node was reused by another device since it was listed.
                raise OSError(errno.ENODEV, f"{device.path} is now another device")
            if grab:
                opened.grab()
        except BaseException:
            opened.close()
            raise
        return EvdevDevice(opened, device, grab)

    def _links(self) -> defaultdict[str, list[str]]:
        """Event node -> the stable by-id and by-path symlinks that point to it."""
        links: defaultdict[str, list[str]] = defaultdict(list)
        for link in sorted(glob.glob(os.path.join(self._dir, "by-*", "*"))):
            links[os.path.realpath(link)].append(link)
        return links


class EvdevDevice:
    """An opened evdev device (see edge.scanner.source.Device)."""

    def __init__(self, device: evdev.InputDevice[str], info: DeviceInfo, grabbed: bool) -> None:
        self._device = device
        self._info = info
        self._grabbed = grabbed

    @property
    def info(self) -> DeviceInfo:
        return self._info

    def read(self, timeout_s: float) -> Sequence[evdev.InputEvent]:
        ready, _, _ = select.select([self._device.fd], [], [], timeout_s)
        if not ready:
            return []
        try:
            return list(self._device.read())
        except BlockingIOError:
            return []

    def close(self) -> None:
        if self._grabbed:
            with contextlib.suppress(OSError):
                self._device.ungrab()
        with contextlib.suppress(OSError):
            self._device.close()


def _describe(device: evdev.InputDevice[str], links: Sequence[str]) -> DeviceInfo:
    keys = device.capabilities().get(e.EV_KEY, [])
    return DeviceInfo(
        path=str(device.path),
        name=device.name,
        vendor=device.info.vendor,
        product=device.info.product,
        links=tuple(links),
        keyboard=not _DIGIT_KEYS.isdisjoint(keys),
    )
