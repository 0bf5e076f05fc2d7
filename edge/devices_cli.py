"""`edge devices --config FILE`: input devices, the configured printer and a test page.

The person installing a till sees in one command what works: the input devices the
till can read (name, vendor:product, stable /dev/input/by-id path) and which configured
scanner takes each, then the printer, and a test page that shows whether Russian,
Ukrainian and both kinds of barcode print correctly. Output is English, like the
other installer commands; the test page is in the till's language.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol, TextIO

from escpos.capabilities import get_profile

from edge.config import ConfigError, TillConfig, load_config
from edge.printing.config import PrinterConfig, profile_code_pages
from edge.printing.connect import open_printer
from edge.printing.layout import Style
from edge.printing.testpage import render_test_page
from edge.scanner.config import ScannerConfig
from edge.scanner.model import DeviceInfo, InputUnavailable


class DeviceLister(Protocol):
    def list_devices(self) -> Sequence[DeviceInfo]:
        """The readable input devices; raises InputUnavailable when none can be read."""
        ...


def main(argv: list[str] | None = None) -> int:
    """Run `edge devices`; 0 when the test page went out (or was not asked for)."""
    parser = argparse.ArgumentParser(
        prog="edge devices", description="List input devices and the printer; print a test page."
    )
    parser.add_argument("--config", required=True, help="till configuration file (TOML)")
    parser.add_argument(
        "--no-test-page", action="store_true", help="list only, do not print a test page"
    )
    args = parser.parse_args(argv)
    try:
        config = load_config(Path(args.config))
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    report_input_devices(sys.stdout, config.scanner, _evdev_source())
    print(f"Printer: {describe_printer(config.printer)}")
    if args.no_test_page:
        return 0
    return print_test_page(config, sys.stdout)


def report_input_devices(out: TextIO, scanners: ScannerConfig, source: DeviceLister | None) -> None:
    """Write the readable input devices and the scanner each is taken as, or why none."""
    if source is None:
        print("Input devices: python-evdev is not installed (it is Linux only)", file=out)
        return
    try:
        devices = source.list_devices()
    except InputUnavailable as exc:
        print(f"Input devices: {exc.detail}; scanners can only type as keyboards", file=out)
        return
    if not devices:
        print("Input devices: none", file=out)
    else:
        print("Input devices:", file=out)
    for device in devices:
        by_id = [link for link in device.links if "/by-id/" in link]
        taken = [m.label for m in scanners.devices if m.matches(device)]
        print(
            f"  {device.path}  {device.vendor:04x}:{device.product:04x}  {device.name!r}  "
            f"{by_id[0] if by_id else '(no by-id link)'}"
            f"{'' if device.keyboard else '  (no digit keys)'}"
            f"{'  <- scanner ' + ', '.join(taken) if taken else ''}",
            file=out,
        )
    for matcher in scanners.devices:
        if not any(matcher.matches(device) for device in devices):
            print(f"  scanner {matcher.label}: no device matches", file=out)


def describe_printer(cfg: PrinterConfig) -> str:
    """One line with everything about the configured printer."""
    table = profile_code_pages(cfg.profile)[cfg.code_page]
    where = cfg.target or ("(default queue)" if cfg.kind == "cups" else "")
    barcodes = get_profile(cfg.profile).supports("barcodeB")
    return (
        f"{cfg.kind}{' ' + where if where else ''}, profile {cfg.profile}, "
        f"code page {cfg.code_page} (ESC t {table}), {cfg.width} characters per line, "
        f"barcodes {'by the printer' if barcodes else 'as text (the profile has none)'}, "
        f"timeout {cfg.timeout_s:g} s, paper check {'on' if cfg.paper_check else 'off'}"
    )


def print_test_page(config: TillConfig, out: TextIO) -> int:
    """Print the test page on the configured printer; 0 when it went out, else 1."""
    cfg = config.printer
    style = Style(config.language, cfg.width, cfg.code_page)
    try:
        printer = open_printer(cfg)
        try:
            render_test_page(printer, style, profile=cfg.profile)
        finally:
            printer.close()
    # Any failure of the device layer is the answer this command exists to give.
    except Exception as exc:
        print(f"Test page: NOT printed: {' '.join(str(exc).split())}", file=out)
        return 1
    if cfg.kind == "dummy":
        print("Test page: rendered for the dummy printer (nothing comes out)", file=out)
    else:
        print("Test page: sent; check both alphabets and both barcodes on it", file=out)
    return 0


def _evdev_source() -> DeviceLister | None:
    try:
        from edge.scanner.evdev_source import EvdevSource
    except ImportError:
        return None
    return EvdevSource()
