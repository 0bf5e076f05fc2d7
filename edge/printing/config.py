"""Which receipt printer a till uses and how to talk to it, checked before any printing."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from escpos.capabilities import CAPABILITIES, get_profile_class

PrinterKind = Literal["file", "network", "usb", "serial", "cups", "dummy"]
KINDS: tuple[PrinterKind, ...] = ("file", "network", "usb", "serial", "cups", "dummy")
WIDTH_RANGE = range(24, 65)
_USB_ID = re.compile(r"^([0-9a-fA-F]{1,4}):([0-9a-fA-F]{1,4})$")
#: Code pages python-escpos can encode text in (some in its database are names only).
TEXT_ENCODINGS = frozenset(
    name
    for name, encoding in CAPABILITIES["encodings"].items()
    if "python_encode" in encoding or "data" in encoding
)


class PrinterConfigError(ValueError):
    """The printer settings are wrong; the message names the bad key and value."""


@dataclass(frozen=True)
class PrinterConfig:
    """A receipt printer: how it is connected and what it can print.

    ``target`` depends on ``kind``: a file path ("file"), "host:port" ("network"),
    "vendor:product" in hex such as "04b8:0202" ("usb"), a device path ("serial"),
    a raw CUPS queue's name, empty for the default one ("cups"), nothing ("dummy").
    ``width`` is characters per line: 42 for 80 mm, 32 for 58 mm.
    ``paper_check`` asks the printer for its paper sensor (DLE EOT 4) before each job,
    so a job waits while the roll is out; only for printers that answer status
    queries (usb, serial, network).
    """

    kind: PrinterKind
    target: str = ""
    profile: str = "default"
    code_page: str = "CP1251"
    width: int = 42
    timeout_s: float = 3.0
    paper_check: bool = False


def parse_printer_config(mapping: Mapping[str, object]) -> PrinterConfig:
    """Build a PrinterConfig from settings (e.g. a TOML table); raise PrinterConfigError."""
    unknown = sorted(set(mapping) - set(PrinterConfig.__dataclass_fields__))
    if unknown:
        raise PrinterConfigError(f"unknown printer setting(s): {', '.join(unknown)}")
    kind = _text(mapping, "kind", "")
    if kind not in KINDS:
        raise PrinterConfigError(f"printer kind {kind!r} is unknown; expected one of {KINDS}")
    target = _text(mapping, "target", "")
    if kind == "network":
        network_address(target)
    elif kind == "usb":
        usb_ids(target)
    elif kind in ("file", "serial") and not target.strip():
        raise PrinterConfigError(f"printer target is empty; a {kind} printer needs a path")
    profile = _text(mapping, "profile", "default")
    code_page = _text(mapping, "code_page", "CP1251").upper()
    if code_page not in profile_code_pages(profile):
        raise PrinterConfigError(
            f"code page {code_page!r} is unknown to printer profile {profile!r}; "
            f"it knows {', '.join(sorted(profile_code_pages(profile)))}"
        )
    width = mapping.get("width", 42)
    if not isinstance(width, int) or isinstance(width, bool) or width not in WIDTH_RANGE:
        raise PrinterConfigError(
            f"printer width {width!r} must be a whole number of characters from "
            f"{WIDTH_RANGE.start} to {WIDTH_RANGE.stop - 1} (42 for 80 mm, 32 for 58 mm)"
        )
    timeout_s = mapping.get("timeout_s", 3.0)
    if not isinstance(timeout_s, int | float) or isinstance(timeout_s, bool) or timeout_s <= 0:
        raise PrinterConfigError(f"printer timeout_s {timeout_s!r} must be a positive number")
    paper_check = mapping.get("paper_check", False)
    if not isinstance(paper_check, bool):
        raise PrinterConfigError(f"printer paper_check {paper_check!r} must be true or false")
    if paper_check and kind not in ("usb", "serial", "network"):
        raise PrinterConfigError(
            f"printer paper_check needs a usb, serial or network printer, not {kind}"
        )
    return PrinterConfig(
        kind=kind,
        target=target,
        profile=profile,
        code_page=code_page,
        width=width,
        timeout_s=float(timeout_s),
        paper_check=paper_check,
    )


def network_address(target: str) -> tuple[str, int]:
    """Split "host:port" (IPv6 as "[::1]:9100") into host and port."""
    host, _, port = target.rpartition(":")
    host = host.removeprefix("[").removesuffix("]")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise PrinterConfigError(
            f"network printer target {target!r} must be host:port, e.g. 192.168.1.50:9100"
        )
    return host, int(port)


def usb_ids(target: str) -> tuple[int, int]:
    """Parse "vendor:product" hex ids such as "04b8:0202"."""
    match = _USB_ID.match(target.strip())
    if match is None:
        raise PrinterConfigError(
            f"usb printer target {target!r} must be vendor:product in hex, e.g. 04b8:0202"
        )
    return int(match[1], 16), int(match[2], 16)


def profile_code_pages(profile: str) -> dict[str, int]:
    """Code pages a python-escpos printer profile can print text in: name -> ESC t number."""
    try:
        profile_class = get_profile_class(profile)
    except KeyError:
        raise PrinterConfigError(
            f"printer profile {profile!r} is unknown to python-escpos "
            "(e.g. 'default', 'TM-T20II', 'POS-5890')"
        ) from None
    return {
        name: int(number)
        for name, number in profile_class().get_code_pages().items()
        if name in TEXT_ENCODINGS
    }


def _text(mapping: Mapping[str, object], key: str, default: str) -> str:
    value = mapping.get(key, default)
    if not isinstance(value, str):
        raise PrinterConfigError(f"printer {key} {value!r} must be text")
    return value
