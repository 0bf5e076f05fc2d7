"""Scan to screen in a real terminal, without tmux in the loop (issue 4).

Run from the repository root: ``.venv/bin/python bench/pty_scan_latency.py``
(defaults: 100,000 products, 1,000,000 customers, 200 scans; ``--products 1000
--customers 1000`` for a quick run). Builds a till database as ``bench/bench_till.py``
does (the demo chain's pricing programs included), starts the till (``edge --config``) as
a new process on a pseudo-terminal of 160x45, logs in and opens a shift, then types
scanned codes the way a keyboard-mode scanner does: the 13 digits and Enter in one burst.
Each figure is the time from writing the burst to the terminal until the till has written
the new receipt total to it (the line and the total are drawn in the same frame). A
customer card is scanned first, so every scan is priced with a customer's terms.
``--profile FILE`` runs the till under cProfile and writes its statistics there.
Timings are printed, never asserted.
"""

from __future__ import annotations

import argparse
import os
import pty
import re
import secrets
import select
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from fcntl import ioctl
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_till import build, ean  # noqa: E402

TOTAL = re.compile(rb"TOTAL ([0-9][0-9 ,.\xc2\xa0]*[0-9])")
CONFIG = """
[till]
id = "T1"
store_id = "s1"
language = "en"
data_dir = "{data}"

[central]
address = "127.0.0.1:9"
token = "none"
sync_interval_s = 60

[printer]
kind = "file"
target = "{data}/receipts.escpos"
"""


class Terminal:
    """A child process on a pseudo-terminal, with everything it wrote kept."""

    def __init__(self, argv: list[str], columns: int = 160, rows: int = 45) -> None:
        self.master, slave = pty.openpty()
        ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        env = dict(os.environ, TERM="xterm-256color", COLUMNS=str(columns), LINES=str(rows))
        self.process = subprocess.Popen(
            argv, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=ROOT,
            start_new_session=True,
        )
        os.close(slave)
        self.output = bytearray()

    def write(self, data: bytes) -> None:
        os.write(self.master, data)

    def read_until(
        self, pattern: re.Pattern[bytes], start: int, timeout: float = 20
    ) -> re.Match[bytes]:
        """Read until ``pattern`` matches the output after offset ``start``."""
        deadline = time.monotonic() + timeout
        while True:
            match = pattern.search(self.output, start)
            if match:
                return match
            left = deadline - time.monotonic()
            if left <= 0:
                tail = re.sub(rb"\x1b\[[0-9;?]*[A-Za-z]", b"", bytes(self.output[-3000:]))
                raise TimeoutError(f"{pattern.pattern!r} not seen; screen tail: {tail!r}")
            ready, _, _ = select.select([self.master], [], [], left)
            if ready:
                self.output += os.read(self.master, 65536)

    def drain(self, quiet: float = 0.3) -> None:
        """Read until the child has written nothing for ``quiet`` seconds."""
        while select.select([self.master], [], [], quiet)[0]:
            self.output += os.read(self.master, 65536)

    def close(self) -> None:
        self.write(b"\x11")  # ctrl+q
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self.master)


def measure(
    data: Path, products: int, customers: int, scans: int, profile: str | None
) -> list[float]:
    config = data / "edge.toml"
    config.write_text(CONFIG.format(data=data), encoding="utf-8")
    argv = [sys.executable]
    if profile:
        argv += ["-m", "cProfile", "-o", profile]
    argv += [str(ROOT / ".venv" / "bin" / "edge"), "--config", str(config)]
    term = Terminal(argv)
    try:
        term.read_until(re.compile(rb"PIN"), 0)
        term.drain()
        term.write(b"1111\r")
        term.read_until(re.compile(rb"float|TOTAL"), 0)
        term.drain()
        if not TOTAL.search(term.output):
            term.write(b"0\r")
            term.read_until(TOTAL, 0)
        term.drain()
        term.write(ean("20", secrets.randbelow(customers)).encode() + b"\r")
        term.read_until(re.compile(rb"Points"), len(term.output))
        term.drain()
        samples = []
        for n in range(scans):
            if n and n % 50 == 0:
                term.write(b"\x1b[14~")  # F4: clear the receipt
                term.read_until(re.compile(rb"Receipt cleared"), len(term.output))
                term.drain()
            before = TOTAL.findall(term.output)[-1]
            code = ean("482", secrets.randbelow(products)).encode()
            start = len(term.output)
            t = time.perf_counter()
            term.write(code + b"\r")
            while True:
                match = term.read_until(TOTAL, start)
                if match.group(1) != before:
                    break
                start = match.end()
            samples.append(time.perf_counter() - t)
            term.drain(0.05)
        return samples
    finally:
        term.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--scans", type=int, default=200)
    parser.add_argument("--profile", help="write the till's cProfile statistics here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        build(data / "edge.db", args.products, args.customers)
        samples = measure(data, args.products, args.customers, args.scans, args.profile)
    ms = sorted(s * 1000 for s in samples)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    print(
        f"scan to total on screen (pty, {len(ms)} scans): median {statistics.median(ms):.1f} ms"
        f"  p95 {p95:.1f} ms  min {ms[0]:.1f}  max {ms[-1]:.1f}  load {os.getloadavg()[0]:.2f}"
    )


if __name__ == "__main__":
    main()
