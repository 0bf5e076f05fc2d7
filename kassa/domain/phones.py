"""Phone numbers typed at a till or imported, normalised to E.164 (C4, R1)."""

from __future__ import annotations

import phonenumbers


class InvalidPhone(ValueError):
    """The text is not a valid phone number for the given default region."""


def normalize_phone(text: str, default_region: str) -> str:
    """Return the E.164 form of a phone typed in any common spelling.

    ``default_region`` (ISO 3166, e.g. "UA" or "RU") is used when the number has
    no country code: "0671234567" in UA and "8 916 123-45-67" in RU both work.
    """
    try:
        number = phonenumbers.parse(text, default_region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhone(f"not a phone number: {text!r}") from exc
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhone(f"not a valid phone number: {text!r}")
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))
