"""`edge devices`: what an installer sees about input devices, the printer and the test page."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from edge.devices_cli import describe_printer, main, report_input_devices
from edge.printing.config import PrinterConfig
from edge.printing.testpage import RUSSIAN_SAMPLE, SAMPLE_CODE128, SAMPLE_EAN13
from edge.scanner.config import DeviceMatcher, ScannerConfig
from edge.scanner.model import DeviceInfo, InputUnavailable, Reason

from .escpos_parser import parse
from .fake_printers import refused_port

SCANNER = DeviceInfo(
    "/dev/input/event5",
    "Honeywell 1900",
    0x0C2E,
    0x0B61,
    ("/dev/input/by-id/usb-Honeywell_1900-event-kbd", "/dev/input/by-path/pci-0-usb-0:1"),
)
MOUSE = DeviceInfo("/dev/input/event2", "Logitech Mouse", 0x046D, 0xC077, (), keyboard=False)


class Lister:
    def __init__(self, devices: list[DeviceInfo] | InputUnavailable) -> None:
        self.devices = devices

    def list_devices(self) -> list[DeviceInfo]:
        if isinstance(self.devices, InputUnavailable):
            raise self.devices
        return self.devices


def config_file(tmp_path: Path, printer: str) -> Path:
    path = tmp_path / "edge.toml"
    path.write_text(
        f"""
[till]
id = "t1"
store_id = "s1"
language = "uk"
data_dir = "data"

[central]
address = "127.0.0.1:1"
token = "x"

[printer]
{printer}

[scanner]
devices = [{{ vendor_product = "0c2e:0b61" }}]
""",
        encoding="utf-8",
    )
    return path


def test_devices_show_ids_by_id_link_and_the_scanner_that_takes_them() -> None:
    scanners = ScannerConfig(
        devices=(DeviceMatcher(vendor_product=(0x0C2E, 0x0B61)), DeviceMatcher(name="Zebra"))
    )
    out = io.StringIO()
    report_input_devices(out, scanners, Lister([MOUSE, SCANNER]))
    assert out.getvalue().splitlines() == [
        "Input devices:",
        "  /dev/input/event2  046d:c077  'Logitech Mouse'  (no by-id link)  (no digit keys)",
        "  /dev/input/event5  0c2e:0b61  'Honeywell 1900'  "
        "/dev/input/by-id/usb-Honeywell_1900-event-kbd  <- scanner 0c2e:0b61",
        "  scanner 'Zebra': no device matches",
    ]


@pytest.mark.parametrize(
    ("lister", "said"),
    [
        (
            Lister(InputUnavailable(Reason.NO_ACCESS, "none of the 4 devices is readable")),
            "Input devices: none of the 4 devices is readable; scanners can only type as keyboards",
        ),
        (Lister([]), "Input devices: none"),
        (None, "Input devices: python-evdev is not installed (it is Linux only)"),
    ],
)
def test_no_readable_device_says_why(lister: Lister | None, said: str) -> None:
    out = io.StringIO()
    report_input_devices(out, ScannerConfig(), lister)
    assert out.getvalue().splitlines()[0] == said


def test_the_printer_line_says_everything_configured() -> None:
    cfg = PrinterConfig("network", "192.168.1.50:9100", "TM-T20II", "CP1125", 42, 2.5, True)
    assert describe_printer(cfg) == (
        "network 192.168.1.50:9100, profile TM-T20II, code page CP1125 (ESC t 44), "
        "42 characters per line, barcodes by the printer, timeout 2.5 s, paper check on"
    )
    assert describe_printer(PrinterConfig("dummy", profile="POS-5890", width=32)) == (
        "dummy, profile POS-5890, code page CP1251 (ESC t 73), 32 characters per line, "
        "barcodes as text (the profile has none), timeout 3 s, paper check off"
    )


def test_the_test_page_goes_to_the_configured_printer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lp0 = tmp_path / "lp0"
    config = config_file(tmp_path, f'kind = "file"\ntarget = "{lp0}"\nwidth = 32')
    assert main(["--config", str(config)]) == 0
    out = capsys.readouterr().out
    assert f"Printer: file {lp0}, profile default, code page CP1251 (ESC t 46)" in out
    assert "Test page: sent" in out
    printout = parse(lp0.read_bytes())
    assert printout.lines[0] == "Тестова сторінка"
    assert RUSSIAN_SAMPLE in " ".join(printout.lines)
    assert [b.data for b in printout.barcodes] == [SAMPLE_EAN13, SAMPLE_CODE128]


def test_a_printer_that_cannot_be_reached_is_reported_and_fails_the_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    port = refused_port()
    config = config_file(tmp_path, f'kind = "network"\ntarget = "127.0.0.1:{port}"')
    assert main(["--config", str(config)]) == 1
    assert "Test page: NOT printed: network printer" in capsys.readouterr().out


def test_listing_only_prints_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lp0 = tmp_path / "lp0"
    config = config_file(tmp_path, f'kind = "file"\ntarget = "{lp0}"')
    assert main(["--config", str(config), "--no-test-page"]) == 0
    assert not lp0.exists()
    assert capsys.readouterr().out.startswith("Input devices:")


def test_a_bad_config_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = config_file(tmp_path, 'kind = "bluetooth"')
    assert main(["--config", str(config)]) == 2
    assert "'bluetooth'" in capsys.readouterr().err
