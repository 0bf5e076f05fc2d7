"""Text search keys: case-folded, with ё treated as е (R7)."""

from __future__ import annotations


def search_key(text: str) -> str:
    """The form names are stored and searched in: 'Ёлка' and 'елка' match."""
    return " ".join(text.casefold().replace("ё", "е").split())
