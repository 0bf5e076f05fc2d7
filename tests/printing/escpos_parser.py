"""An ESC/POS reader for tests: decodes the bytes a printer would get back into what it prints.

Written from the printer manuals, independently of python-escpos: it tracks the code
page (ESC t; ESC @ resets it to table 0), the text style, barcode settings, and reads
GS k barcodes in both forms (function A: ``GS k m data NUL``, function B:
``GS k m n data``) and QR codes (``GS ( k pL pH cn fn ...`` with cn 49: functions 165
model, 167 module size, 169 error correction, 180 store the data, 181 print it). Any
command it does not know, or one a printer would ignore (alignment, a barcode or a QR
code in the middle of a line), raises ParseError: the layouts may only send what we
have checked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NoReturn

#: ESC t table numbers -> Python codecs, per printer family (from their manuals).
EPSON_TABLES = {0: "cp437", 17: "cp866", 44: "cp1125", 46: "cp1251"}
POS58_TABLES = {0: "cp437", 59: "cp866", 73: "cp1251"}  # "POS-5890" clones

_FUNCTION_A = {0: "UPC-A", 1: "UPC-E", 2: "EAN13", 3: "EAN8", 4: "CODE39", 5: "ITF", 6: "CODABAR"}
_FUNCTION_B = {65 + m: name for m, name in _FUNCTION_A.items()} | {72: "CODE93", 73: "CODE128"}
#: QR byte-mode capacity per error correction level, versions 1-10 (ISO/IEC 18004 table 7).
_QR_CAPACITY = {
    "L": (17, 32, 53, 78, 106, 134, 154, 192, 230, 271),
    "M": (14, 26, 42, 62, 84, 106, 122, 152, 180, 213),
    "Q": (11, 20, 32, 46, 60, 74, 86, 108, 130, 151),
    "H": (7, 14, 24, 34, 44, 58, 64, 84, 98, 119),
}
_ALIGN = {0: "left", 1: "center", 2: "right", 48: "left", 49: "center", 50: "right"}


class ParseError(ValueError):
    """The bytes hold something our layouts must not send."""


@dataclass(frozen=True)
class Line:
    """One printed line of text, with the style it printed in."""

    text: str
    align: str
    bold: bool
    underline: int
    scale: tuple[int, int]  # width and height multipliers

    @property
    def cells(self) -> int:
        """Columns of normal-size characters the line takes."""
        return len(self.text) * self.scale[0]


@dataclass(frozen=True)
class Barcode:
    symbology: str
    data: str  # what a scanner reads: CODE128 code-set prefixes removed
    function: str  # "A" or "B"
    module: int
    height: int
    hri: int  # 0 none, 1 above, 2 below, 3 both
    align: str

    @property
    def bar_modules(self) -> int:
        """Width of the bars in modules, quiet zones not counted."""
        if self.symbology == "EAN13":
            return 95
        if self.symbology == "CODE128":  # start, data, check: 11 each; stop: 13
            return 11 * (len(self.data) + 2) + 13
        raise NotImplementedError(self.symbology)


@dataclass(frozen=True)
class QrCode:
    data: str  # what a scanner reads
    model: int  # 1, 2, or 3 for Micro QR
    module: int  # dots per module
    ec: str  # error correction: "L", "M", "Q" or "H"
    align: str

    @property
    def modules(self) -> int:
        """Side in modules, quiet zone not counted, of the smallest model 2 symbol that
        holds the data in byte mode (a printer may choose a denser mode, never a larger one)."""
        for version, capacity in enumerate(_QR_CAPACITY[self.ec], start=1):
            if len(self.data) <= capacity:
                return 17 + 4 * version
        raise NotImplementedError(f"QR data of {len(self.data)} bytes")


@dataclass(frozen=True)
class Feed:
    lines: int


@dataclass(frozen=True)
class Cut:
    partial: bool


@dataclass(frozen=True)
class DrawerKick:
    pin: int


Item = Line | Barcode | QrCode | Feed | Cut | DrawerKick


@dataclass
class Printout:
    items: list[Item] = field(default_factory=list)
    tables: list[int] = field(default_factory=list)  # every ESC t, in order

    @property
    def lines(self) -> list[str]:
        return [item.text for item in self.items if isinstance(item, Line)]

    @property
    def barcodes(self) -> list[Barcode]:
        return [item for item in self.items if isinstance(item, Barcode)]

    @property
    def qr_codes(self) -> list[QrCode]:
        return [item for item in self.items if isinstance(item, QrCode)]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def pieces(self) -> list[list[Item]]:
        """The items of each piece of paper cut off, in order."""
        pieces: list[list[Item]] = [[]]
        for item in self.items:
            if isinstance(item, Cut):
                pieces.append([])
            elif not isinstance(item, Feed):
                pieces[-1].append(item)
        return [piece for piece in pieces if piece]


@dataclass
class _State:
    table: int = 0
    align: str = "left"
    bold: bool = False
    underline: int = 0
    scale: tuple[int, int] = (1, 1)
    barcode_height: int = 162
    barcode_module: int = 3
    hri: int = 0
    qr_model: int = 2
    qr_module: int = 3
    qr_ec: str = "L"
    qr_data: str | None = None  # stored by function 180, printed once by 181


def parse(data: bytes, tables: dict[int, str] | None = None) -> Printout:
    """Decode ``data``; ``tables`` maps ESC t numbers to codecs (default: Epson's)."""
    return _Parser(data, tables or EPSON_TABLES).run()


class _Parser:
    def __init__(self, data: bytes, tables: dict[int, str]) -> None:
        self.data = data
        self.tables = tables
        self.pos = 0
        self.state = _State()
        self.out = Printout()
        self.pending = bytearray()
        self.pending_style: tuple[str, bool, int, tuple[int, int]] | None = None

    def run(self) -> Printout:
        while self.pos < len(self.data):
            byte = self.take(1)[0]
            if byte == 0x0A:
                self.flush(force=True)
            elif byte >= 0x20:
                if not self.pending:
                    self.pending_style = self.style()
                self.pending.append(byte)
            elif byte == 0x1B:
                self.esc(self.take(1)[0])
            elif byte == 0x1D:
                self.gs(self.take(1)[0])
            else:
                self.fail(f"control byte 0x{byte:02x}")
        if self.pending:
            self.fail("text left unprinted at the end (no line feed)")
        return self.out

    def take(self, count: int) -> bytes:
        if self.pos + count > len(self.data):
            self.fail("command cut short by the end of the data")
        chunk = self.data[self.pos : self.pos + count]
        self.pos += count
        return chunk

    def arg(self) -> int:
        return self.take(1)[0]

    def fail(self, what: str) -> NoReturn:
        raise ParseError(f"{what} at byte {self.pos - 1}")

    def flush(self, *, force: bool) -> None:
        """End the current line; a bare line feed prints an empty line."""
        if not self.pending and not force:
            return
        codec = self.tables.get(self.state.table)
        if codec is None:
            self.fail(f"text in unknown code table {self.state.table}")
        text = bytes(self.pending).decode(codec)
        self.out.items.append(Line(text, *(self.pending_style or self.style())))
        self.pending.clear()
        self.pending_style = None

    def style(self) -> tuple[str, bool, int, tuple[int, int]]:
        s = self.state
        return s.align, s.bold, s.underline, s.scale

    def at_line_start(self, command: str) -> None:
        if self.pending:
            self.fail(f"{command} in the middle of a line (printers ignore it there)")

    def esc(self, command: int) -> None:
        s = self.state
        if command == ord("@"):
            self.at_line_start("ESC @")
            self.state = _State()
        elif command == ord("t"):
            table = self.arg()
            if table not in self.tables:
                self.fail(f"ESC t {table}: a code table this printer family lacks")
            s.table = table
            self.out.tables.append(table)
        elif command == ord("a"):
            self.at_line_start("ESC a")
            value = self.arg()
            if value not in _ALIGN:
                self.fail(f"ESC a {value}")
            s.align = _ALIGN[value]
        elif command == ord("E"):
            s.bold = bool(self.arg() & 1)
        elif command == ord("-"):
            value = self.arg()
            s.underline = {0: 0, 1: 1, 2: 2, 48: 0, 49: 1, 50: 2}.get(value, -1)
            if s.underline < 0:
                self.fail(f"ESC - {value}")
        elif command == ord("!"):
            mode = self.arg()
            s.bold = bool(mode & 0x08)
            s.underline = 1 if mode & 0x80 else 0
            s.scale = (2 if mode & 0x20 else 1, 2 if mode & 0x10 else 1)
        elif command == ord("d"):
            self.flush(force=False)
            self.out.items.append(Feed(self.arg()))
        elif command == ord("p"):
            pin, on, off = self.take(3)
            if pin not in (0, 1, 48, 49) or not on or off < on:
                self.fail(f"ESC p {pin} {on} {off}")
            self.out.items.append(DrawerKick(2 if pin in (0, 48) else 5))
        else:
            self.fail(f"unknown command ESC 0x{command:02x}")

    def gs(self, command: int) -> None:
        s = self.state
        if command == ord("!"):
            size = self.arg()
            s.scale = ((size >> 4) + 1, (size & 0x0F) + 1)
            if max(s.scale) > 8:
                self.fail(f"GS ! 0x{size:02x}")
        elif command == ord("V"):
            self.at_line_start("GS V")
            mode = self.arg()
            if mode in (65, 66):
                self.arg()  # feed before the cut
            elif mode not in (0, 1, 48, 49):
                self.fail(f"GS V {mode}")
            self.out.items.append(Cut(partial=mode in (1, 49, 66)))
        elif command == ord("h"):
            s.barcode_height = self.arg()
            if not s.barcode_height:
                self.fail("GS h 0")
        elif command == ord("w"):
            s.barcode_module = self.arg()
            if not 2 <= s.barcode_module <= 6:
                self.fail(f"GS w {s.barcode_module}")
        elif command == ord("H"):
            s.hri = self.arg() % 48
            if s.hri > 3:
                self.fail(f"GS H {s.hri}")
        elif command == ord("f"):
            if self.arg() not in (0, 1, 48, 49):
                self.fail("GS f: unknown HRI font")
        elif command == ord("k"):
            self.at_line_start("GS k")
            self.barcode(self.arg())
        elif command == ord("("):
            if self.arg() != ord("k"):
                self.fail("GS ( other than GS ( k")
            self.qr_code()
        else:
            self.fail(f"unknown command GS 0x{command:02x}")

    def barcode(self, m: int) -> None:
        if m in _FUNCTION_A:
            end = self.data.find(b"\x00", self.pos)
            if end < 0:
                self.fail("GS k function A without its closing NUL")
            raw, function, symbology = self.take(end - self.pos), "A", _FUNCTION_A[m]
            self.take(1)
        elif m in _FUNCTION_B:
            raw, function, symbology = self.take(self.arg()), "B", _FUNCTION_B[m]
        else:
            self.fail(f"GS k {m}: unknown barcode system")
        text = raw.decode("ascii")
        if symbology in ("EAN13", "EAN8", "UPC-A") and not text.isdigit():
            self.fail(f"{symbology} with non-digits {text!r}")
        data = _code128(text) if symbology == "CODE128" else text
        s = self.state
        self.out.items.append(
            Barcode(symbology, data, function, s.barcode_module, s.barcode_height, s.hri, s.align)
        )

    def qr_code(self) -> None:
        """One ``GS ( k pL pH cn fn params`` command, QR codes only (cn 49)."""
        low, high = self.take(2)
        if low + 256 * high < 2:
            self.fail("GS ( k shorter than cn and fn")
        cn, fn, *params = self.take(low + 256 * high)
        if cn != 49:
            self.fail(f"GS ( k cn {cn}: not a QR code")
        s = self.state
        if fn == 65:  # function 165: model
            if len(params) != 2 or params[0] not in (49, 50, 51) or params[1] != 0:
                self.fail(f"GS ( k QR model {params}")
            s.qr_model = params[0] - 48
        elif fn == 67:  # function 167: module size in dots
            if len(params) != 1 or not 1 <= params[0] <= 16:
                self.fail(f"GS ( k QR module size {params}")
            s.qr_module = params[0]
        elif fn == 69:  # function 169: error correction level
            if len(params) != 1 or params[0] not in (48, 49, 50, 51):
                self.fail(f"GS ( k QR error correction {params}")
            s.qr_ec = "LMQH"[params[0] - 48]
        elif fn == 80:  # function 180: store the data
            if len(params) < 2 or params[0] != 48:
                self.fail(f"GS ( k QR store without m 48 and data: {params}")
            try:
                s.qr_data = bytes(params[1:]).decode("ascii")
            except UnicodeDecodeError:
                self.fail("GS ( k QR data that is not ASCII")
        elif fn == 81:  # function 181: print
            self.at_line_start("GS ( k QR print")
            if params != [48]:
                self.fail(f"GS ( k QR print {params}")
            if s.qr_data is None:
                self.fail("GS ( k QR print with no data stored")
            self.out.items.append(QrCode(s.qr_data, s.qr_model, s.qr_module, s.qr_ec, s.align))
            s.qr_data = None
        else:
            self.fail(f"GS ( k QR function {fn}: not used by our layouts")


def _code128(raw: str) -> str:
    """CODE128 data as scanned: "{A", "{B", "{C" select code sets, "{{" is "{"."""
    if raw[:2] not in ("{A", "{B", "{C"):
        raise ParseError(f"CODE128 data {raw!r} must start by selecting a code set")
    out, code_set, i = [], raw[1], 2
    while i < len(raw):
        if raw[i] == "{":
            escape = raw[i + 1 : i + 2]
            if escape == "{":
                out.append("{")
            elif escape in ("A", "B", "C"):
                code_set = escape
            else:
                raise ParseError(f"CODE128 escape {{{escape} in {raw!r}")
            i += 2
        elif code_set == "C":
            out.append(f"{ord(raw[i]):02d}")
            i += 1
        else:
            out.append(raw[i])
            i += 1
    return "".join(out)
