"""What the fuzz tests share: hostile inputs, a snapshot of every table, and the check
that a refusal says why in words and leaves the database as it was."""

from __future__ import annotations

import contextlib
import itertools
import math
import operator
import os
import re
import shutil
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, event, example, settings
from hypothesis import strategies as st

from mediator_app.domain.validation import MessageError, ValidationError
from mediator_app.i18n import translations_for
from mediator_app.store import Store, open_store

#: Few examples each, no deadline: the two fuzz files stay under a minute together.
#: ``PASSERELLE_FUZZ_EXAMPLES=2000 pytest tests/test_fuzz_*.py`` searches deeper.
FUZZ = settings(
    max_examples=int(os.environ.get("PASSERELLE_FUZZ_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)

#: What the app refuses bad input with: errors that carry a message for the mediator.
REFUSALS = (ValidationError, MessageError)


class _Refused:
    def __repr__(self) -> str:
        return "REFUSED"


#: What ``saved_or_refused`` returns when the write was refused.
REFUSED: Any = _Refused()

NASTY_TEXTS = (
    "",
    " ",
    "\x00",
    "Ma\x00rie",
    "\u202eHélène\u202c",
    "مريم العلي",
    "שרה לוי",
    "Hélène D'Aubigné",
    "\t\r\n",
    "\ufeffBOM",
    "😀👩‍💻",
    "%(name)s %s %",
    "'; DROP TABLE resident; --",
    "\u200b",
    "İıŁłßŒ",
    "\x1f\x1e\x7f\x85\xa0\u2028",
)

huge_texts = st.builds(
    operator.mul, st.sampled_from(["a", "é", " ", "\x00", "ab "]), st.integers(90, 70_000)
)
texts = st.one_of(
    st.text(max_size=30),
    st.text(st.characters(max_codepoint=0x9F), max_size=10),
    st.sampled_from(NASTY_TEXTS),
    huge_texts,
)
#: Names that a desk sees every day, so that some records get saved.
names = st.sampled_from(("Hélène", "Ben Saïd", "Nguyễn", "Øystein", "O'Brien", "Zoé"))

numbers: st.SearchStrategy[Any] = st.one_of(
    st.integers(-5, 700),
    st.integers(1890, 2030),
    st.integers(),
    st.integers(min_value=2**63 - 2, max_value=10**400),
    st.integers(max_value=-(2**63)),
    st.floats(),
    st.sampled_from([0.5, 30.0, 1950.5, 1950.0, math.nan, math.inf, -math.inf, -0.0]),
    st.booleans(),
)

_ODD_DATES = (
    "2026-02-30", "0000-01-01", "9999-12-31", "10000-01-01", "2026-13-01", "2026-W48-7",
    "2026W487", "2026-11-29T10:00", "29/11/2026", "２０２６-１１-２９", "2026-11-29\n",
    " 2026-11-29", "",
)  # fmt: skip
date_texts = st.one_of(
    st.dates().map(date.isoformat),
    st.dates(min_value=date(2000, 1, 1), max_value=date(2026, 11, 29)).map(date.isoformat),
    st.dates(min_value=date(1000, 1, 1)).map(lambda day: day.strftime("%Y%m%d")),
    st.text(max_size=12),
    st.text("0123456789-WT:+/ .", max_size=12),
    st.sampled_from(_ODD_DATES),
)

time_texts = st.one_of(
    st.builds("{:02d}:{:02d}".format, st.integers(0, 30), st.integers(0, 70)),
    st.sampled_from(["09:30", "14:00", "16:00", "17:30"]),
    st.text(max_size=6),
    st.sampled_from(["14:00\n", "1٤:3٠", "9:30", "24:00", "14h00", "14:00:00", " 14:00", ""]),
)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


def codes(code_list: Iterable[tuple[str, str]]) -> st.SearchStrategy[Any]:
    """A code of the list most of the time, anything else otherwise."""
    known = [code for code, _label in code_list]
    return st.one_of(st.sampled_from(known), st.sampled_from(known), texts, numbers)


def snapshot(conn: Any, leave_out: Iterable[str] = ()) -> dict[str, list[str]]:
    """Every row of every table (the search index and its shadow tables included)."""
    skipped = set(leave_out)
    tables = [
        name
        for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
        )
        if name not in skipped
    ]
    return {
        name: sorted(repr(row) for row in conn.execute(f'SELECT * FROM "{name}"'))
        for name in tables
    }


_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def assert_explained(error: BaseException) -> None:
    """The refusal says what is wrong in words, in English and in French: every
    placeholder of its message has a value, and the rendering does not fail."""
    french = translations_for("fr").gettext
    if isinstance(error, ValidationError):
        assert error.problems, "a ValidationError names at least one field"
        messages = [(problem.message, problem.params) for problem in error.problems.values()]
        rendered = [
            text
            for problem in error.problems.values()
            for text in (problem.render(), problem.render(french))
        ]
    else:
        assert isinstance(error, MessageError), f"not the app's own error: {error!r}"
        messages = [(error.message, error.params)]
        rendered = [error.render(), error.render(french)]
    for message, params in messages:
        for template in (message, french(message)):
            assert set(_PLACEHOLDER.findall(template)) <= set(params), template
    assert all(text.strip() for text in rendered)


def saved_or_refused(
    conn: Any, write: Callable[[], Any], *, refusals: tuple[type[BaseException], ...] = REFUSALS
) -> Any:
    """Run ``write``; return its result, or ``REFUSED`` after checking that it was refused
    with a message and that no table changed."""
    before = snapshot(conn)
    try:
        result = write()
    except refusals as error:
        if isinstance(error, REFUSALS):
            assert_explained(error)
        assert not conn.in_transaction
        assert snapshot(conn) == before
        event(f"refused: {type(error).__name__}")
        return REFUSED
    assert not conn.in_transaction
    event("saved")
    return result


def assert_iso_date(text: str | None) -> None:
    """A stored date is written one way: ``2026-11-29``."""
    assert text is not None
    assert date.fromisoformat(text).isoformat() == text, text


_CLOCK_TIME = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")


def assert_clock_time(text: str | None) -> None:
    """A stored time is written one way: ``09:30``."""
    assert text is not None
    assert _CLOCK_TIME.fullmatch(text), repr(text)


def is_whole_number(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def mostly_valid(
    target: Callable[..., Any],
    valid: dict[str, st.SearchStrategy[Any]],
    hostile: dict[str, st.SearchStrategy[Any]],
    *,
    most_hostile: int = 3,
) -> st.SearchStrategy[Any]:
    """``target(**values)`` from valid values, none to ``most_hostile`` of them swapped
    for hostile ones: each hostile value meets a record that is otherwise right, so it
    is what the validator has to judge."""

    @st.composite
    def build(draw: Any) -> Any:
        values = {name: draw(strategy) for name, strategy in valid.items()}
        swapped = draw(st.sets(st.sampled_from(sorted(hostile)), max_size=most_hostile))
        for name in swapped:
            values[name] = draw(hostile[name])
        return target(**values)

    return build()


def hostile_codes(code_list: Iterable[tuple[str, str]]) -> st.SearchStrategy[Any]:
    """A near miss of a code of the list (its case or spaces changed), or anything."""
    known = [code for code, _label in code_list]
    return st.one_of(
        st.sampled_from(known).map(str.upper),
        st.sampled_from(known).map(lambda code: f" {code}"),
        texts,
        numbers,
    )


class Template:
    """A database prepared once, closed; each example works on a copy of its own, so
    that examples neither see each other's records nor depend on their order."""

    def __init__(self, path: Path):
        self.path = path
        self._numbers = itertools.count(1)

    @contextlib.contextmanager
    def copy(self) -> Iterator[Store]:
        target = self.path.with_name(f"{self.path.stem}-{next(self._numbers)}.db")
        shutil.copyfile(self.path, target)
        store = open_store(target)
        try:
            yield store
        finally:
            store.close()
            for companion in (target, Path(f"{target}-wal"), Path(f"{target}-shm")):
                companion.unlink(missing_ok=True)


def examples(argument: str, values: Iterable[Any]) -> Callable[[Any], Any]:
    """``@example(argument=value)`` for each value: inputs fuzzing found, tried on
    every run."""

    def decorate(test: Any) -> Any:
        for value in reversed(list(values)):
            test = example(**{argument: value})(test)
        return test

    return decorate
