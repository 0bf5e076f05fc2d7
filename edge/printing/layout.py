"""What every printed document shares: job start in one code page, columns, sizes, bytes."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from escpos.escpos import Escpos
from escpos.printer import Dummy

from edge.i18n import translations
from edge.printing.config import TEXT_ENCODINGS
from kassa.domain.money import format_amount


@dataclass(frozen=True)
class Style:
    """How a document is printed: language, paper width in characters, code page, money.

    ``tz`` is the store's time zone for printed times (None: as the datetimes carry it).
    """

    language: str
    width: int
    code_page: str
    currency_sign: str = ""
    tz: tzinfo | None = None

    def gettext(self, message: str) -> str:
        return translations(self.language).gettext(message)

    def money(self, minor: int) -> str:
        return f"{format_amount(minor)} {self.currency_sign}".rstrip()

    def signed(self, minor: int) -> str:
        """Money with its sign always shown: "+0.03 грн", "-0.02 грн"."""
        return ("+" if minor > 0 else "") + self.money(minor)

    def time(self, moment: datetime) -> str:
        return f"{self.local(moment):%d.%m.%Y %H:%M}"

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.tz) if self.tz is not None else moment


def begin(printer: Escpos, style: Style, *, copy: bool = False) -> None:
    """Start a job: reset the printer and select the code page once (ESC t) for all text.

    Text is then encoded whole in that page and never switches mid-word; characters
    it lacks print as "?". A ``copy`` (a job that may already have printed) says so
    first, large. Raises ValueError before sending anything when the printer profile
    lacks the code page.
    """
    _ = style.gettext
    code_page = style.code_page.upper()
    if code_page not in TEXT_ENCODINGS or code_page not in printer.profile.get_code_pages():
        raise ValueError(f"code page {code_page!r} is not available on this printer profile")
    printer.hw("INIT")
    # ESC @ resets the printer's code page, so make python-escpos forget the one it
    # believes is active; charcode() then always sends ESC t and fixes the encoding.
    printer.magic.encoding = None
    printer.charcode(code_page)
    if copy:
        printer.set(align="center", bold=True)
        big_line(printer, _("COPY"), style.width)
        printer.set(align="left", bold=False)


def big_line(printer: Escpos, text: str, width: int) -> None:
    """One line in double width and height (GS !), or normal size if it would not fit."""
    if len(text) * 2 > width:
        printer.textln(text)
        return
    printer.set(custom_size=True, width=2, height=2)
    printer.textln(text)
    printer.set(custom_size=True, width=1, height=1)


def columns(left: str, right: str, width: int) -> list[str]:
    """``left`` and ``right`` on one line of ``width``, or on two when they do not fit."""
    if len(left) + 1 + len(right) <= width:
        return [left + right.rjust(width - len(left))]
    return [left, right.rjust(width)]


def wrapped(text: str, width: int) -> list[str]:
    """``text`` wrapped at ``width`` characters; an empty text is one empty line."""
    return textwrap.wrap(text, width) or [""]


def quantity(milli: int) -> str:
    """Whole quantities as "2", weighted ones with three decimals as "0.375"."""
    sign = "-" if milli < 0 else ""
    units, rest = divmod(abs(milli), 1000)
    return f"{sign}{units}" if rest == 0 else f"{sign}{units}.{rest:03d}"


def percent(basis_points: int) -> str:
    """A percentage in basis points as printed: 2000 as "20%", 1250 as "12.5%"."""
    whole, rest = divmod(basis_points, 100)
    return f"{whole}%" if rest == 0 else f"{whole}.{rest:02d}".rstrip("0") + "%"


def lines(printer: Escpos, texts: list[str]) -> None:
    for text in texts:
        printer.textln(text)


def rendered(profile: str, draw: Callable[[Escpos], Any]) -> bytes:
    """The exact bytes ``draw`` sends to a printer with python-escpos ``profile``."""
    dummy = Dummy(profile=profile)
    draw(dummy)
    output: bytes = dummy.output
    return output
