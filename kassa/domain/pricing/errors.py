"""The one error the pricing engine raises for input it cannot price."""

from __future__ import annotations

from collections.abc import Iterable


class InputError(ValueError):
    """Input that cannot be priced. ``field`` names where, in the JSON schema's terms."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}" if field else message)
        self.field = field
        self.message = message

    def within(self, prefix: str) -> InputError:
        """The same error for a field nested under ``prefix`` (an object path)."""
        if not prefix:
            return self
        if not self.field:
            return InputError(prefix, self.message)
        joiner = "" if self.field.startswith("[") else "."
        return InputError(f"{prefix}{joiner}{self.field}", self.message)


def check_percent(field: str, value: int, *, positive: bool = False) -> None:
    """Raise unless ``value`` (basis points) is within 0..100% (above 0 when ``positive``)."""
    if not 0 <= value <= 10_000 or (positive and value == 0):
        low = "above 0" if positive else "at least 0"
        raise InputError(field, f"must be {low} and at most 100")


def check_not_negative(field: str, value: int) -> None:
    """Raise unless ``value`` is 0 or more."""
    if value < 0:
        raise InputError(field, "must be >= 0")


def check_positive(field: str, value: int) -> None:
    """Raise unless ``value`` is above 0."""
    if value <= 0:
        raise InputError(field, "must be > 0")


def check_text(field: str, value: str) -> None:
    """Raise if ``value`` is empty or blank."""
    if not value.strip():
        raise InputError(field, "must not be empty")


def check_unique(name: str, keys: Iterable[str], field: str = "id") -> None:
    """Raise naming the first item of list ``name`` whose ``field`` repeats an earlier one."""
    seen: set[str] = set()
    for i, key in enumerate(keys):
        if key in seen:
            raise InputError(f"{name}[{i}].{field}", f"{key!r} is used twice")
        seen.add(key)
