"""Record identities: UUIDv7 (RFC 9562), time-ordered so that inserts stay in key order,
and UUIDv5 for link rows that two desks must derive identically."""

from __future__ import annotations

import os
import threading
import time
import uuid

_NAMESPACE = uuid.UUID("6f1d3c52-8a77-4c1e-9a52-5d0f3b7e2a10")


class _Uuid7Generator:
    """Makes UUIDv7s that are strictly increasing within this process, even when several
    are made in the same millisecond or the clock steps back."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last_ms = 0
        self._counter = 0

    def __call__(self) -> str:
        with self._lock:
            now_ms = time.time_ns() // 1_000_000
            if now_ms > self._last_ms:
                self._last_ms = now_ms
                self._counter = int.from_bytes(os.urandom(2), "big") & 0x3FF
            else:
                self._counter += 1
                if self._counter > 0xFFF:
                    self._last_ms += 1
                    self._counter = 0
            timestamp_ms, counter = self._last_ms, self._counter
        random_tail = int.from_bytes(os.urandom(8), "big") & ((1 << 62) - 1)
        value = (
            (timestamp_ms & ((1 << 48) - 1)) << 80
            | 0x7 << 76
            | counter << 64
            | 0b10 << 62
            | random_tail
        )
        return str(uuid.UUID(int=value))


new_id = _Uuid7Generator()


def link_id(*parts: str) -> str:
    """A UUIDv5 derived from its parents' ids: the same link made on two desks gets one id."""
    return str(uuid.uuid5(_NAMESPACE, "/".join(parts)))


def uuid7_time_ms(identifier: str) -> int:
    """The creation time (milliseconds since the epoch) carried by a UUIDv7."""
    return uuid.UUID(identifier).int >> 80
