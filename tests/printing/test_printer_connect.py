"""Opening real (file and TCP) printers and failing fast when they are not there."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import pytest
from escpos.escpos import Escpos
from escpos.printer import CupsPrinter, Dummy

from edge.printing.config import PrinterConfig
from edge.printing.connect import PrinterUnavailable, open_printer
from edge.printing.receipt import render_receipt

from .sales import make_sale


def print_on(printer: Escpos, width: int) -> None:
    render_receipt(
        printer,
        make_sale(),
        store_name="Kassa",
        currency_sign="грн",
        language="uk",
        width=width,
        code_page="CP1251",
    )
    printer.close()


def expected(width: int) -> bytes:
    dummy = Dummy()
    print_on(dummy, width)
    output: bytes = dummy.output
    return output


def test_file_printer_gets_the_same_bytes_as_the_dummy(tmp_path: Path) -> None:
    path = tmp_path / "lp0"
    printer = open_printer(PrinterConfig(kind="file", target=str(path)))
    print_on(printer, 42)
    assert path.read_bytes() == expected(42)


def test_file_printer_in_a_missing_directory_is_unavailable(tmp_path: Path) -> None:
    target = str(tmp_path / "missing" / "lp0")
    with pytest.raises(PrinterUnavailable, match="missing/lp0"):
        open_printer(PrinterConfig(kind="file", target=target))


def test_network_printer_gets_the_receipt_over_tcp() -> None:
    received = bytearray()
    with socket.create_server(("127.0.0.1", 0)) as server:

        def serve() -> None:
            connection, _ = server.accept()
            with connection:
                while chunk := connection.recv(4096):
                    received.extend(chunk)

        thread = threading.Thread(target=serve)
        thread.start()
        port = server.getsockname()[1]
        printer = open_printer(PrinterConfig(kind="network", target=f"127.0.0.1:{port}"))
        print_on(printer, 32)
        thread.join(timeout=5)
    assert bytes(received) == expected(32)


def test_network_printer_on_a_closed_port_fails_within_the_timeout() -> None:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    started = time.monotonic()
    with pytest.raises(PrinterUnavailable, match=f"127.0.0.1:{port}") as raised:
        open_printer(PrinterConfig(kind="network", target=f"127.0.0.1:{port}", timeout_s=1.0))
    assert time.monotonic() - started < 1.0
    assert isinstance(raised.value, OSError)


def test_usb_and_serial_printers_that_are_not_there_are_unavailable() -> None:
    with pytest.raises(PrinterUnavailable):
        open_printer(PrinterConfig(kind="usb", target="ffff:fffe"))
    with pytest.raises(PrinterUnavailable):
        open_printer(PrinterConfig(kind="serial", target="/nonexistent/ttyUSB9"))


@pytest.mark.skipif(CupsPrinter.is_usable(), reason="pycups is installed here")
def test_a_cups_printer_without_pycups_says_what_to_install() -> None:
    with pytest.raises(PrinterUnavailable, match="pycups"):
        open_printer(PrinterConfig(kind="cups", target="receipts"))


def test_dummy_printer_uses_the_configured_profile() -> None:
    printer = open_printer(PrinterConfig(kind="dummy", profile="POS-5890"))
    assert isinstance(printer, Dummy)
    assert printer.profile.get_code_pages()["CP1251"] == "73"
