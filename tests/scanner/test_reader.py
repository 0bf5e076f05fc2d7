"""The reader fed through the in-memory source: scans, unplug and replug, several scanners."""

from __future__ import annotations

import errno
import queue
from collections.abc import Callable, Iterator

import pytest

from edge.scanner import start_scanners
from edge.scanner.config import DeviceMatcher, ScannerConfig
from edge.scanner.model import (
    DeviceInfo,
    InputUnavailable,
    Reason,
    ScanEvent,
    ScannerState,
    ScannerStatus,
)
from edge.scanner.reader import ScannerReader
from tests.scanner.keystrokes import GS, Keyboard
from tests.scanner.memory_source import MemorySource

WAIT_S = 5.0
HONEYWELL = DeviceInfo(
    "/dev/input/event5",
    "Honeywell Imaging & Mobility 1900",
    0x0C2E,
    0x0B61,
    ("/dev/input/by-id/usb-Honeywell_1900-event-kbd",),
)
ZEBRA = DeviceInfo("/dev/input/event7", "Zebra DS2208", 0x05E0, 0x1200)
BY_NAME = DeviceMatcher(name=HONEYWELL.name)
DATAMATRIX = f"010461234567890121abc{GS}91EE07{GS}92dGhpcyBpcyBhIHNpZ25hdHVyZQ=="


class Till:
    """What the UI would receive: scans and statuses, in the order the reader sent them."""

    def __init__(self) -> None:
        self.scans: queue.Queue[ScanEvent] = queue.Queue()
        self.statuses: queue.Queue[ScannerStatus] = queue.Queue()

    def scan(self) -> ScanEvent:
        return self.scans.get(timeout=WAIT_S)

    def status(self) -> ScannerStatus:
        return self.statuses.get(timeout=WAIT_S)


@pytest.fixture
def till() -> Till:
    return Till()


@pytest.fixture
def source() -> MemorySource:
    return MemorySource()


@pytest.fixture
def start(till: Till, source: MemorySource) -> Iterator[Callable[..., ScannerReader]]:
    readers: list[ScannerReader] = []

    def start(*devices: DeviceMatcher, **settings: object) -> ScannerReader:
        settings.setdefault("reconnect_s", 0.01)
        config = ScannerConfig(devices=devices, **settings)  # type: ignore[arg-type]
        reader = ScannerReader(config, source, till.scans.put, till.statuses.put)
        readers.append(reader)
        reader.start()
        return reader

    yield start
    for reader in readers:
        reader.stop()


def connected(device: DeviceInfo, matcher: DeviceMatcher = BY_NAME) -> ScannerStatus:
    return ScannerStatus(matcher.label, ScannerState.CONNECTED, device)


def test_a_scan_arrives_with_the_scanner_and_device(
    till: Till, source: MemorySource, start: Callable[..., ScannerReader]
) -> None:
    scanner = source.plug(HONEYWELL)
    start(BY_NAME)
    assert till.status() == connected(HONEYWELL)
    assert scanner.grabbed
    scanner.send(Keyboard().type("4820000000017"))
    assert till.scan() == ScanEvent("4820000000017", BY_NAME.label, HONEYWELL, terminated=True)


def test_a_datamatrix_code_keeps_its_gs_separators(
    till: Till, source: MemorySource, start: Callable[..., ScannerReader]
) -> None:
    scanner = source.plug(HONEYWELL)
    start(BY_NAME)
    till.status()
    scanner.send(Keyboard().type(DATAMATRIX))
    assert till.scan().text == DATAMATRIX


def test_a_code_without_terminator_is_delivered_after_the_timeout(
    till: Till, source: MemorySource, start: Callable[..., ScannerReader]
) -> None:
    scanner = source.plug(HONEYWELL)
    start(BY_NAME, timeout_ms=30)
    till.status()
    scanner.send(Keyboard().type("ART-1042", terminator=None))
    assert till.scan() == ScanEvent("ART-1042", BY_NAME.label, HONEYWELL, terminated=False)


def test_unplug_mid_scan_drops_the_partial_code_and_the_replugged_scanner_reads_again(
    till: Till, source: MemorySource, start: Callable[..., ScannerReader]
) -> None:
    first = source.plug(HONEYWELL)
    start(BY_NAME, timeout_ms=2000)  # the partial code cannot time out during the test
    assert till.status() == connected(HONEYWELL)
    first.send(Keyboard().type("0104612345", terminator=None))
    source.unplug(first)

    disconnected = till.status()
    assert (disconnected.state, disconnected.reason) == (
        ScannerState.DISCONNECTED,
        Reason.UNPLUGGED,
    )
    assert disconnected.device == HONEYWELL
    assert "No such device" in disconnected.detail
    assert first.closed.wait(WAIT_S)
    assert not first.grabbed

    second = source.plug(HONEYWELL)
    assert till.status() == connected(HONEYWELL)
    second.send(Keyboard().type(DATAMATRIX))
    assert till.scan().text == DATAMATRIX
    assert till.scans.empty()
    assert till.statuses.empty()


def test_two_scanners_are_read_at_once_each_with_its_own_shift_state(
    till: Till, source: MemorySource, start: Callable[..., ScannerReader]
) -> None:
    by_link = DeviceMatcher(path=HONEYWELL.links[0])
    by_ids = DeviceMatcher(vendor_product=(ZEBRA.vendor, ZEBRA.product))
    honeywell, zebra = source.plug(HONEYWELL), source.plug(ZEBRA)
    start(by_link, by_ids, timeout_ms=2000)  # the Honeywell's code is sent in two parts
    assert {till.status(), till.status()} == {
        connected(HONEYWELL, by_link),
        connected(ZEBRA, by_ids),
    }
    kb = Keyboard()
    # The Honeywell holds Shift while the Zebra types: lowercase must stay lowercase.
    honeywell.send(kb.key("KEY_LEFTSHIFT", 1) + kb.tap("KEY_A"))
    zebra.send(kb.type("zebra-1"))
    honeywell.send(kb.key("KEY_LEFTSHIFT", 0) + kb.type("bc"))
    assert {till.scan(), till.scan()} == {
        ScanEvent("Abc", by_link.label, HONEYWELL, True),
        ScanEvent("zebra-1", by_ids.label, ZEBRA, True),
    }


def test_two_identical_scanners_each_get_their_own_device(
    till: Till, source: MemorySource, start: Callable[..., ScannerReader]
) -> None:
    twin = DeviceInfo("/dev/input/event9", HONEYWELL.name, HONEYWELL.vendor, HONEYWELL.product)
    source.plug(HONEYWELL)
    source.plug(twin)
    start(BY_NAME, BY_NAME)
    assert {till.status().device, till.status().device} == {HONEYWELL, twin}


def test_without_a_matching_device_the_till_is_in_keyboard_mode_until_one_appears(
    till: Till, source: MemorySource, start: Callable[..., ScannerReader]
) -> None:
    source.plug(DeviceInfo("/dev/input/event2", "Power Button", 0, 1, keyboard=False))
    source.plug(DeviceInfo("/dev/input/event3", "Consumer Control", 0x0C2E, 0x0B61, (), False))
    by_ids = DeviceMatcher(vendor_product=(0x0C2E, 0x0B61))
    start(by_ids)
    status = till.status()
    assert (status.state, status.reason) == (ScannerState.KEYBOARD_MODE, Reason.NOT_FOUND)
    assert "0c2e:0b61" in status.detail

    scanner = source.plug(HONEYWELL)
    assert till.status() == connected(HONEYWELL, by_ids)
    scanner.send(Keyboard().type("1"))
    assert till.scan().text == "1"


def test_unreadable_input_devices_mean_keyboard_mode_with_the_reason(
    till: Till, source: MemorySource, start: Callable[..., ScannerReader]
) -> None:
    source.unavailable = InputUnavailable(Reason.NO_ACCESS, "add the user to group 'input'")
    start(BY_NAME)
    assert till.status() == ScannerStatus(
        BY_NAME.label,
        ScannerState.KEYBOARD_MODE,
        reason=Reason.NO_ACCESS,
        detail="add the user to group 'input'",
    )


def test_a_device_grabbed_by_another_program_means_keyboard_mode(
    till: Till, source: MemorySource, start: Callable[..., ScannerReader]
) -> None:
    source.plug(HONEYWELL, open_error=OSError(errno.EBUSY, "Device or resource busy"))
    start(BY_NAME)
    status = till.status()
    assert (status.state, status.reason) == (ScannerState.KEYBOARD_MODE, Reason.OPEN_FAILED)
    assert "busy" in status.detail


def test_no_configured_scanner_means_keyboard_mode(till: Till) -> None:
    reader = start_scanners(ScannerConfig(), till.scans.put, till.statuses.put)
    assert reader is not None
    reader.stop()
    assert till.status() == ScannerStatus(
        "", ScannerState.KEYBOARD_MODE, reason=Reason.NOT_CONFIGURED
    )


def test_grab_can_be_turned_off(
    till: Till, source: MemorySource, start: Callable[..., ScannerReader]
) -> None:
    scanner = source.plug(HONEYWELL)
    start(BY_NAME, grab=False)
    till.status()
    assert not scanner.grabbed


def test_a_failing_callback_does_not_stop_the_reader(source: MemorySource) -> None:
    scans: queue.Queue[str] = queue.Queue()
    connected_once: queue.Queue[ScannerStatus] = queue.Queue()

    def on_scan(scan: ScanEvent) -> None:
        scans.put(scan.text)
        if scan.text == "1":
            raise RuntimeError("a bug in the UI")

    scanner = source.plug(HONEYWELL)
    reader = ScannerReader(ScannerConfig((BY_NAME,)), source, on_scan, connected_once.put)
    reader.start()
    try:
        connected_once.get(timeout=WAIT_S)
        scanner.send(Keyboard().type("1") + Keyboard().type("2"))
        assert [scans.get(timeout=WAIT_S), scans.get(timeout=WAIT_S)] == ["1", "2"]
    finally:
        reader.stop()


def test_stop_releases_the_device_and_cannot_be_restarted(till: Till, source: MemorySource) -> None:
    scanner = source.plug(HONEYWELL)
    reader = ScannerReader(ScannerConfig((BY_NAME,)), source, till.scans.put, till.statuses.put)
    reader.start()
    till.status()
    reader.stop()
    assert scanner.closed.is_set()
    assert not scanner.grabbed
    with pytest.raises(RuntimeError):
        reader.start()
