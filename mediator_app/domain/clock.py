"""A hybrid logical clock (Kulkarni et al., 2014).

A stamp is one integer: the physical time in milliseconds shifted left by 16 bits, plus a
logical counter. Stamps only grow, follow causality across desks (``observe``) and stay
close to wall time, so a desk whose clock is wrong cannot reorder edits that depend on
each other.
"""

from __future__ import annotations

import time
from collections.abc import Callable

COUNTER_BITS = 16
_COUNTER_MASK = (1 << COUNTER_BITS) - 1


def pack(wall_ms: int, counter: int) -> int:
    return (wall_ms << COUNTER_BITS) | counter


def unpack(stamp: int) -> tuple[int, int]:
    """The ``(wall_ms, counter)`` of a stamp."""
    return stamp >> COUNTER_BITS, stamp & _COUNTER_MASK


class HybridLogicalClock:
    """Issues increasing stamps. Not thread-safe: the store uses one per writer."""

    def __init__(self, last_stamp: int = 0, wall_ms: Callable[[], int] | None = None):
        self._last = last_stamp
        self._wall_ms = wall_ms or (lambda: time.time_ns() // 1_000_000)

    @property
    def last(self) -> int:
        return self._last

    def now(self) -> int:
        """A stamp for a local event, greater than every stamp issued or observed."""
        wall = self._wall_ms()
        last_wall, last_counter = unpack(self._last)
        if wall > last_wall:
            self._last = pack(wall, 0)
        else:
            self._last = _advance(last_wall, last_counter)
        return self._last

    def observe(self, remote_stamp: int) -> int:
        """Take a stamp received from another desk into account; returns the new stamp."""
        wall = self._wall_ms()
        last_wall, last_counter = unpack(self._last)
        remote_wall, remote_counter = unpack(remote_stamp)
        top_wall = max(wall, last_wall, remote_wall)
        if top_wall == last_wall == remote_wall:
            self._last = _advance(top_wall, max(last_counter, remote_counter))
        elif top_wall == last_wall:
            self._last = _advance(top_wall, last_counter)
        elif top_wall == remote_wall:
            self._last = _advance(top_wall, remote_counter)
        else:
            self._last = pack(top_wall, 0)
        return self._last


def _advance(wall_ms: int, counter: int) -> int:
    """The stamp after ``(wall_ms, counter)``; a full counter borrows the next millisecond."""
    if counter >= _COUNTER_MASK:
        return pack(wall_ms + 1, 0)
    return pack(wall_ms, counter + 1)
