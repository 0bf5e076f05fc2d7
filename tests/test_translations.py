"""Every UI message in edge/ has a Russian and a Ukrainian translation with the same fields."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from edge.i18n import LOCALE_DIR, UnknownLanguage, translations

ROOT = Path(__file__).resolve().parent.parent
FIELD = re.compile(r"\{(\w*)\}")


def extracted_messages(tmp_path: Path) -> set[str]:
    pot = tmp_path / "kassa.pot"
    subprocess.run(
        [str(Path(sys.executable).with_name("pybabel")), "-q", "extract", "-k", "_",
         "-k", "N_", "-k", "ngettext:1,2", "--no-location", "-o", str(pot), str(ROOT / "edge")],
        check=True,
    )
    with pot.open("rb") as f:
        return {str(m.id) for m in read_po(f) if m.id}


@pytest.mark.parametrize("language", ["ru", "uk"])
def test_every_message_is_translated(tmp_path: Path, language: str) -> None:
    with (LOCALE_DIR / language / "LC_MESSAGES" / "kassa.po").open("rb") as f:
        catalog = {str(m.id): str(m.string) for m in read_po(f) if m.id}
    missing = sorted(m for m in extracted_messages(tmp_path) if not catalog.get(m))
    assert not missing, f"untranslated in {language} (run `make messages`): {missing}"
    for msgid, text in catalog.items():
        assert set(FIELD.findall(msgid)) == set(FIELD.findall(text)), (language, msgid)


def test_translations_are_used() -> None:
    assert translations("uk").gettext("Change") == "Решта"
    assert translations("ru").gettext("Change") == "Сдача"
    assert translations("en").gettext("Change") == "Change"


def test_an_unknown_language_is_named() -> None:
    with pytest.raises(UnknownLanguage, match="'de'"):
        translations("de")
