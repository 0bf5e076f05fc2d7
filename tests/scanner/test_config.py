"""Scanner settings: defaults, device matchers, and errors that name the bad key and value."""

from __future__ import annotations

import pytest

from edge.scanner.config import (
    DeviceMatcher,
    ScannerConfig,
    ScannerConfigError,
    parse_scanner_config,
)
from edge.scanner.model import DeviceInfo

BY_ID = "/dev/input/by-id/usb-Honeywell_Imaging___Mobility_1900-event-kbd"
HONEYWELL = DeviceInfo(
    "/dev/input/event5", "Honeywell Imaging & Mobility 1900", 0x0C2E, 0x0B61, (BY_ID,)
)


def test_defaults_read_no_scanner_and_end_codes_at_enter_or_tab() -> None:
    assert parse_scanner_config({}) == ScannerConfig(
        devices=(),
        terminators=frozenset({"enter", "tab"}),
        timeout_ms=100,
        grab=True,
        reconnect_s=1.0,
    )


def test_all_settings_are_read() -> None:
    cfg = parse_scanner_config(
        {
            "devices": [
                {"name": "Honeywell Imaging & Mobility 1900"},
                {"vendor_product": "0C2E:0b61"},
                {"path": BY_ID},
                {"name": "Datalogic", "vendor_product": "05f9:2206"},
            ],
            "terminators": ["tab"],
            "timeout_ms": 60,
            "grab": False,
            "reconnect_s": 2,
        }
    )
    assert cfg == ScannerConfig(
        devices=(
            DeviceMatcher(name="Honeywell Imaging & Mobility 1900"),
            DeviceMatcher(vendor_product=(0x0C2E, 0x0B61)),
            DeviceMatcher(path=BY_ID),
            DeviceMatcher(name="Datalogic", vendor_product=(0x05F9, 0x2206)),
        ),
        terminators=frozenset({"tab"}),
        timeout_ms=60,
        grab=False,
        reconnect_s=2.0,
    )


def test_matchers_match_by_name_ids_or_stable_link_and_all_given_criteria() -> None:
    assert DeviceMatcher(name=HONEYWELL.name).matches(HONEYWELL)
    assert not DeviceMatcher(name="Honeywell").matches(HONEYWELL)
    assert DeviceMatcher(vendor_product=(0x0C2E, 0x0B61)).matches(HONEYWELL)
    assert not DeviceMatcher(vendor_product=(0x0C2E, 0x0B62)).matches(HONEYWELL)
    assert DeviceMatcher(path=BY_ID).matches(HONEYWELL)
    assert DeviceMatcher(path="/dev/input/event5").matches(HONEYWELL)
    assert not DeviceMatcher(path="/dev/input/by-id/usb-other-event-kbd").matches(HONEYWELL)
    assert not DeviceMatcher(name=HONEYWELL.name, vendor_product=(1, 2)).matches(HONEYWELL)


def test_matcher_labels_show_what_was_configured() -> None:
    assert DeviceMatcher(vendor_product=(0x0C2E, 0x0B61)).label == "0c2e:0b61"
    assert DeviceMatcher(name="Zebra", path=BY_ID).label == f"'Zebra' {BY_ID}"


@pytest.mark.parametrize(
    ("settings", "named"),
    [
        ({"device": []}, "device"),
        ({"devices": {"name": "x"}}, "devices {'name': 'x'}"),
        ({"devices": ["Honeywell"]}, "devices[0] 'Honeywell'"),
        ({"devices": [{}]}, "devices[0] is empty"),
        ({"devices": [{"name": "a"}, {"vendor": "0c2e"}]}, "devices[1]: unknown key(s) vendor"),
        ({"devices": [{"name": ""}]}, "devices[0] name ''"),
        ({"devices": [{"name": 5}]}, "devices[0] name 5"),
        ({"devices": [{"vendor_product": "0c2e-0b61"}]}, "vendor_product '0c2e-0b61'"),
        ({"devices": [{"vendor_product": "c2e:b61"}]}, "vendor_product 'c2e:b61'"),
        ({"devices": [{"path": "event5"}]}, "path 'event5'"),
        ({"terminators": ["newline"]}, "terminators ['newline']"),
        ({"terminators": "enter"}, "terminators 'enter'"),
        ({"timeout_ms": 0}, "timeout_ms 0"),
        ({"timeout_ms": 5000}, "timeout_ms 5000"),
        ({"timeout_ms": True}, "timeout_ms True"),
        ({"timeout_ms": 50.5}, "timeout_ms 50.5"),
        ({"grab": "yes"}, "grab 'yes'"),
        ({"reconnect_s": 0}, "reconnect_s 0"),
        ({"reconnect_s": "1"}, "reconnect_s '1'"),
    ],
)
def test_errors_name_the_bad_key_and_value(settings: dict[str, object], named: str) -> None:
    with pytest.raises(ScannerConfigError) as error:
        parse_scanner_config(settings)
    assert named in str(error.value)
