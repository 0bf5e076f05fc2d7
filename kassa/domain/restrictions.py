"""Restricted categories (R4): an age check and hours when a category may not be sold."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time


@dataclass(frozen=True)
class CategoryRestriction:
    """One category's rules; windows are [from, to) in store time, may span midnight."""

    name: str
    min_age: int = 0
    no_sale_from: str = ""
    no_sale_to: str = ""


def parse_hhmm(text: str) -> time:
    """'23:00' -> time(23, 0); raises ValueError naming the text."""
    try:
        hours, minutes = text.split(":")
        return time(int(hours), int(minutes))
    except ValueError as exc:
        raise ValueError(f"not a time of day (HH:MM): {text!r}") from exc


def in_window(moment: time, start: time, end: time) -> bool:
    """Whether ``moment`` lies in [start, end); a window with end <= start spans midnight."""
    if start < end:
        return start <= moment < end
    return moment >= start or moment < end


def forbidding_category(
    rules: list[CategoryRestriction], local: time
) -> CategoryRestriction | None:
    """The first category (nearest first) whose no-sale window contains ``local``."""
    for rule in rules:
        if rule.no_sale_from and rule.no_sale_to and in_window(
            local, parse_hhmm(rule.no_sale_from), parse_hhmm(rule.no_sale_to)
        ):
            return rule
    return None


def required_age(rules: list[CategoryRestriction]) -> int:
    """The highest minimum age any of the categories asks for; 0 for none."""
    return max((rule.min_age for rule in rules), default=0)
