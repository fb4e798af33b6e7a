"""A synthetic centre for demonstrations, manual tests and benchmarks.

``generate_demo`` fills a store with two plausible years of activity at the desk of a
social centre in Les Canourgues (Salon-de-Provence): its mediators, residents who gave
their consent, and support sessions, anonymous visits, referrals and follow-ups among
them.

Everything is drawn from one ``random.Random(seed)``: the same seed and ``today`` give
the same content. Ids and timestamps differ from one run to the next, being made when
the rows are written.

Rows go through the store's change writer (so the change log is complete) in batches of
``BATCH_ROWS`` rows, each batch its own transaction, in date order: a resident is
written just before their first session, as at a real desk. Each generated record is
one that the domain's validation accepts unchanged; the per-row checks of the
repositories are skipped for speed.
"""

from __future__ import annotations

import bisect
import itertools
import random
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Generic, TypeVar

from mediator_app.demo import names
from mediator_app.demo.skills import generate_assessments
from mediator_app.demo.workshops import generate_workshops
from mediator_app.domain.codes import ADMIN_HELP_THEME, AUTONOMY_LEVELS, age_band_for
from mediator_app.domain.duplicates import compare
from mediator_app.domain.resident import Consent, Resident
from mediator_app.domain.session import SupportSession
from mediator_app.domain.text import name_words, normalise_phone
from mediator_app.store.database import Store
from mediator_app.store.mediators import active_mediators, add_mediator

#: Rows (residents and sessions) written per transaction.
BATCH_ROWS = 2000
#: How far back the activity goes.
HISTORY_DAYS = 730
#: Share of sessions that are anonymous visits.
ANONYMOUS_SHARE = 0.08
#: Fewest sessions dated ``today``, so that the Today view has something to show.
TODAY_MINIMUM = 6
#: Fewest open follow-ups due today, and overdue, when there are sessions to carry them.
DUE_TODAY_MINIMUM = 2
OVERDUE_OPEN_MINIMUM = 3

DESK_NAME = "Accueil 1"
CENTRE_NAME = "Centre social AAGESC – Les Canourgues"

Progress = Callable[[int, int], bool | None]

T = TypeVar("T")


@dataclass(frozen=True)
class DemoSummary:
    """What ``generate_demo`` added: residents, sessions (anonymous visits included),
    anonymous visits among those sessions, mediators, and workshop occurrences."""

    residents: int
    sessions: int
    anonymous_visits: int
    mediators: int
    workshop_occurrences: int = 0


def generate_demo(
    store: Store,
    *,
    residents: int = 400,
    sessions: int = 3000,
    seed: int = 1,
    today: date | None = None,
    progress: Progress | None = None,
) -> DemoSummary:
    """Fill ``store`` with a demonstration centre; returns what was added.

    ``sessions`` counts every session, the anonymous visits (about 8 %) included. The
    desk is configured as the demonstration centre's if it was not configured yet, and
    three or four mediators are added (or reused, when a mediator of the same name is
    already active).

    ``progress(done, total)`` is called before anything is written (``done == 0``) and
    after each committed batch, ``done`` and ``total`` counting residents plus sessions.
    When it returns ``False`` the generation stops there: what was committed stays,
    whole batches only, and the summary counts it. Stopping at the first call leaves the
    store untouched. Call this outside any ``store.write()`` block, or the batches join
    that block's transaction.
    """
    if residents < 0 or sessions < 0:
        raise ValueError("residents and sessions must not be negative")
    today = today or date.today()
    total = residents + sessions
    if progress is not None and progress(0, total) is False:
        return DemoSummary(0, 0, 0, 0)

    rng = random.Random(seed)
    calendar = _Calendar.build(today)
    plan = _plan(rng, calendar, residents, sessions)

    mediator_ids, mediators_added = _ensure_mediators(store, plan.mediator_names)
    desk = store.desk
    if desk is None or not desk.configured:
        # The first mediator works at this desk, as a first run would have recorded.
        store.configure_desk(
            name=DESK_NAME,
            centre_name=CENTRE_NAME,
            country="FR",
            language="fr",
            mediator_id=mediator_ids[0],
        )

    maker = _SessionMaker(rng, calendar, mediator_ids)
    resident_ids = [""] * len(plan.people)
    written_residents = written_sessions = written_anonymous = 0
    events = plan.events()
    while True:
        batch = list(itertools.islice(events, BATCH_ROWS))
        if not batch:
            break
        batch_residents = batch_anonymous = 0
        with store.write() as writer:
            insert = writer.insert
            for code, day_index in batch:
                if code >= plan.session_base:
                    person_index, ordinal = divmod(code - plan.session_base, plan.ordinal_span)
                    person = plan.people[person_index]
                    record = maker.for_resident(
                        person, resident_ids[person_index], ordinal, day_index
                    )
                    insert("support_session", record)
                elif code >= 0:
                    resident_ids[code] = insert("resident", plan.people[code].resident.to_record())
                    batch_residents += 1
                else:
                    insert("support_session", maker.anonymous(day_index))
                    batch_anonymous += 1
        written_residents += batch_residents
        written_sessions += len(batch) - batch_residents
        written_anonymous += batch_anonymous
        if progress is not None:
            done = written_residents + written_sessions
            if progress(done, total) is False:
                return DemoSummary(
                    written_residents, written_sessions, written_anonymous, mediators_added
                )
    written_ids = [rid for rid in resident_ids if rid]
    occurrences = generate_workshops(store, rng, today, written_ids, list(plan.mediator_names))
    generate_assessments(store, rng, today, written_ids)
    return DemoSummary(
        written_residents, written_sessions, written_anonymous, mediators_added, occurrences
    )


def _ensure_mediators(store: Store, wanted: Sequence[str]) -> tuple[list[str], int]:
    """The ids of the wanted mediators, adding those not yet active; and how many were
    added."""
    existing = {mediator.name: mediator.id for mediator in active_mediators(store)}
    ids: list[str] = []
    added = 0
    with store.write():
        for name in wanted:
            if name in existing:
                ids.append(existing[name])
            else:
                ids.append(add_mediator(store, name).id)
                added += 1
    return ids, added


# --- Drawing helpers -------------------------------------------------------------------


class _Weighted(Generic[T]):
    """Draws items in proportion to their weights, with one ``random()`` per draw."""

    __slots__ = ("_cumulative", "_items", "_total")

    def __init__(self, weights: Mapping[T, float]):
        self._items = list(weights)
        self._cumulative = list(itertools.accumulate(weights.values()))
        self._total = self._cumulative[-1]

    def pick(self, rng: random.Random) -> T:
        return self._items[bisect.bisect_right(self._cumulative, rng.random() * self._total)]


def _chance(rng: random.Random, probability: float) -> bool:
    return rng.random() < probability


# --- The calendar ----------------------------------------------------------------------


def _easter(year: int) -> date:
    """Easter Sunday in the Gregorian calendar (the anonymous algorithm)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    leap = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * leap) // 451
    month, day = divmod(h + leap - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _public_holidays(year: int) -> set[date]:
    """France's public holidays, when the centre is closed."""
    easter = _easter(year)
    fixed = ((1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25))
    return {date(year, month, day) for month, day in fixed} | {
        easter + timedelta(days=1),
        easter + timedelta(days=39),
        easter + timedelta(days=50),
    }


def _day_weight(day: date, recency: float) -> float:
    """How busy the desk is on ``day``: busier in recent months, quiet in August and
    over the winter holidays."""
    weight = 0.45 + 1.1 * recency * recency
    if day.month == 8:
        weight *= 0.35
    elif (day.month == 12 and day.day >= 22) or (day.month == 1 and day.day <= 3):
        weight *= 0.3
    elif day.month == 9 or (day.month in (4, 5) and day.day <= 20):
        weight *= 1.15
    return weight


@dataclass(frozen=True)
class _Calendar:
    """The days the desk was open over the last two years, ``today`` last."""

    today: date
    days: tuple[date, ...]
    picker: _Weighted[int]

    @classmethod
    def build(cls, today: date) -> _Calendar:
        start = today - timedelta(days=HISTORY_DAYS)
        holidays: set[date] = set()
        for year in range(start.year, today.year + 1):
            holidays |= _public_holidays(year)
        days: list[date] = []
        weights: list[float] = []
        for offset in range(HISTORY_DAYS):
            day = start + timedelta(days=offset)
            if day.weekday() < 5 and day not in holidays:
                days.append(day)
                weights.append(_day_weight(day, offset / HISTORY_DAYS))
        # Today always counts, even when the desk opens exceptionally on a closed day.
        usual_day = today.weekday() < 5 and today not in holidays
        days.append(today)
        weights.append(_day_weight(today, 1.0) * (1.0 if usual_day else 0.3))
        return cls(today, tuple(days), _Weighted(dict(enumerate(weights))))

    @property
    def today_index(self) -> int:
        return len(self.days) - 1

    def sample(self, rng: random.Random) -> int:
        return self.picker.pick(rng)

    def distinct_days(self, rng: random.Random, count: int) -> list[int]:
        """``count`` day indices, sorted; distinct unless there are too few days."""
        if count > len(self.days) // 2:
            return sorted(self.sample(rng) for _ in range(count))
        chosen: set[int] = set()
        while len(chosen) < count:
            chosen.add(self.sample(rng))
        return sorted(chosen)

    def next_open_day(self, day: date) -> date:
        """``day``, or the Monday after it when it falls on a weekend."""
        weekday = day.weekday()
        return day + timedelta(days=7 - weekday) if weekday >= 5 else day


# --- Residents -------------------------------------------------------------------------

_ORIGINS = _Weighted({origin: origin.weight for origin in names.ORIGINS})
_GENDERS = _Weighted({"feminin": 57, "masculin": 41, "non_communique": 2})
#: Age ranges (inclusive) of the people who come to the desk, and how often.
_AGES = _Weighted(
    {(12, 17): 2, (18, 24): 6, (25, 39): 17, (40, 59): 27, (60, 69): 22, (70, 93): 20}
)
_COMMUNES = _Weighted({(commune, code): weight for commune, code, weight in names.COMMUNES})
_STATUS_BY_AGE: dict[str, _Weighted[str]] = {
    "child": _Weighted({"scolarise": 95, "non_communique": 5}),
    "young": _Weighted({"scolarise": 35, "sans_emploi": 35, "en_emploi": 20, "non_communique": 10}),
    "adult": _Weighted({"sans_emploi": 47, "en_emploi": 33, "non_communique": 17, "retraite": 3}),
    "sixties": _Weighted({"retraite": 58, "sans_emploi": 22, "en_emploi": 8, "non_communique": 12}),
    "elderly": _Weighted({"retraite": 88, "non_communique": 10, "sans_emploi": 2}),
    "unknown": _Weighted(
        {"non_communique": 50, "sans_emploi": 25, "retraite": 15, "en_emploi": 10}
    ),
}
_PHONE_STYLES = _Weighted(
    {"spaced": 55, "compact": 25, "international": 12, "dotted": 5, "international_compact": 3}
)
_DEVICE_HABITS = {
    "senior": _Weighted({"ordinateur": 35, "telephone": 40, "tablette": 15, "aucun": 10}),
    "other": _Weighted({"telephone": 50, "ordinateur": 40, "tablette": 6, "autre": 2, "aucun": 2}),
}
_SENIOR_START = _Weighted({0: 60, 1: 35, 2: 5})
_ADULT_START = _Weighted({0: 35, 1: 45, 2: 20})


def _age_group(age: int | None) -> str:
    if age is None:
        return "unknown"
    if age < 18:
        return "child"
    if age < 25:
        return "young"
    if age < 60:
        return "adult"
    return "sixties" if age < 70 else "elderly"


def _phone(rng: random.Random, age: int | None) -> str:
    """A French phone number in one of the ways people write them."""
    if age is not None and age >= 65 and _chance(rng, 0.25):
        national = f"0490{rng.randrange(10**6):06d}"
    else:
        national = f"0{rng.choice('67')}{rng.randrange(10**8):08d}"
    return _format_phone(national, _PHONE_STYLES.pick(rng))


def _format_phone(national: str, style: str) -> str:
    pairs = [national[i : i + 2] for i in range(0, 10, 2)]
    if style == "spaced":
        return " ".join(pairs)
    if style == "dotted":
        return ".".join(pairs)
    if style == "international":
        return "+33 " + national[1] + " " + " ".join(pairs[1:])
    if style == "international_compact":
        return "+33" + national[1:]
    return national


def _email(rng: random.Random, first: str, last: str, birth_year: int | None) -> str:
    def ascii_words(name: str) -> list[str]:
        words = [word.encode("ascii", "ignore").decode() for word in name_words(name)]
        return [word for word in words if word] or ["contact"]

    first_words, last_words = ascii_words(first), ascii_words(last)
    first_part, last_part = "".join(first_words), "".join(last_words)
    style = rng.randrange(4)
    if style == 0:
        local = f"{first_part}.{last_part}"
    elif style == 1:
        local = f"{first_part}{last_part}{rng.randint(1, 99)}"
    elif style == 2:
        local = f"{first_part[0]}.{last_part}"
    else:
        suffix = f"{birth_year % 100:02d}" if birth_year else str(rng.randint(1, 9))
        local = f"{last_part}.{first_part}{suffix}"
    return f"{local}@{rng.choice(names.MAIL_DOMAINS)}"


@dataclass(slots=True)
class _Person:
    """A resident to write, and what shapes their sessions."""

    resident: Resident
    origin_key: str
    group: str
    device: str
    mediator: int
    autonomy_start: int
    autonomy_gain: int
    admin_share: float
    days: list[int]
    last_procedure: int = -1


def _new_person(
    rng: random.Random,
    today: date,
    mediator_count: int,
    *,
    long_first: bool = False,
    long_last: bool = False,
) -> _Person:
    origin = _ORIGINS.pick(rng)
    gender = _GENDERS.pick(rng)
    name_gender = gender if gender != "non_communique" else rng.choice(("feminin", "masculin"))
    age: int | None = None
    if not _chance(rng, 0.06):
        low, high = _AGES.pick(rng)
        age = rng.randint(low, high)

    if long_first or _chance(rng, 0.002):
        first = rng.choice(names.VERY_LONG_FIRST_NAMES[name_gender])
    elif age is not None and age < 30 and _chance(rng, 0.3):
        first = rng.choice(names.YOUNG_FIRST_NAMES[name_gender])
    else:
        first_origin = _ORIGINS.pick(rng) if _chance(rng, 0.06) else origin
        pool = first_origin.female if name_gender == "feminin" else first_origin.male
        first = rng.choice(pool)
    if long_last or _chance(rng, 0.002):
        last = rng.choice(names.VERY_LONG_LAST_NAMES)
    elif _chance(rng, 0.04):
        last = f"{rng.choice(origin.last)}-{rng.choice(_ORIGINS.pick(rng).last)}"
    else:
        last = rng.choice(origin.last)
    if first == last:
        first = rng.choice(origin.female if name_gender == "feminin" else origin.male)

    age_group = _age_group(age)
    status = _STATUS_BY_AGE[age_group].pick(rng)
    commune, postcode = ("", "") if _chance(rng, 0.03) else _COMMUNES.pick(rng)
    phone = _phone(rng, age) if _chance(rng, 0.5 if (age or 0) >= 70 else 0.64) else ""
    email_chance = 0.3 if age is None else (0.45 if age < 60 else 0.2)
    birth_year = today.year - age if age is not None else None
    email = _email(rng, first, last, birth_year) if _chance(rng, email_chance) else ""
    if _chance(rng, 0.1):
        language = ""
    elif origin.language != "fr" and (age or 0) >= 55 and _chance(rng, 0.35):
        language = origin.language
    else:
        language = "fr"
    notes = rng.choice(names.RESIDENT_NOTES) if _chance(rng, 0.04) else ""

    senior = (age is not None and age >= 60) or status == "retraite"
    if senior:
        group = "senior"
    elif status == "scolarise":
        group = "young"
    elif origin.key != "french" and age is not None and age >= 18 and _chance(rng, 0.3):
        group = "newcomer"
    elif status == "sans_emploi":
        group = "job"
    elif age is not None and 25 <= age < 50 and _chance(rng, 0.5):
        group = "family"
    else:
        group = "general"
    device = _DEVICE_HABITS["senior" if senior else "other"].pick(rng)
    if age is not None and age >= 70:
        autonomy_start = 0 if _chance(rng, 0.85) else 1
    elif senior:
        autonomy_start = _SENIOR_START.pick(rng)
    else:
        autonomy_start = _ADULT_START.pick(rng)
    admin_share = {"newcomer": 0.7, "job": 0.6, "family": 0.55, "senior": 0.45}.get(group, 0.35)

    resident = Resident(
        first_name=first,
        last_name=last,
        birth_year=birth_year,
        gender=gender,
        social_status=status,
        commune=commune,
        postcode=postcode,
        phone=phone,
        email=email,
        language=language,
        notes=notes,
    )
    return _Person(
        resident=resident,
        origin_key=origin.key,
        group=group,
        device=device,
        mediator=rng.randrange(mediator_count),
        autonomy_start=autonomy_start,
        autonomy_gain=rng.choice((0, 1, 1, 1, 2)),
        admin_share=admin_share,
        days=[],
    )


# --- Probable duplicates ---------------------------------------------------------------

_UNACCENTED = str.maketrans({"œ": "oe", "Œ": "Oe", "ı": "i", "İ": "I", "đ": "d", "Đ": "D"})


def _without_accents(text: str) -> str:
    """``text`` as typed on a keyboard without accents, case kept."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_UNACCENTED))
    return unicodedata.normalize(
        "NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    )


def _typo(rng: random.Random, name: str) -> str:
    """``name`` with one typing slip: two letters swapped, one dropped or one doubled."""
    plain = "abcdefghijklmnopqrstuvwxyz"
    places = [i for i in range(1, len(name)) if name[i] in plain and name[i - 1] in plain]
    if not places:
        return name
    i = rng.choice(places)
    slip = rng.randrange(3)
    if slip == 0 and name[i] != name[i - 1]:
        return name[: i - 1] + name[i] + name[i - 1] + name[i + 1 :]
    if slip == 1:
        return name[:i] + name[i + 1 :]
    return name[:i] + name[i] + name[i:]


def _separators(name: str, *, last: bool) -> str:
    """``name`` with its hyphens, apostrophes or spaces typed differently."""
    if "-" in name:
        return name.replace("-", " ")
    if "'" in name:
        return name.replace("'", "")
    if " " in name and last:
        head, *rest = name.split(" ")
        return head + "".join(word[:1].lower() + word[1:] for word in rest)
    return name.replace(" ", "-")


def _slipped_names(rng: random.Random, way: str, first: str, last: str) -> tuple[str, str]:
    if way == "accents":
        return _without_accents(first), _without_accents(last)
    if way == "typo":
        if len("".join(name_words(last))) >= 5:
            return first, _typo(rng, last)
        return _typo(rng, first), last
    if way == "separators":
        return _separators(first, last=False), _separators(last, last=True)
    return first, last.upper()


_SLIP_WAYS = _Weighted({"accents": 35, "typo": 35, "separators": 15, "capitals": 15})
_SLIP_FALLBACKS = ("typo", "accents", "separators", "capitals")


def _slip(rng: random.Random, original: Resident) -> Resident:
    """The same person typed again by someone who did not find them: a slip in the
    names that the duplicate rule still sees through, contacts reformatted or left out."""
    chosen = _SLIP_WAYS.pick(rng)
    for way in (chosen, *(way for way in _SLIP_FALLBACKS if way != chosen)):
        first, last = _slipped_names(rng, way, original.first_name, original.last_name)
        if (first, last) != (original.first_name, original.last_name) and compare(
            original.first_name, original.last_name, "", "", first, last, "", ""
        ).is_probable_duplicate:
            break
    else:
        first, last = original.first_name, original.last_name.upper()
    phone = original.phone
    if phone:
        roll = rng.random()
        if roll < 0.5:
            phone = _format_phone(normalise_phone(phone), _PHONE_STYLES.pick(rng))
        elif roll < 0.75:
            phone = ""
    email = original.email if _chance(rng, 0.5) else ""
    birth_year = original.birth_year if _chance(rng, 0.8) else None
    return replace(
        original,
        first_name=first,
        last_name=last,
        phone=phone,
        email=email,
        birth_year=birth_year,
        notes="",
    )


# --- The plan --------------------------------------------------------------------------


@dataclass
class _Plan:
    """Who comes when. Events are ints: a resident's index, ``-1`` for an anonymous
    visit, ``session_base + index * ordinal_span + ordinal`` for a resident's session."""

    people: list[_Person]
    mediator_names: list[str]
    new_by_day: list[list[int]]
    sessions_by_day: list[list[int]]
    session_base: int
    ordinal_span: int

    def events(self) -> Iterator[tuple[int, int]]:
        """``(event, day index)`` in date order, each day's new residents first."""
        for day_index, (new, seen) in enumerate(
            zip(self.new_by_day, self.sessions_by_day, strict=True)
        ):
            for code in new:
                yield code, day_index
            for code in seen:
                yield code, day_index


def _plan(rng: random.Random, calendar: _Calendar, residents: int, sessions: int) -> _Plan:
    mediator_names = rng.sample(names.MEDIATOR_NAMES, rng.choice((3, 4)))
    mediator_count = len(mediator_names)
    today = calendar.today

    duplicates = 0 if residents < 4 else max(1, residents // 80)
    distinct = residents - duplicates
    people = [
        _new_person(rng, today, mediator_count, long_last=i == 0, long_first=i == 1)
        for i in range(distinct)
    ]
    twins = rng.sample(range(distinct), duplicates)
    for original_index in twins:
        original = people[original_index]
        people.append(replace(original, resident=_slip(rng, original.resident), days=[]))

    anonymous = sessions if residents == 0 else round(sessions * ANONYMOUS_SHARE)
    counts = _session_counts(rng, sessions - anonymous, distinct, residents)
    for person, count in zip(people, counts, strict=True):
        person.days = calendar.distinct_days(rng, count)
    anonymous_days = [calendar.sample(rng) for _ in range(anonymous)]
    _ensure_today(rng, calendar, people, anonymous_days, sessions)

    new_by_day: list[list[int]] = [[] for _ in calendar.days]
    sessions_by_day: list[list[int]] = [[] for _ in calendar.days]
    session_base = len(people)
    ordinal_span = max((len(person.days) for person in people), default=0) + 1
    for index, person in enumerate(people):
        first_day = person.days[0] if person.days else calendar.sample(rng)
        consent_day = first_day if _chance(rng, 0.85) else max(0, first_day - rng.randint(1, 5))
        consent = Consent(
            collected_on=calendar.days[consent_day],
            collected_by=mediator_names[person.mediator],
            language="fr",
        )
        person.resident = replace(person.resident, **consent.as_fields())
        new_by_day[consent_day].append(index)
        code = session_base + index * ordinal_span
        for ordinal, day_index in enumerate(person.days):
            sessions_by_day[day_index].append(code + ordinal)
    for day_index in anonymous_days:
        sessions_by_day[day_index].append(-1)
    for day_sessions in sessions_by_day:
        rng.shuffle(day_sessions)
    return _Plan(people, mediator_names, new_by_day, sessions_by_day, session_base, ordinal_span)


def _session_counts(rng: random.Random, named: int, distinct: int, residents: int) -> list[int]:
    """How many sessions each resident had. Everyone came at least once when there are
    sessions enough; planted duplicates once; a few regulars 100 times or more; the
    rest unevenly."""
    counts = [0] * residents
    if residents == 0 or named == 0:
        return counts
    if named < residents:
        for index in rng.sample(range(residents), named):
            counts[index] = 1
        return counts
    counts = [1] * residents
    extra = named - residents
    regulars = min(20, max(1, distinct // 130))
    while regulars and regulars * 180 > extra:
        regulars -= 1
    for index in rng.sample(range(distinct), regulars):
        more = rng.randint(99, 179)
        counts[index] += more
        extra -= more
    others = [index for index in range(distinct) if counts[index] == 1]
    if extra and others:
        weights = [min(8.0, rng.lognormvariate(0.0, 1.0)) for _ in others]
        for index in rng.choices(others, weights=weights, k=extra):
            counts[index] += 1
    elif extra:
        counts[0] += extra
    return counts


def _ensure_today(
    rng: random.Random,
    calendar: _Calendar,
    people: list[_Person],
    anonymous_days: list[int],
    sessions: int,
) -> None:
    """Move some last visits to today until at least ``TODAY_MINIMUM`` sessions fall on
    it (fewer when there are fewer sessions)."""
    today_index = calendar.today_index
    on_today = anonymous_days.count(today_index) + sum(
        1 for person in people if person.days and person.days[-1] == today_index
    )
    missing = min(sessions, TODAY_MINIMUM) - on_today
    if missing <= 0:
        return
    if anonymous_days and today_index not in anonymous_days:
        anonymous_days[rng.randrange(len(anonymous_days))] = today_index
        missing -= 1
    candidates = [
        index
        for index, person in enumerate(people)
        if person.days and person.days[-1] != today_index
    ]
    rng.shuffle(candidates)
    for index in candidates[:missing]:
        people[index].days[-1] = today_index
        missing -= 1
    for position, day_index in enumerate(anonymous_days):
        if missing <= 0:
            break
        if day_index != today_index:
            anonymous_days[position] = today_index
            missing -= 1


# --- Sessions --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Procedure:
    name: str
    admin_themes: tuple[str, ...]
    #: How often each group of residents comes for it.
    weights: dict[str, float]
    #: A general theme that often goes with it.
    theme: str = ""
    #: Busier in April to June (tax returns).
    spring: bool = False


_GROUPS = ("senior", "job", "family", "newcomer", "young", "general")

_PROCEDURES: tuple[_Procedure, ...] = (
    _Procedure(
        "CAF – prime d'activité",
        ("social_sante",),
        {"job": 6, "family": 6, "general": 3, "newcomer": 3, "young": 2},
    ),
    _Procedure(
        "CAF – déclaration trimestrielle RSA",
        ("social_sante",),
        {"job": 8, "general": 2, "newcomer": 3},
    ),
    _Procedure(
        "CAF – aide au logement",
        ("logement",),
        {"family": 4, "job": 3, "general": 3, "newcomer": 4, "senior": 1, "young": 4},
    ),
    _Procedure(
        "CAF – changement de situation",
        ("famille_scolarite",),
        {"family": 5, "general": 2, "job": 1},
    ),
    _Procedure(
        "Ameli – attestation de droits",
        ("social_sante",),
        {"senior": 6, "general": 4, "family": 3, "job": 3, "newcomer": 3},
        "sante",
    ),
    _Procedure(
        "Ameli – commande de carte Vitale",
        ("social_sante",),
        {"senior": 3, "general": 2, "family": 2, "newcomer": 3, "young": 2},
        "sante",
    ),
    _Procedure(
        "Ameli – Complémentaire santé solidaire",
        ("social_sante",),
        {"senior": 3, "job": 3, "newcomer": 2, "general": 1},
        "sante",
    ),
    _Procedure(
        "Doctolib – prise de rendez-vous",
        ("social_sante",),
        {"senior": 8, "general": 3, "family": 3, "newcomer": 2, "job": 1},
        "sante",
    ),
    _Procedure(
        "Mon Espace Santé – activation",
        ("social_sante",),
        {"senior": 2, "general": 1, "family": 1},
        "sante",
    ),
    _Procedure(
        "ANTS – carte d'identité",
        ("papiers_elections_citoyennete",),
        {"senior": 3, "general": 3, "family": 3, "job": 2, "young": 3},
    ),
    _Procedure(
        "ANTS – passeport",
        ("papiers_elections_citoyennete",),
        {"senior": 2, "general": 2, "family": 3, "newcomer": 1, "young": 1},
    ),
    _Procedure(
        "ANTS – permis de conduire",
        ("transports_mobilite",),
        {"job": 2, "young": 4, "general": 1, "family": 1},
    ),
    _Procedure(
        "ANTS – certificat d'immatriculation",
        ("transports_mobilite",),
        {"general": 2, "family": 1, "senior": 1, "job": 1},
    ),
    _Procedure(
        "impots.gouv – déclaration de revenus",
        ("argent_impots",),
        {"senior": 3, "general": 3, "family": 3, "job": 2, "newcomer": 1},
        spring=True,
    ),
    _Procedure(
        "impots.gouv – avis d'impôt",
        ("argent_impots",),
        {"senior": 2, "general": 2, "family": 2, "job": 1, "newcomer": 1},
    ),
    _Procedure(
        "France Travail – actualisation",
        ("travail_formation",),
        {"job": 10, "young": 3, "newcomer": 2},
        "insertion_professionnelle",
    ),
    _Procedure(
        "France Travail – inscription",
        ("travail_formation",),
        {"job": 4, "young": 3, "newcomer": 3},
        "insertion_professionnelle",
    ),
    _Procedure(
        "Mon Compte Formation",
        ("travail_formation",),
        {"job": 3, "young": 2, "general": 1},
        "insertion_professionnelle",
    ),
    _Procedure("ANEF – titre de séjour", ("etrangers_europe",), {"newcomer": 12, "job": 1}),
    _Procedure(
        "ANEF – naturalisation",
        ("etrangers_europe", "papiers_elections_citoyennete"),
        {"newcomer": 4},
    ),
    _Procedure(
        "Assurance retraite – demande de retraite", ("social_sante",), {"senior": 6, "job": 1}
    ),
    _Procedure(
        "info-retraite – relevé de carrière",
        ("travail_formation",),
        {"senior": 3, "job": 1, "general": 1},
    ),
    _Procedure(
        "Pronote – suivi scolaire",
        ("famille_scolarite",),
        {"family": 6, "newcomer": 2, "general": 1},
        "scolarite_et_numerique",
    ),
    _Procedure(
        "Inscription à la cantine scolaire", ("famille_scolarite",), {"family": 3, "newcomer": 1}
    ),
    _Procedure(
        "service-public.fr – acte de naissance",
        ("papiers_elections_citoyennete",),
        {"general": 2, "family": 2, "senior": 1, "newcomer": 2, "young": 1},
    ),
    _Procedure(
        "Demande de logement social",
        ("logement",),
        {"family": 3, "job": 3, "newcomer": 3, "general": 2, "young": 2},
    ),
    _Procedure(
        "Chèque énergie", ("logement", "argent_impots"), {"senior": 2, "general": 1, "job": 1}
    ),
    _Procedure(
        "ANTAI – paiement d'une amende",
        ("transports_mobilite",),
        {"general": 2, "job": 1, "family": 1, "young": 1},
    ),
    _Procedure(
        "Casier judiciaire – bulletin n°3", ("justice",), {"job": 2, "young": 1, "newcomer": 1}
    ),
    _Procedure(
        "Inscription sur les listes électorales",
        ("papiers_elections_citoyennete",),
        {"general": 1, "senior": 1, "young": 2, "newcomer": 1},
    ),
    _Procedure("Le Compte Asso – demande de subvention", ("associations",), {"general": 1}),
    _Procedure("Pass'Sport", ("loisirs_sports_culture",), {"family": 2, "young": 2}),
    _Procedure(
        "FranceConnect – création de compte",
        ("papiers_elections_citoyennete",),
        {"senior": 3, "general": 2, "newcomer": 2, "job": 2, "young": 1},
        "securite_numerique",
    ),
    _Procedure(
        "Zou ! – abonnement de transport",
        ("transports_mobilite",),
        {"young": 3, "family": 1, "general": 1, "senior": 1},
    ),
)

_GENERAL_THEMES = _Weighted(
    {
        "navigation_sur_internet": 14,
        "email": 14,
        "prendre_en_main_du_materiel": 14,
        "banque_et_achats_en_ligne": 7,
        "sante": 5,
        "insertion_professionnelle": 7,
        "securite_numerique": 5,
        "bureautique": 6,
        "reseaux_sociaux": 6,
        "scolarite_et_numerique": 3,
        "parentalite": 1,
        "gere_ses_contenus_numeriques": 6,
        "diagnostic_numerique": 2,
        "maintenance_de_materiel": 4,
        "creer_avec_le_numerique": 1,
        "culture_numerique": 1,
        "intelligence_artificielle": 2,
        "entrepreneuriat": 1,
    }
)
_DURATIONS = _Weighted({15: 10, 30: 30, 45: 22, 60: 20, 90: 10, 120: 4})
_ANONYMOUS_DURATIONS = _Weighted({15: 40, 30: 35, 45: 15, 60: 10})
_CUSTOM_DURATIONS = (10, 20, 25, 40, 50, 75, 100, 150, 180)
_PLACES = _Weighted({"lieu_activite": 86, "a_distance": 8, "domicile": 3, "autre": 3})
_DEVICES = _Weighted({"ordinateur": 45, "telephone": 38, "tablette": 9, "autre": 2, "aucun": 6})
_ADMIN_REFERRALS = _Weighted(
    {
        "operateur_ou_organisme_en_charge": 40,
        "aide_aux_demarches_administratives": 20,
        "administration": 20,
        "aide_sociale": 15,
        "autre": 5,
    }
)
_OTHER_REFERRALS = _Weighted(
    {"mediation_numerique": 50, "insertion_professionnelle": 25, "autre": 25}
)
_FOLLOW_UP_DELAYS = (1, 2, 3, 7, 7, 7, 14, 14, 21, 28, 30)
_ANONYMOUS_GENDERS = _Weighted({"feminin": 50, "masculin": 42, "non_communique": 5, None: 3})
_AUTONOMY = AUTONOMY_LEVELS.codes


def _procedure_pickers() -> dict[tuple[str, bool], _Weighted[int]]:
    """A procedure picker for each group of residents, out of and in tax season."""
    pickers: dict[tuple[str, bool], _Weighted[int]] = {}
    for group in _GROUPS:
        for spring in (False, True):
            weights: dict[int, float] = {}
            for index, procedure in enumerate(_PROCEDURES):
                weight = procedure.weights.get(group, 0.0)
                if weight:
                    weights[index] = weight * (3.0 if spring and procedure.spring else 1.0)
            pickers[group, spring] = _Weighted(weights)
    return pickers


_PROCEDURE_PICKERS = _procedure_pickers()


class _SessionMaker:
    """Makes the session records, in date order."""

    def __init__(self, rng: random.Random, calendar: _Calendar, mediator_ids: list[str]):
        self._rng = rng
        self._calendar = calendar
        self._mediator_ids = mediator_ids
        self._due_today = 0
        self._overdue_open = 0

    def _duration(self, picker: _Weighted[int]) -> int:
        if _chance(self._rng, 0.04):
            return self._rng.choice(_CUSTOM_DURATIONS)
        return picker.pick(self._rng)

    def _admin(self, group: str, day: date, last: int) -> tuple[int, _Procedure]:
        if last >= 0 and _chance(self._rng, 0.4):
            return last, _PROCEDURES[last]
        index = _PROCEDURE_PICKERS[group, 4 <= day.month <= 6].pick(self._rng)
        return index, _PROCEDURES[index]

    def for_resident(
        self, person: _Person, resident_id: str, ordinal: int, day_index: int
    ) -> dict[str, object]:
        rng = self._rng
        calendar = self._calendar
        day = calendar.days[day_index]
        themes: list[str] = []
        if ordinal == 0 and _chance(rng, 0.35):
            themes.append("diagnostic_numerique")
        admin_themes: tuple[str, ...] = ()
        procedure_name = ""
        admin = _chance(rng, person.admin_share)
        if admin:
            person.last_procedure, procedure = self._admin(person.group, day, person.last_procedure)
            themes.append(ADMIN_HELP_THEME)
            admin_themes = procedure.admin_themes
            procedure_name = procedure.name
            if procedure.theme and _chance(rng, 0.3):
                themes.append(procedure.theme)
        else:
            themes.append(_GENERAL_THEMES.pick(rng))
        if len(themes) < 2 and _chance(rng, 0.25):
            themes.append(_GENERAL_THEMES.pick(rng))
        themes = list(dict.fromkeys(themes))[:2]

        place = _PLACES.pick(rng)
        if place == "a_distance":
            device = "telephone" if _chance(rng, 0.85) else "ordinateur"
        else:
            device = person.device if _chance(rng, 0.7) else _DEVICES.pick(rng)

        autonomy: str | None = None
        if not _chance(rng, 0.08):
            count = len(person.days)
            progress = ordinal / (count - 1) if count > 1 else 0.0
            score = person.autonomy_start + person.autonomy_gain * progress + rng.uniform(-0.7, 0.7)
            autonomy = _AUTONOMY[min(2, max(0, round(score)))]

        referred = _chance(rng, 0.1 if admin else 0.03)
        referral_to = (
            (_ADMIN_REFERRALS if admin else _OTHER_REFERRALS).pick(rng) if referred else None
        )

        follow_up = _chance(rng, 0.22 if admin else 0.08)
        is_today = day_index == calendar.today_index
        if is_today and self._due_today < DUE_TODAY_MINIMUM:
            follow_up = True
        follow_up_date: str | None = None
        follow_up_done = False
        if follow_up:
            today = calendar.today
            if (is_today and self._due_today < DUE_TODAY_MINIMUM) or (
                (today - day).days <= 21 and _chance(rng, 0.15)
            ):
                due = today
            else:
                due = calendar.next_open_day(day + timedelta(days=rng.choice(_FOLLOW_UP_DELAYS)))
            if due == today:
                self._due_today += 1
            elif due < today:
                # Most follow-ups get done; the recent ones are more often still pending.
                done_chance = 0.93 if (today - due).days > 14 else 0.6
                follow_up_done = self._overdue_open >= OVERDUE_OPEN_MINIMUM and _chance(
                    rng, done_chance
                )
                if not follow_up_done:
                    self._overdue_open += 1
            follow_up_date = due.isoformat()

        mediator = person.mediator if _chance(rng, 0.7) else rng.randrange(len(self._mediator_ids))
        return SupportSession(
            date=day.isoformat(),
            duration_min=self._duration(_DURATIONS),
            themes=tuple(themes),
            resident_id=resident_id,
            place_type=place,
            device=device,
            admin_themes=admin_themes,
            procedure=procedure_name,
            autonomy=autonomy,
            referred=referred,
            referral_to=referral_to,
            follow_up_needed=follow_up,
            follow_up_date=follow_up_date,
            follow_up_done=follow_up_done,
            notes=rng.choice(names.SESSION_NOTES) if _chance(rng, 0.05) else "",
            mediator_id=self._mediator_ids[mediator],
        ).to_record()

    def anonymous(self, day_index: int) -> dict[str, object]:
        """A walk-in who did not want to be registered: only a profile is kept."""
        rng = self._rng
        day = self._calendar.days[day_index]
        roll = rng.random()
        age_band: str | None
        if roll < 0.05:
            age_band = None
        elif roll < 0.1:
            age_band = "non_communique"
        else:
            low, high = _AGES.pick(rng)
            age = rng.randint(low, high)
            age_band = age_band_for(day.year - age, day.year)
        age = _band_age(age_band)
        status = _STATUS_BY_AGE[_age_group(age)].pick(rng) if not _chance(rng, 0.05) else None
        commune = "" if _chance(rng, 0.1) else _COMMUNES.pick(rng)[0]

        themes: tuple[str, ...]
        admin_themes: tuple[str, ...] = ()
        procedure_name = ""
        if _chance(rng, 0.45):
            _index, procedure = self._admin("general", day, -1)
            themes = (ADMIN_HELP_THEME,)
            admin_themes = procedure.admin_themes
            procedure_name = procedure.name
        else:
            themes = (_GENERAL_THEMES.pick(rng),)
        place = "a_distance" if _chance(rng, 0.1) else "lieu_activite"
        device = "telephone" if place == "a_distance" else _DEVICES.pick(rng)
        autonomy = None if _chance(rng, 0.4) else rng.choice(_AUTONOMY)
        referred = _chance(rng, 0.1)
        referral_to = _ADMIN_REFERRALS.pick(rng) if referred else None
        return SupportSession(
            date=day.isoformat(),
            duration_min=self._duration(_ANONYMOUS_DURATIONS),
            themes=themes,
            resident_id=None,
            place_type=place,
            device=device,
            admin_themes=admin_themes,
            procedure=procedure_name,
            autonomy=autonomy,
            referred=referred,
            referral_to=referral_to,
            notes=rng.choice(names.SESSION_NOTES) if _chance(rng, 0.02) else "",
            mediator_id=rng.choice(self._mediator_ids),
            anon_gender=_ANONYMOUS_GENDERS.pick(rng),
            anon_age_band=age_band,
            anon_social_status=status,
            anon_commune=commune,
        ).to_record()


_BAND_AGES = {
    "moins_de_douze": 10,
    "douze_dix_huit": 15,
    "dix_huit_vingt_quatre": 21,
    "vingt_cinq_trente_neuf": 32,
    "quarante_cinquante_neuf": 50,
    "soixante_soixante_neuf": 65,
    "soixante_dix_plus": 75,
}


def _band_age(band: str | None) -> int | None:
    """A typical age in an age band, to draw a matching social status."""
    return _BAND_AGES.get(band or "")
