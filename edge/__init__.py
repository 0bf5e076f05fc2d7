"""The till: sells offline, prints, reads scanners and syncs with central."""

import os
from pathlib import Path

# python-escpos parses its 1 MB printer capabilities YAML at import (about 0.4 s) unless
# it finds a pickle of it, which by default it writes to a new temporary folder every
# run: give it a lasting cache folder so the till starts fast and leaves no temp dirs.
_cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "kassa" / "escpos"
try:
    _cache.mkdir(parents=True, exist_ok=True)
except OSError:
    pass  # a read-only home: python-escpos falls back to its temporary folder
else:
    os.environ.setdefault("ESCPOS_CAPABILITIES_PICKLE_DIR", str(_cache))
