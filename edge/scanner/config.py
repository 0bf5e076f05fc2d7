"""Which input devices are barcode scanners and how their key presses end a code."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, TypeGuard

from edge.scanner.model import DeviceInfo

Terminator = Literal["enter", "tab"]
TERMINATORS: tuple[Terminator, ...] = ("enter", "tab")
TIMEOUT_MS_RANGE = range(10, 2001)
RECONNECT_S_RANGE = (0.1, 60.0)
_VENDOR_PRODUCT = re.compile(r"^([0-9a-fA-F]{4}):([0-9a-fA-F]{4})$")
_MATCHER_KEYS = ("name", "vendor_product", "path")


class ScannerConfigError(ValueError):
    """The scanner settings are wrong; the message names the bad key and value."""


@dataclass(frozen=True)
class DeviceMatcher:
    """Picks a scanner among input devices; every criterion given must match.

    ``name`` is the exact device name (as ``python -m evdev.evtest`` lists it),
    ``vendor_product`` the USB ids, ``path`` a stable ``/dev/input/by-id/...`` link.
    """

    name: str | None = None
    vendor_product: tuple[int, int] | None = None
    path: str | None = None

    def matches(self, device: DeviceInfo) -> bool:
        return (
            (self.name is None or self.name == device.name)
            and (
                self.vendor_product is None
                or self.vendor_product == (device.vendor, device.product)
            )
            and (self.path is None or self.path == device.path or self.path in device.links)
        )

    @property
    def label(self) -> str:
        """How the till names this scanner: what the installer configured."""
        parts = []
        if self.name is not None:
            parts.append(repr(self.name))
        if self.vendor_product is not None:
            parts.append("{:04x}:{:04x}".format(*self.vendor_product))
        if self.path is not None:
            parts.append(self.path)
        return " ".join(parts)


@dataclass(frozen=True)
class ScannerConfig:
    """Scanners read through evdev.

    A code ends at a ``terminators`` key or, failing that, ``timeout_ms`` after its last
    key press: it is then delivered anyway, marked not terminated (scanners configured
    without a suffix keep working). ``grab`` keeps scans out of every other program and
    console; ``reconnect_s`` is how often a missing scanner is looked for.
    """

    devices: tuple[DeviceMatcher, ...] = ()
    terminators: frozenset[Terminator] = frozenset(TERMINATORS)
    timeout_ms: int = 100
    grab: bool = True
    reconnect_s: float = 1.0


def parse_scanner_config(mapping: Mapping[str, object]) -> ScannerConfig:
    """Build a ScannerConfig from settings (e.g. a TOML table); raise ScannerConfigError."""
    unknown = sorted(set(mapping) - set(ScannerConfig.__dataclass_fields__))
    if unknown:
        raise ScannerConfigError(f"unknown scanner setting(s): {', '.join(unknown)}")
    devices = mapping.get("devices", [])
    if not isinstance(devices, list):
        raise ScannerConfigError(f"scanner devices {devices!r} must be a list of tables")
    terminators = mapping.get("terminators", list(TERMINATORS))
    if not isinstance(terminators, list) or any(t not in TERMINATORS for t in terminators):
        raise ScannerConfigError(
            f"scanner terminators {terminators!r} must be a list of {', '.join(TERMINATORS)}"
        )
    timeout_ms = mapping.get("timeout_ms", 100)
    if not _is_int(timeout_ms) or timeout_ms not in TIMEOUT_MS_RANGE:
        raise ScannerConfigError(
            f"scanner timeout_ms {timeout_ms!r} must be a whole number of milliseconds "
            f"from {TIMEOUT_MS_RANGE.start} to {TIMEOUT_MS_RANGE.stop - 1}"
        )
    grab = mapping.get("grab", True)
    if not isinstance(grab, bool):
        raise ScannerConfigError(f"scanner grab {grab!r} must be true or false")
    reconnect_s = mapping.get("reconnect_s", 1.0)
    low, high = RECONNECT_S_RANGE
    if not _is_number(reconnect_s) or not low <= reconnect_s <= high:
        raise ScannerConfigError(
            f"scanner reconnect_s {reconnect_s!r} must be {low} to {high} seconds"
        )
    return ScannerConfig(
        devices=tuple(_matcher(entry, index) for index, entry in enumerate(devices)),
        terminators=frozenset(terminators),
        timeout_ms=timeout_ms,
        grab=grab,
        reconnect_s=float(reconnect_s),
    )


def _matcher(entry: object, index: int) -> DeviceMatcher:
    where = f"scanner devices[{index}]"
    if not isinstance(entry, Mapping):
        raise ScannerConfigError(f'{where} {entry!r} must be a table such as {{ name = "..." }}')
    unknown = sorted(set(entry) - set(_MATCHER_KEYS))
    if unknown:
        raise ScannerConfigError(
            f"{where}: unknown key(s) {', '.join(map(str, unknown))}; "
            f"expected {', '.join(_MATCHER_KEYS)}"
        )
    if not entry:
        raise ScannerConfigError(f"{where} is empty; give {', '.join(_MATCHER_KEYS)}")
    for key, value in entry.items():
        if not isinstance(value, str) or not value.strip():
            raise ScannerConfigError(f"{where} {key} {value!r} must be non-empty text")
    name, ids, path = (entry.get(key) for key in _MATCHER_KEYS)
    return DeviceMatcher(
        name=name,
        vendor_product=None if ids is None else _vendor_product(ids, where),
        path=None if path is None else _path(path, where),
    )


def _vendor_product(text: str, where: str) -> tuple[int, int]:
    match = _VENDOR_PRODUCT.match(text.strip())
    if match is None:
        raise ScannerConfigError(
            f"{where} vendor_product {text!r} must be vendor:product in hex, e.g. 0c2e:0b61"
        )
    return int(match[1], 16), int(match[2], 16)


def _path(text: str, where: str) -> str:
    if not text.startswith("/dev/input/"):
        raise ScannerConfigError(
            f"{where} path {text!r} must be under /dev/input/, e.g. /dev/input/by-id/...-event-kbd"
        )
    return text


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)
