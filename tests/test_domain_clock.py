"""The hybrid logical clock: stamps only grow, follow causality and stay near wall time."""

from __future__ import annotations

from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

from mediator_app.domain.clock import COUNTER_BITS, HybridLogicalClock, pack, unpack

MAX_COUNTER = (1 << COUNTER_BITS) - 1


class FakeWall:
    """A wall clock the test sets by hand."""

    def __init__(self, ms: int):
        self.ms = ms

    def __call__(self) -> int:
        return self.ms


def test_pack_and_unpack_round_trip():
    assert unpack(pack(1_700_000_000_000, 5)) == (1_700_000_000_000, 5)
    assert unpack(pack(1, MAX_COUNTER)) == (1, MAX_COUNTER)
    assert pack(2, 0) > pack(1, MAX_COUNTER)


@given(st.integers(min_value=0, max_value=1 << 50), st.integers(0, MAX_COUNTER))
def test_pack_is_ordered_like_its_parts(wall, counter):
    assert unpack(pack(wall, counter)) == (wall, counter)
    assert pack(wall, counter) < pack(wall + 1, 0)


def test_first_stamp_follows_wall_time():
    clock = HybridLogicalClock(wall_ms=FakeWall(1000))
    assert unpack(clock.now()) == (1000, 0)
    assert clock.last == pack(1000, 0)


def test_stamps_in_one_millisecond_count_up():
    clock = HybridLogicalClock(wall_ms=FakeWall(1000))
    stamps = [clock.now() for _ in range(5)]
    assert [unpack(stamp) for stamp in stamps] == [(1000, i) for i in range(5)]


def test_counter_restarts_when_wall_time_moves_on():
    wall = FakeWall(1000)
    clock = HybridLogicalClock(wall_ms=wall)
    clock.now()
    clock.now()
    wall.ms = 1001
    assert unpack(clock.now()) == (1001, 0)


def test_default_clock_uses_real_time():
    import time

    before = time.time_ns() // 1_000_000
    stamp = HybridLogicalClock().now()
    after = time.time_ns() // 1_000_000
    assert before <= unpack(stamp)[0] <= after


def test_clock_stepping_back_never_gives_a_smaller_stamp():
    wall = FakeWall(5000)
    clock = HybridLogicalClock(wall_ms=wall)
    high = clock.now()
    wall.ms = 1000
    after_step_back = clock.now()
    assert after_step_back > high
    assert unpack(after_step_back) == (5000, 1)
    wall.ms = 4999
    assert clock.now() > after_step_back
    wall.ms = 6000
    assert unpack(clock.now()) == (6000, 0)


def test_clock_resumes_from_a_saved_stamp():
    clock = HybridLogicalClock(last_stamp=pack(9000, 3), wall_ms=FakeWall(100))
    assert clock.now() == pack(9000, 4)


def test_counter_overflow_borrows_a_millisecond():
    clock = HybridLogicalClock(last_stamp=pack(1000, MAX_COUNTER), wall_ms=FakeWall(1000))
    stamp = clock.now()
    assert unpack(stamp) == (1001, 0)
    assert stamp > pack(1000, MAX_COUNTER)
    assert unpack(clock.now()) == (1001, 1)


def test_many_stamps_in_one_millisecond_keep_growing():
    clock = HybridLogicalClock(wall_ms=FakeWall(1000))
    stamps = [clock.now() for _ in range(MAX_COUNTER + 10)]
    assert all(a < b for a, b in pairwise(stamps))
    assert unpack(stamps[MAX_COUNTER]) == (1000, MAX_COUNTER)
    assert unpack(stamps[-1]) == (1001, 8)


def test_observe_moves_past_a_remote_stamp_ahead_of_us():
    clock = HybridLogicalClock(wall_ms=FakeWall(1000))
    clock.now()
    remote = pack(5000, 7)
    observed = clock.observe(remote)
    assert observed > remote
    assert unpack(observed) == (5000, 8)
    assert clock.now() > observed


def test_observe_same_millisecond_takes_the_higher_counter():
    clock = HybridLogicalClock(last_stamp=pack(5000, 2), wall_ms=FakeWall(5000))
    assert unpack(clock.observe(pack(5000, 9))) == (5000, 10)
    assert unpack(clock.observe(pack(5000, 1))) == (5000, 11)


def test_observe_of_an_older_stamp_still_moves_on():
    clock = HybridLogicalClock(last_stamp=pack(5000, 2), wall_ms=FakeWall(1000))
    assert unpack(clock.observe(pack(3000, 40))) == (5000, 3)


def test_observe_when_wall_time_is_ahead_of_everything():
    clock = HybridLogicalClock(last_stamp=pack(5000, 2), wall_ms=FakeWall(8000))
    assert unpack(clock.observe(pack(6000, 40))) == (8000, 0)


def test_observe_overflow_borrows_a_millisecond():
    clock = HybridLogicalClock(wall_ms=FakeWall(1000))
    observed = clock.observe(pack(1000, MAX_COUNTER))
    assert observed > pack(1000, MAX_COUNTER)
    assert unpack(observed) == (1001, 0)


def test_causality_across_two_desks_with_skewed_clocks():
    fast = HybridLogicalClock(wall_ms=FakeWall(10_000))
    slow = HybridLogicalClock(wall_ms=FakeWall(1_000))
    edit_on_fast = fast.now()
    reply_on_slow = slow.observe(edit_on_fast)
    later_on_slow = slow.now()
    assert edit_on_fast < reply_on_slow < later_on_slow
    back_on_fast = fast.observe(later_on_slow)
    assert back_on_fast > later_on_slow


events = st.lists(
    st.tuples(
        st.sampled_from(["now", "observe"]),
        st.integers(min_value=0, max_value=20_000),
        st.integers(min_value=0, max_value=20_000),
        st.integers(min_value=MAX_COUNTER - 3, max_value=MAX_COUNTER) | st.integers(0, 5),
    ),
    min_size=1,
    max_size=60,
)


@given(events)
def test_stamps_strictly_grow_whatever_the_wall_clock_and_remote_stamps_do(steps):
    wall = FakeWall(0)
    clock = HybridLogicalClock(wall_ms=wall)
    previous = clock.last
    for kind, wall_ms, remote_wall, remote_counter in steps:
        wall.ms = wall_ms
        if kind == "now":
            stamp = clock.now()
        else:
            remote = pack(remote_wall, remote_counter)
            stamp = clock.observe(remote)
            assert stamp > remote
        assert stamp > previous
        assert stamp == clock.last
        assert unpack(stamp)[0] >= wall_ms
        assert 0 <= unpack(stamp)[1] <= MAX_COUNTER
        previous = stamp


@given(st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=50))
def test_stamps_never_run_far_ahead_of_the_highest_time_seen(readings):
    wall = FakeWall(0)
    clock = HybridLogicalClock(wall_ms=wall)
    for count, reading in enumerate(readings, 1):
        wall.ms = reading
        stamp_wall, _counter = unpack(clock.now())
        assert stamp_wall == max(readings[:count])
