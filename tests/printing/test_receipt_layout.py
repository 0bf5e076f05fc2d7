"""The receipt's exact ESC/POS bytes, rendered on python-escpos's Dummy printer."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta, timezone, tzinfo

import pytest
from escpos.printer import Dummy

from edge.printing.receipt import open_cash_drawer, receipt_bytes, render_receipt
from kassa.domain.sale import ClosedSale, ReceiptLine

from .sales import RU_NAME, UK_NAME, make_sale

ESC_INIT = b"\x1b@"
ESC_T = b"\x1bt"  # select character code table, followed by the table number
CP1251_EPSON = ESC_T + bytes([46])
BOLD_ON, BOLD_OFF = b"\x1bE\x01", b"\x1bE\x00"
LEFT, CENTER = b"\x1ba\x00", b"\x1ba\x01"
CUT = b"\x1bd\x06\x1dV\x00"  # feed 6 lines, full cut


def cp1251(text: str) -> bytes:
    return text.encode("cp1251")


def render(
    sale: ClosedSale | None = None,
    *,
    language: str = "en",
    width: int = 42,
    store_name: str = "Kassa",
    currency_sign: str = "грн",
    profile: str = "default",
    tz: tzinfo | None = None,
) -> bytes:
    return receipt_bytes(
        sale or make_sale(),
        store_name=store_name,
        currency_sign=currency_sign,
        language=language,
        width=width,
        code_page="CP1251",
        profile=profile,
        tz=tz,
    )


def test_whole_58mm_receipt_is_byte_exact() -> None:
    expected = b"".join(
        [
            ESC_INIT,
            CP1251_EPSON,
            BOLD_ON + CENTER + b"Kassa\n",
            BOLD_OFF + LEFT + b"Receipt S1-T1-000042\n",
            b"                01.03.2025 10:05\n",
            b"-" * 32 + b"\n",
            cp1251(UK_NAME + "\n"),
            b"               2 x 45.50 = 91.00\n",
            cp1251(RU_NAME + "\n"),
            b"          0.375 x 200.00 = 75.00\n",
            b"-" * 32 + b"\n",
            BOLD_ON + cp1251("Total                 166.00 грн\n"),
            BOLD_OFF + cp1251("Cash                  200.00 грн\n"),
            cp1251("Change                 34.00 грн\n"),
            b"-" * 32 + b"\n",
            cp1251("Customer             Іваненко Ї.\n"),
            b"Points earned                166\n",
            b"Points balance               286\n",
            b"\n",
            CENTER + b"Thank you for your purchase!\n",
            # CODE128 by the printer: centred, height 64, module 2, HRI font A below.
            CENTER + b"\x1dh\x40\x1dw\x02\x1df\x00\x1dH\x02",
            b"\x1dkI\x0e{BS1-T1-000042",
            LEFT,
            CUT,
        ]
    )
    assert render(width=32) == expected


def test_code_page_is_selected_once_before_any_text() -> None:
    output = render()
    assert output.startswith(ESC_INIT + CP1251_EPSON)
    assert output.count(ESC_T) == 1


@pytest.mark.parametrize("language", ["uk", "ru"])
def test_ukrainian_and_russian_names_are_plain_cp1251(language: str) -> None:
    output = render(language=language)
    assert cp1251(UK_NAME + "\n") in output
    assert cp1251(RU_NAME + "\n") in output
    assert "і ї є ґ ё".encode("cp1251") == b"\xb3 \xbf \xba \xb4 \xb8"
    assert output.count(ESC_T) == 1


def test_totals_change_and_points_lines() -> None:
    output = render()
    assert BOLD_ON + cp1251("Total" + "166.00 грн".rjust(37) + "\n") in output
    assert cp1251("Cash" + "200.00 грн".rjust(38) + "\n") in output
    assert cp1251("Change" + "34.00 грн".rjust(36) + "\n") in output
    assert cp1251("Customer" + "Іваненко Ї.".rjust(34) + "\n") in output
    assert b"Points earned" + b"166".rjust(29) + b"\n" in output
    assert b"Points balance" + b"286".rjust(28) + b"\n" in output


def test_items_show_whole_and_weighted_quantities() -> None:
    output = render()
    assert b"2 x 45.50 = 91.00".rjust(42) + b"\n" in output
    assert b"0.375 x 200.00 = 75.00".rjust(42) + b"\n" in output


def test_no_customer_means_no_points_lines() -> None:
    output = render(make_sale(with_customer=False))
    assert b"Customer" not in output
    assert b"Points" not in output


def test_barcode_carries_the_receipt_number_and_the_cut_ends_the_job() -> None:
    output = render(make_sale(number="A7-2-000123"))
    data = b"{BA7-2-000123"
    assert b"\x1dkI" + bytes([len(data)]) + data in output
    assert output.endswith(CUT)


def test_store_time_zone_is_used_for_the_printed_time() -> None:
    output = render(tz=timezone(timedelta(hours=2)))
    assert b"01.03.2025 12:05\n" in output


def test_long_names_wrap_at_the_line_width() -> None:
    long_name = "Ковбаса докторська варена вищого ґатунку, вагова"
    line = ReceiptLine(1, "p", "1", long_name, 1000, 100, 100)
    output = render(replace(make_sale(), lines=(line,)), width=32)
    assert cp1251("Ковбаса докторська варена вищого\nґатунку, вагова\n") in output


def test_characters_missing_from_the_code_page_print_as_question_marks() -> None:
    output = render(store_name="Кава ₴")
    assert cp1251("Кава ?\n") in output
    assert output.count(ESC_T) == 1


def test_profile_decides_code_page_number_barcode_and_cut() -> None:
    output = render(profile="POS-5890", width=32)
    assert output.startswith(ESC_INIT + ESC_T + bytes([73]))
    # This 58 mm profile has neither CODE128 (GS k function B), QR codes (GS ( k) nor a
    # cutter: feed only.
    assert b"\x1dk" not in output
    assert b"\x1d(k" not in output
    assert output.endswith(LEFT + b"\x1bd\x06")


def test_same_printer_reselects_the_code_page_for_each_receipt() -> None:
    dummy = Dummy()
    for _ in range(2):
        render_receipt(
            dummy,
            make_sale(),
            store_name="Kassa",
            currency_sign="руб.",
            language="en",
            width=42,
            code_page="cp1251",
        )
    single = render(currency_sign="руб.")
    assert dummy.output == single * 2


def test_unusable_code_page_is_refused_before_printing() -> None:
    dummy = Dummy(profile="POS-5890")
    with pytest.raises(ValueError, match="CP1125"):
        render_receipt(
            dummy,
            make_sale(),
            store_name="Kassa",
            currency_sign="грн",
            language="en",
            width=32,
            code_page="CP1125",
        )
    assert dummy.output == b""


def test_rendering_prints_nothing_on_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    render()
    assert capsys.readouterr().out == ""


def test_cash_drawer_kick_on_pin_2() -> None:
    dummy = Dummy()
    open_cash_drawer(dummy)
    assert dummy.output == b"\x1bp\x00\x32\x32"
