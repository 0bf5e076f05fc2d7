"""A till process whose printer stalls in the middle of a job, to be killed by a test.

Usage: python -m tests.printing.print_worker_process DATABASE PORT
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path

from edge.printing.config import PrinterConfig
from edge.printing.connect import open_printer
from edge.printing.queue import PrintWorker
from tests.printing.fake_printers import PauseAfterFirstWrite


def main() -> None:
    database, port = sys.argv[1], sys.argv[2]
    never = threading.Event()
    worker = PrintWorker(
        Path(database),
        PrinterConfig("network", f"127.0.0.1:{port}"),
        connect=lambda cfg: PauseAfterFirstWrite(open_printer(cfg), never),
    )
    worker.start()
    never.wait()


if __name__ == "__main__":
    main()
