"""Opening the configured printer, with failures turned into one clear exception."""

from __future__ import annotations

from escpos.escpos import Escpos
from escpos.exceptions import DeviceNotFoundError
from escpos.exceptions import Error as EscposError
from escpos.printer import CupsPrinter, Dummy, File, Network, Serial, Usb

from edge.printing.config import PrinterConfig, PrinterConfigError, network_address, usb_ids


class AppendingFile(File):  # type: ignore[misc]
    """A file printer that appends each job, so a demo file keeps every receipt.

    python-escpos' File opens with "wb", which would keep only the last receipt.
    For a device node such as /dev/usb/lp0 appending writes the same bytes.
    """

    def open(self, raise_not_found: bool = True) -> None:
        if self._device:
            self.close()
        try:
            self.device = open(self.devfile, "ab")  # noqa: SIM115 (closed by close())
        except OSError as exc:
            raise DeviceNotFoundError(f"Could not open the file {self.devfile}: {exc}") from exc


class PrinterUnavailable(OSError):
    """The printer cannot be reached: unplugged, switched off, wrong address or no driver."""


def open_printer(cfg: PrinterConfig) -> Escpos:
    """Open the printer ``cfg`` describes, so that a failure shows here and not mid-receipt.

    Raises PrinterUnavailable when the device cannot be opened, PrinterConfigError for a
    malformed target.
    """
    printer = _printer(cfg)
    try:
        printer.open()
    # pyusb raises NoBackendError, a ValueError, when libusb itself is missing.
    except (EscposError, OSError, ValueError) as exc:
        raise PrinterUnavailable(
            f"{cfg.kind} printer {cfg.target!r} cannot be opened: {exc}"
        ) from exc
    return printer


def _printer(cfg: PrinterConfig) -> Escpos:
    if cfg.kind == "file":
        return AppendingFile(cfg.target, profile=cfg.profile)
    if cfg.kind == "network":
        host, port = network_address(cfg.target)
        return Network(host, port, timeout=cfg.timeout_s, profile=cfg.profile)
    if cfg.kind == "usb":
        vendor, product = usb_ids(cfg.target)
        if not Usb.is_usable():
            raise PrinterUnavailable("a usb printer needs the pyusb package (pip install pyusb)")
        # pyusb counts the write timeout in milliseconds; 0 would wait forever.
        return Usb(vendor, product, timeout=round(cfg.timeout_s * 1000), profile=cfg.profile)
    if cfg.kind == "serial":
        if not Serial.is_usable():
            raise PrinterUnavailable(
                "a serial printer needs the pyserial package (pip install pyserial)"
            )
        return Serial(cfg.target, profile=cfg.profile)
    if cfg.kind == "cups":
        if not CupsPrinter.is_usable():
            raise PrinterUnavailable(
                "a cups printer needs the pycups package, which is built against the CUPS "
                "headers (apt install libcups2-dev, then pip install pycups)"
            )
        return CupsPrinter(cfg.target, profile=cfg.profile)
    if cfg.kind == "dummy":
        return Dummy(profile=cfg.profile)
    raise PrinterConfigError(f"printer kind {cfg.kind!r} is unknown")
