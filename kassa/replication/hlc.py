"""Hybrid logical clock (Kulkarni et al., 2014) as pure functions over immutable stamps.

A stamp is (wall ms, logical counter). Stamps made by one clock only grow, whatever
its wall clock does, and a clock that has seen a stamp makes only greater ones, so an
edit made after seeing another is ordered after it even when the wall clock is behind.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

# A remote stamp further ahead of our wall clock than this is treated as this far ahead,
# so one till with a wild clock cannot drag every other clock (or win every merge) forever.
MAX_AHEAD_MS = 60 * 60 * 1000


@dataclass(frozen=True, order=True)
class Stamp:
    wall_ms: int
    logical: int = 0

    def encode(self) -> str:
        """Text form that sorts like the stamp for any wall time up to year 5138."""
        return f"{self.wall_ms:015d}.{self.logical:010d}"

    @classmethod
    def decode(cls, text: str) -> Stamp:
        wall, logical = text.split(".")
        return cls(int(wall), int(logical))


ZERO = Stamp(0, 0)


def tick(last: Stamp, now_ms: int) -> Stamp:
    """The stamp of a local event made at wall time ``now_ms``; it becomes the clock."""
    if now_ms > last.wall_ms:
        return Stamp(now_ms, 0)
    return Stamp(last.wall_ms, last.logical + 1)


def bound(remote: Stamp, now_ms: int, max_ahead_ms: int = MAX_AHEAD_MS) -> Stamp:
    """``remote``, or the latest stamp we accept when it is too far ahead of ``now_ms``."""
    return min(remote, Stamp(now_ms + max_ahead_ms, 0))


def receive(last: Stamp, remote: Stamp, now_ms: int) -> Stamp:
    """The clock after seeing ``remote`` (already bounded) at wall time ``now_ms``."""
    return receive_all(last, [(remote.wall_ms, remote.logical)], now_ms)


def receive_all(last: Stamp, remotes: Iterable[tuple[int, int]], now_ms: int) -> Stamp:
    """The clock after seeing each of ``remotes`` ((wall ms, logical), already bounded) in
    turn at wall time ``now_ms``: ``receive`` one by one, without a Stamp for each."""
    wall, logical = last.wall_ms, last.logical
    for remote_wall, remote_logical in remotes:
        top = max(wall, remote_wall, now_ms)
        if top == wall == remote_wall:
            logical = max(logical, remote_logical) + 1
        elif top == wall:
            logical += 1
        elif top == remote_wall:
            logical = remote_logical + 1
        else:
            logical = 0
        wall = top
    return Stamp(wall, logical)
