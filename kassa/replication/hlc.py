"""Hybrid logical clock (Kulkarni et al., 2014) as pure functions over immutable stamps.

A stamp is (wall ms, logical counter). Stamps made by one clock only grow, whatever
its wall clock does, and a clock that has seen a stamp makes only greater ones, so an
edit made after seeing another is ordered after it even when the wall clock is behind.
"""

from __future__ import annotations

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
    wall = max(last.wall_ms, remote.wall_ms, now_ms)
    if wall == last.wall_ms == remote.wall_ms:
        return Stamp(wall, max(last.logical, remote.logical) + 1)
    if wall == last.wall_ms:
        return Stamp(wall, last.logical + 1)
    if wall == remote.wall_ms:
        return Stamp(wall, remote.logical + 1)
    return Stamp(wall, 0)
