"""Gettext catalogs (ru, uk, en) for the till's screens and its receipts.

The .po files under ``edge/locale`` are the catalogs; they are compiled in memory
with babel when first used, so no compiled .mo file is kept in the repository.
"""

from __future__ import annotations

import gettext
import io
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "kassa"
LANGUAGES = ("ru", "uk", "en")


class UnknownLanguage(ValueError):
    """A language with no catalog was asked for."""


@cache
def translations(language: str) -> gettext.GNUTranslations:
    """The catalog for ``language`` (one of LANGUAGES)."""
    if language not in LANGUAGES:
        raise UnknownLanguage(
            f"unknown language {language!r}; expected one of {', '.join(LANGUAGES)}"
        )
    path = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    with path.open("rb") as po:
        catalog = read_po(po, locale=language)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


_current: list[str] = ["en"]


def set_language(language: str) -> None:
    """Switch the UI language of this process."""
    translations(language)
    _current[0] = language


def current_language() -> str:
    return _current[0]


def _(message: str) -> str:
    """Translate a UI message into the current language."""
    return translations(_current[0]).gettext(message)


def N_(message: str) -> str:
    """Mark a message for extraction without translating it yet (translated where shown)."""
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate a UI message with a count into the current language."""
    return translations(_current[0]).ngettext(singular, plural, n)
