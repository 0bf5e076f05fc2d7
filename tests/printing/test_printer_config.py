"""Printer settings: defaults, normalisation, and errors that name the bad value."""

from __future__ import annotations

import pytest

from edge.printing.config import (
    PrinterConfig,
    PrinterConfigError,
    network_address,
    parse_printer_config,
    usb_ids,
)


def test_defaults_fit_an_80mm_printer_with_cp1251() -> None:
    cfg = parse_printer_config({"kind": "network", "target": "192.168.1.50:9100"})
    assert cfg == PrinterConfig(
        kind="network",
        target="192.168.1.50:9100",
        profile="default",
        code_page="CP1251",
        width=42,
        timeout_s=3.0,
    )


def test_all_settings_are_read_and_the_code_page_is_normalised() -> None:
    cfg = parse_printer_config(
        {
            "kind": "usb",
            "target": "0416:5011",
            "profile": "POS-5890",
            "code_page": "cp1251",
            "width": 32,
            "timeout_s": 2,
        }
    )
    assert cfg == PrinterConfig("usb", "0416:5011", "POS-5890", "CP1251", 32, 2.0)


def test_paper_check_is_off_unless_asked_and_only_for_printers_that_answer() -> None:
    assert not parse_printer_config({"kind": "usb", "target": "0416:5011"}).paper_check
    cfg = parse_printer_config({"kind": "network", "target": "p:9100", "paper_check": True})
    assert cfg.paper_check


def test_a_cups_queue_is_named_or_the_default_one() -> None:
    assert parse_printer_config({"kind": "cups", "target": "receipts"}).target == "receipts"
    assert parse_printer_config({"kind": "cups"}).target == ""


def test_dummy_needs_no_target() -> None:
    assert parse_printer_config({"kind": "dummy"}).kind == "dummy"


def test_targets_are_parsed() -> None:
    assert network_address("printer.local:9100") == ("printer.local", 9100)
    assert network_address("[::1]:9100") == ("::1", 9100)
    assert usb_ids("04b8:0202") == (0x04B8, 0x0202)


@pytest.mark.parametrize(
    ("settings", "named"),
    [
        ({"kind": "bluetooth", "target": "x"}, "'bluetooth'"),
        ({"target": "x"}, "kind ''"),
        ({"kind": "network", "target": "192.168.1.50"}, "'192.168.1.50'"),
        ({"kind": "network", "target": "printer:99999"}, "'printer:99999'"),
        ({"kind": "network", "target": ":9100"}, "':9100'"),
        ({"kind": "network", "target": 9100}, "9100"),
        ({"kind": "usb", "target": "04b8-0202"}, "'04b8-0202'"),
        ({"kind": "usb", "target": "zzzz:0202"}, "'zzzz:0202'"),
        ({"kind": "usb", "target": "04b8:12345"}, "'04b8:12345'"),
        ({"kind": "file", "target": ""}, "target is empty"),
        ({"kind": "serial", "target": "  "}, "target is empty"),
        ({"kind": "dummy", "width": 80}, "width 80"),
        ({"kind": "dummy", "width": 20}, "width 20"),
        ({"kind": "dummy", "width": "42"}, "width '42'"),
        ({"kind": "dummy", "width": True}, "width True"),
        ({"kind": "dummy", "timeout_s": 0}, "timeout_s 0"),
        ({"kind": "dummy", "timeout_s": "3"}, "timeout_s '3'"),
        ({"kind": "dummy", "profile": "NoSuchPrinter"}, "'NoSuchPrinter'"),
        ({"kind": "dummy", "code_page": "CP9999"}, "'CP9999'"),
        # POS-5890 knows CP866 and CP1251, not CP1125.
        ({"kind": "dummy", "profile": "POS-5890", "code_page": "CP1125"}, "'CP1125'"),
        # Listed in python-escpos's database, but it has no table to encode text with.
        ({"kind": "dummy", "code_page": "RK1048"}, "'RK1048'"),
        ({"kind": "dummy", "widht": 42}, "widht"),
        ({"kind": "usb", "target": "0416:5011", "paper_check": "yes"}, "paper_check 'yes'"),
        ({"kind": "file", "target": "/dev/usb/lp0", "paper_check": True}, "not file"),
    ],
)
def test_errors_name_the_bad_value(settings: dict[str, object], named: str) -> None:
    with pytest.raises(PrinterConfigError) as raised:
        parse_printer_config(settings)
    assert named in str(raised.value)
    assert isinstance(raised.value, ValueError)
