"""Reads the configured scanners in the background and reports scans and scanner states.

One thread per configured scanner rather than one select loop: the device interface
stays a plain blocking ``read(timeout)`` that an in-memory source implements without file
descriptors, a device that hangs in open or grab cannot delay the others, and a till has
one to three scanners, so the threads cost nothing. Each thread finds its device, grabs
it, reads it, and after an unplug polls the source again every ``reconnect_s``.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TypeVar

from edge.scanner.config import DeviceMatcher, ScannerConfig
from edge.scanner.decoder import ScanDecoder
from edge.scanner.model import (
    InputUnavailable,
    Reason,
    ScanEvent,
    ScannerState,
    ScannerStatus,
)
from edge.scanner.source import Device, DeviceSource

log = logging.getLogger(__name__)
T = TypeVar("T")

#: Longest a thread waits in one read, so that stop() is noticed promptly.
_TICK_S = 0.2


class ScannerReader:
    """Delivers scans to ``on_scan`` and state changes to ``on_status``.

    Both callbacks run on the reader's threads: hand the value over to the UI thread
    (Textual's ``post_message`` is thread-safe) and return at once. A callback that
    raises is logged and does not stop the reader. Statuses are reported on change only.
    """

    def __init__(
        self,
        config: ScannerConfig,
        source: DeviceSource,
        on_scan: Callable[[ScanEvent], None],
        on_status: Callable[[ScannerStatus], None],
    ) -> None:
        self._config = config
        self._source = source
        self._on_scan = on_scan
        self._on_status = on_status
        self._stopping = threading.Event()
        self._claim_lock = threading.Lock()
        self._claimed: set[str] = set()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        """Start one thread per configured scanner (none, and keyboard mode, if none)."""
        if self._threads or self._stopping.is_set():
            raise RuntimeError("a ScannerReader can be started once")
        if not self._config.devices:
            self._call(
                self._on_status,
                ScannerStatus("", ScannerState.KEYBOARD_MODE, reason=Reason.NOT_CONFIGURED),
            )
        for matcher in self._config.devices:
            thread = threading.Thread(
                target=self._watch, args=(matcher,), name=f"scanner {matcher.label}", daemon=True
            )
            self._threads.append(thread)
            thread.start()

    def stop(self, timeout_s: float = 2.0) -> None:
        """Stop reading, release every grabbed device and wait for the threads."""
        self._stopping.set()
        for thread in self._threads:
            thread.join(timeout_s)

    def _watch(self, matcher: DeviceMatcher) -> None:
        last: ScannerStatus | None = None
        ever_connected = False

        def report(status: ScannerStatus) -> None:
            nonlocal last
            if status != last:
                last = status
                self._call(self._on_status, status)

        while not self._stopping.is_set():
            device = self._connect(matcher)
            if isinstance(device, ScannerStatus):
                # Once a scanner was connected it stays "disconnected" until it is back.
                if not ever_connected:
                    report(device)
                self._stopping.wait(self._config.reconnect_s)
                continue
            ever_connected = True
            report(ScannerStatus(matcher.label, ScannerState.CONNECTED, device.info))
            try:
                self._read(matcher.label, device)
            except OSError as exc:  # errno 19 (ENODEV) on unplug; the partial code is dropped
                report(
                    ScannerStatus(
                        matcher.label,
                        ScannerState.DISCONNECTED,
                        device.info,
                        Reason.UNPLUGGED,
                        str(exc),
                    )
                )
            finally:
                device.close()
                self._release(device.info.path)

    def _connect(self, matcher: DeviceMatcher) -> Device | ScannerStatus:
        """Open the first free device ``matcher`` picks, or say why there is none."""

        def keyboard_mode(reason: Reason, detail: str) -> ScannerStatus:
            return ScannerStatus(
                matcher.label, ScannerState.KEYBOARD_MODE, reason=reason, detail=detail
            )

        try:
            present = self._source.list_devices()
        except InputUnavailable as exc:
            return keyboard_mode(exc.reason, exc.detail)
        failure = keyboard_mode(
            Reason.NOT_FOUND, f"no free keyboard-like device matches {matcher.label}"
        )
        for info in sorted(present, key=lambda info: info.path):
            if not (info.keyboard and matcher.matches(info) and self._claim(info.path)):
                continue
            try:
                return self._source.open(info, self._config.grab)
            except OSError as exc:
                self._release(info.path)
                failure = keyboard_mode(Reason.OPEN_FAILED, f"{info.path}: {exc}")
        return failure

    def _read(self, label: str, device: Device) -> None:
        decoder = ScanDecoder(self._config.terminators, self._config.timeout_ms / 1000)
        while not self._stopping.is_set():
            deadline = decoder.deadline()
            # Kernel event times are CLOCK_REALTIME, hence time.time() for the deadline.
            wait = _TICK_S if deadline is None else min(_TICK_S, deadline - time.time())
            events = device.read(max(wait, 0.0))
            if events:
                codes = [decoder.feed(event) for event in events]
            else:
                codes = [decoder.expire(time.time())]
            for code in codes:
                if code is not None:
                    self._call(
                        self._on_scan, ScanEvent(code.text, label, device.info, code.terminated)
                    )

    def _claim(self, path: str) -> bool:
        """Reserve ``path`` for one thread, so two matchers never share a device."""
        with self._claim_lock:
            if path in self._claimed:
                return False
            self._claimed.add(path)
            return True

    def _release(self, path: str) -> None:
        with self._claim_lock:
            self._claimed.discard(path)

    @staticmethod
    def _call(callback: Callable[[T], None], value: T) -> None:
        try:
            callback(value)
        except Exception:
            log.exception("scanner callback %r failed on %r", callback, value)
