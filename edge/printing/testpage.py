"""A test page for whoever installs a till: code page, line width and barcodes at a glance."""

from __future__ import annotations

from escpos.escpos import Escpos

from edge.printing.barcodes import print_barcode
from edge.printing.layout import Style, begin, big_line, lines, wrapped

#: Pangrams: every letter of each alphabet, so a missing one shows as "?".
RUSSIAN_SAMPLE = "Русский: Съешь же ещё этих мягких французских булок, да выпей же чаю."
UKRAINIAN_SAMPLE = "Українська: Чуєш їх, доцю, га? Кумедна ж ти, прощайся без ґольфів!"
CURRENCIES_SAMPLE = "123.45 грн / 123.45 руб."
SAMPLE_EAN13 = "4820000000017"
SAMPLE_CODE128 = "KASSA-TEST"


def render_test_page(printer: Escpos, style: Style, *, profile: str) -> None:
    """Print the settings, a ruler as wide as the line, Russian and Ukrainian text, barcodes.

    Nothing on it depends on a store. Raises ValueError before printing when the
    profile lacks the code page.
    """
    _ = style.gettext
    width = style.width
    begin(printer, style)
    printer.set(align="center", bold=True)
    big_line(printer, _("Test page"), width)
    printer.set(align="left", bold=False)
    settings = _("Profile {profile}, code page {code_page}, {width} characters").format(
        profile=profile, code_page=style.code_page.upper(), width=width
    )
    lines(printer, wrapped(settings, width))
    printer.textln(("1234567890" * (width // 10 + 1))[:width])
    for sample in (RUSSIAN_SAMPLE, UKRAINIAN_SAMPLE, CURRENCIES_SAMPLE):
        lines(printer, wrapped(sample, width))
    printer.ln()
    print_barcode(printer, SAMPLE_EAN13, width)
    printer.ln()
    print_barcode(printer, SAMPLE_CODE128, width)
    printer.set(align="left")
    printer.cut()
