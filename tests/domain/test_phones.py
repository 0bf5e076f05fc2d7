from __future__ import annotations

import pytest

from kassa.domain.phones import InvalidPhone, normalize_phone


@pytest.mark.parametrize(
    ("text", "region", "e164"),
    [
        ("0671234567", "UA", "+380671234567"),
        ("067 123-45-67", "UA", "+380671234567"),
        ("+380 67 123 45 67", "RU", "+380671234567"),
        ("89161234567", "RU", "+79161234567"),
        ("8 (916) 123-45-67", "RU", "+79161234567"),
        ("+7 916 123 45 67", "UA", "+79161234567"),
    ],
)
def test_common_spellings_normalise_to_e164(text: str, region: str, e164: str) -> None:
    assert normalize_phone(text, region) == e164


@pytest.mark.parametrize("text", ["12ab", "", "+380 12", "00000"])
def test_malformed_phones_are_refused_with_the_text(text: str) -> None:
    with pytest.raises(InvalidPhone, match="phone number"):
        normalize_phone(text, "UA")
