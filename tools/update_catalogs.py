"""Extract UI messages from edge/ into edge/locale/kassa.pot and merge them into each catalog.

Usage: python tools/update_catalogs.py   (also `make messages`)

New messages arrive untranslated in ru and uk; tests/test_translations.py fails until
every message has a translation there. English uses the message ids themselves.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "edge" / "locale"
PYBABEL = str(Path(sys.executable).with_name("pybabel"))


def main() -> None:
    pot = LOCALE / "kassa.pot"
    subprocess.run(
        [PYBABEL, "-q", "extract", "-k", "_", "-k", "N_", "-k", "ngettext:1,2", "--no-location",
         "--sort-output", "--omit-header", "-o", str(pot), str(ROOT / "edge")],
        check=True,
    )
    subprocess.run(
        [PYBABEL, "-q", "update", "-D", "kassa", "-i", str(pot), "-d", str(LOCALE),
         "--no-fuzzy-matching", "--omit-header", "--ignore-obsolete"],
        check=True,
    )


if __name__ == "__main__":
    main()
