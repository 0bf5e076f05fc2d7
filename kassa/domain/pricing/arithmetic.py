"""Exact integer arithmetic of the engine: shares of a base, splits and proration."""

from __future__ import annotations

from collections.abc import Sequence

from kassa.domain.money import div_half_up

BASIS = 10_000  # basis points in 100%


def percent_of(amount: int, percent: int) -> int:
    """``percent`` (basis points) of a non-negative ``amount``, rounded half-up."""
    return (2 * amount * percent + BASIS) // (2 * BASIS)


def share_floor(amount: int, percent: int) -> int:
    """``percent`` (basis points) of ``amount``, rounded down: for caps that must not be passed."""
    return amount * percent // BASIS


def apportion(total: int, numerators: Sequence[int], denominator: int) -> list[int]:
    """Split ``total`` over quotas ``n / denominator`` by largest remainder.

    Each share is its quota floored, plus one for the largest remainders until the shares
    add up to ``total`` (ties go to the earlier item). ``total`` must lie between the sum of
    the floored quotas and the sum of the quotas.
    """
    shares = [n // denominator for n in numerators]
    leftover = total - sum(shares)
    if leftover:
        # a stable sort of the indices keeps ties in index order
        negated = [-(n % denominator) for n in numerators]
        remainders = sorted(range(len(numerators)), key=negated.__getitem__)
        last = remainders[leftover - 1] if 0 < leftover <= len(remainders) else None
        if last is None or negated[last] == 0:
            raise ValueError(f"cannot apportion {total} over these quotas")
        for i in remainders[:leftover]:
            shares[i] += 1
    return shares


def prorate(amount: int, part: int, whole: int) -> int:
    """The part of ``amount`` that ``part`` out of ``whole`` carries, rounded half-up.

    Returning a quantity in steps and taking the differences of the prorated cumulative
    quantities gives the same sum as returning it at once; the last step takes the remainder.
    """
    return div_half_up(amount * part, whole)


def round_to_step(amount: int, step: int) -> int:
    """``amount`` rounded half-up to a multiple of ``step`` (a cash coin step)."""
    return div_half_up(amount, step) * step


def vat_included(gross: int, rate: int) -> int:
    """VAT contained in a VAT-inclusive ``gross`` amount at ``rate`` basis points, half-up."""
    return div_half_up(gross * rate, BASIS + rate)
