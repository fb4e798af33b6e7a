"""Record identities: UUIDv7 for records, UUIDv5 for link rows."""

from __future__ import annotations

import time
import uuid
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mediator_app.domain import ids
from mediator_app.domain.ids import link_id, new_id, uuid7_time_ms


def test_new_id_is_a_version_7_rfc_uuid():
    identifier = new_id()
    parsed = uuid.UUID(identifier)
    assert parsed.version == 7
    assert parsed.variant == uuid.RFC_4122
    assert str(parsed) == identifier
    assert len(identifier) == 36


def test_new_ids_strictly_increase_in_one_process():
    made = [new_id() for _ in range(5000)]
    assert len(set(made)) == len(made)
    assert made == sorted(made)
    assert all(uuid.UUID(a).int < uuid.UUID(b).int for a, b in pairwise(made))


def test_time_extraction():
    before = time.time_ns() // 1_000_000
    identifier = new_id()
    after = time.time_ns() // 1_000_000
    assert before <= uuid7_time_ms(identifier) <= after + 1


def test_time_extraction_of_a_known_value():
    known = "017f22e2-79b0-7cc3-98c4-dc0c0c07398f"  # RFC 9562, appendix A.6
    assert uuid7_time_ms(known) == 0x017F22E279B0


class FrozenTime:
    """Stands in for the ``time`` module inside ``ids``, with a settable clock."""

    def __init__(self, ms: int):
        self.ms = ms

    def time_ns(self) -> int:
        return self.ms * 1_000_000


@pytest.fixture
def frozen(monkeypatch):
    clock = FrozenTime(1_700_000_000_000)
    monkeypatch.setattr(ids, "time", clock)
    return clock


def test_many_ids_in_one_millisecond_stay_ordered_and_valid(frozen):
    generate = ids._Uuid7Generator()
    made = [generate() for _ in range(10_000)]
    values = [uuid.UUID(identifier) for identifier in made]
    assert all(a.int < b.int for a, b in pairwise(values))
    assert all(value.version == 7 and value.variant == uuid.RFC_4122 for value in values)
    times = [uuid7_time_ms(identifier) for identifier in made]
    assert times[0] == frozen.ms
    # The 12-bit counter overflows into the next milliseconds rather than wrapping.
    assert times[-1] > frozen.ms


def test_clock_stepping_back_keeps_ids_increasing(frozen):
    generate = ids._Uuid7Generator()
    first = generate()
    frozen.ms -= 60_000
    second = generate()
    frozen.ms += 120_000
    third = generate()
    assert first < second < third
    assert uuid7_time_ms(second) == uuid7_time_ms(first)
    assert uuid7_time_ms(third) == frozen.ms


def test_ids_made_later_sort_later(frozen):
    generate = ids._Uuid7Generator()
    early = generate()
    frozen.ms += 1
    late = generate()
    assert early < late
    assert uuid7_time_ms(late) - uuid7_time_ms(early) == 1


def test_link_id_is_deterministic():
    assert link_id("a", "b") == link_id("a", "b")
    assert uuid.UUID(link_id("a", "b")).version == 5


def test_link_id_depends_on_every_part_and_their_order():
    assert link_id("a", "b") != link_id("b", "a")
    assert link_id("a", "b") != link_id("a", "c")
    assert link_id("a") != link_id("a", "")


@given(st.lists(st.text(alphabet="0123456789abcdef-", min_size=1, max_size=36), min_size=1))
def test_link_id_is_a_pure_function_of_its_parts(parts):
    assert link_id(*parts) == link_id(*list(parts))
    assert uuid.UUID(link_id(*parts)).variant == uuid.RFC_4122
