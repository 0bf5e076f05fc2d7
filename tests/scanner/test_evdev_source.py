"""The real evdev source: without /dev/input here, with a uinput virtual scanner where possible."""

from __future__ import annotations

import os
import queue
from collections.abc import Iterator
from pathlib import Path

import pytest
from evdev import UInput

from edge.scanner.config import DeviceMatcher, ScannerConfig
from edge.scanner.evdev_source import EvdevSource
from edge.scanner.model import InputUnavailable, Reason, ScanEvent, ScannerState, ScannerStatus
from edge.scanner.reader import ScannerReader
from tests.scanner.keystrokes import GS, Keyboard

WAIT_S = 5.0
UINPUT = "/dev/uinput"
VIRTUAL_IDS = (0xFEED, 0x5CA1)


def test_a_machine_without_dev_input_is_in_keyboard_mode(tmp_path: Path) -> None:
    missing = str(tmp_path / "input")
    with pytest.raises(InputUnavailable) as error:
        EvdevSource(missing).list_devices()
    assert error.value.reason == Reason.NO_INPUT

    scans: queue.Queue[ScanEvent] = queue.Queue()
    statuses: queue.Queue[ScannerStatus] = queue.Queue()
    matcher = DeviceMatcher(vendor_product=VIRTUAL_IDS)
    reader = ScannerReader(ScannerConfig((matcher,)), EvdevSource(missing), scans.put, statuses.put)
    reader.start()
    try:
        assert statuses.get(timeout=WAIT_S) == ScannerStatus(
            matcher.label,
            ScannerState.KEYBOARD_MODE,
            reason=Reason.NO_INPUT,
            detail=f"{missing} does not exist",
        )
    finally:
        reader.stop()


def test_an_empty_input_directory_lists_no_device(tmp_path: Path) -> None:
    assert EvdevSource(str(tmp_path)).list_devices() == []


def virtual_scanner() -> UInput:
    try:
        return UInput(name="Kassa virtual scanner", vendor=VIRTUAL_IDS[0], product=VIRTUAL_IDS[1])
    except OSError as exc:  # e.g. /dev/input/eventN made but not readable by this user
        pytest.skip(f"a uinput device was made but cannot be opened: {exc}")


@pytest.fixture
def till() -> Iterator[tuple[queue.Queue[ScanEvent], queue.Queue[ScannerStatus]]]:
    scans: queue.Queue[ScanEvent] = queue.Queue()
    statuses: queue.Queue[ScannerStatus] = queue.Queue()
    matcher = DeviceMatcher(vendor_product=VIRTUAL_IDS)
    reader = ScannerReader(
        ScannerConfig((matcher,), reconnect_s=0.1), EvdevSource(), scans.put, statuses.put
    )
    reader.start()
    yield scans, statuses
    reader.stop()


@pytest.mark.skipif(
    not os.access(UINPUT, os.W_OK),
    reason=f"{UINPUT} is missing or not writable (no uinput module, a container, or no "
    "permission), so no virtual scanner can be made",
)
def test_a_virtual_scanner_is_grabbed_read_unplugged_and_found_again(
    till: tuple[queue.Queue[ScanEvent], queue.Queue[ScannerStatus]],
) -> None:
    scans, statuses = till
    code = f"0104600000000017215abc:D{GS}93Ab1+"
    with virtual_scanner() as scanner:
        status = statuses.get(timeout=WAIT_S)
        while status.state is not ScannerState.CONNECTED:  # keyboard mode until it is seen
            status = statuses.get(timeout=WAIT_S)
        assert status.device is not None
        assert status.device.path == scanner.device.path
        with pytest.raises(OSError):  # grabbed by the reader: nobody else gets the keys
            scanner.device.grab()
        for event in Keyboard().type(code):
            scanner.write(event.type, event.code, event.value)
        assert scans.get(timeout=WAIT_S).text == code

    status = statuses.get(timeout=WAIT_S)
    assert (status.state, status.reason) == (ScannerState.DISCONNECTED, Reason.UNPLUGGED)

    with virtual_scanner() as scanner:
        assert statuses.get(timeout=WAIT_S).state is ScannerState.CONNECTED
        for event in Keyboard().type("4820000000017"):
            scanner.write(event.type, event.code, event.value)
        assert scans.get(timeout=WAIT_S).text == "4820000000017"
