"""Every figure of the activity report, defined once, computed from activity records.

``compute_statistics`` is a pure function over ``Activity`` records
(``reports/activities.py``): the desk and the coordinator, who only has records, get the
same figures from the same records. It reads no database and knows nothing of Qt.

Each figure is a field of ``Statistics``; its precise definition is the ``Definition``
of the same name in ``DEFINITIONS`` (English message ids, translated where the report's
appendix shows them). The inclusion-progress figures are not computed here: they come
from ``store.progress_stats.CentreProgress``, which the caller adds with
``dataclasses.replace(statistics, progress=...)``.

Who counts as one person: a participant's pseudonym is per centre, so the identity used
for counting is the pair (centre, pseudonym). A desk passes its own records and leaves
``centre_of`` out (one centre); a coordinator adding up several centres passes
``centre_of``, which tells each activity's centre.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from mediator_app.domain.codes import (
    ADMIN_THEMES,
    AGE_BANDS,
    AUTONOMY_LEVELS,
    DEVICES,
    GENDERS,
    PLACE_TYPES,
    REFERRAL_STRUCTURES,
    SOCIAL_STATUSES,
    THEMES,
    CodeList,
)
from mediator_app.domain.markers import N_
from mediator_app.reports.activities import (
    COLLECTIVE,
    INDIVIDUAL,
    NOT_GIVEN,
    Activity,
    Participant,
)
from mediator_app.store.progress_stats import CentreProgress

#: La Coop's duration bands. Boundaries in minutes: [0, 30), [30, 60), [60, 120),
#: [120, ∞): a 30-minute session is in "30 min to under 1 h", a 2-hour one in "2 h or more".
DURATION_BANDS = CodeList(
    "duration_band",
    (
        ("moins_de_30_min", N_("Under 30 min")),
        ("30_min_a_1_h", N_("30 min to under 1 h")),
        ("1_h_a_2_h", N_("1 h to under 2 h")),
        ("2_h_et_plus", N_("2 h or more")),
    ),
)

#: The key of the communes left out of the top communes in ``Profiles.commune``.
OTHER_COMMUNES = "autres_communes"
#: How many communes ``Profiles.commune`` names before grouping the rest.
TOP_COMMUNES = 10

_TOOK_PART = ("present", "late")


def duration_band(duration_min: int) -> str:
    """The code of the duration band of ``duration_min`` minutes (see
    ``DURATION_BANDS``); a negative duration falls in the first band."""
    if duration_min < 30:
        return "moins_de_30_min"
    if duration_min < 60:
        return "30_min_a_1_h"
    if duration_min < 120:
        return "1_h_a_2_h"
    return "2_h_et_plus"


@dataclass(frozen=True)
class Definition:
    """One figure's definition for the report's appendix. ``figure`` names the field of
    ``Statistics`` (or of ``CentreProgress`` for ``progress.*``); ``title`` and ``text``
    are untranslated message ids."""

    figure: str
    title: str
    text: str


@dataclass(frozen=True)
class Profiles:
    """Counts of people by profile: each dict maps a code to a number of people.

    ``gender``, ``age_band`` and ``social_status`` hold every code of La Coop's list, in
    its order, zeros included, then any unknown code found (alphabetical order).
    ``commune`` holds the ``TOP_COMMUNES`` communes with most people (most first, ties
    in alphabetical order), then ``OTHER_COMMUNES`` for the rest and ``"non_communique"``
    for people without a commune, each only when it counts someone. A commune is its
    name as written, spaces trimmed.
    """

    people: int
    gender: dict[str, int]
    age_band: dict[str, int]
    social_status: dict[str, int]
    commune: dict[str, int]


@dataclass(frozen=True)
class Statistics:
    """The figures of one period (``start``..``end``, both included), after the filters.

    Each figure is defined by the ``Definition`` of the same name in ``DEFINITIONS``.
    Dicts of counts map a code to a count: every code of the matching La Coop list in
    its order, zeros included (so two periods line up), then ``"non_communique"`` where
    a value may be missing, then any unknown code found, alphabetically, when non-zero.
    Durations are in minutes; the ``*_hours`` properties divide by 60.
    """

    start: date
    end: date
    #: The mediator filter, or None.
    mediator_id: str | None
    #: The theme filter, or None.
    theme: str | None

    # Residents
    residents_helped: int
    new_residents: int
    returning_residents: int
    anonymous_visits: int
    anonymous_workshop_participants: int

    # Activities
    individual_sessions: int
    workshop_sessions: int
    individual_minutes: int
    workshop_minutes: int
    activities_by_theme: dict[str, int]
    minutes_by_theme: dict[str, int]
    sessions_by_admin_theme: dict[str, int]
    minutes_by_admin_theme: dict[str, int]
    activities_by_duration_band: dict[str, int]
    sessions_by_autonomy: dict[str, int]
    sessions_by_place_type: dict[str, int]
    sessions_by_device: dict[str, int]
    referrals: int
    referrals_by_structure: dict[str, int]

    # Workshops
    workshop_registrations: int
    workshop_registered_attended: int
    workshop_attended: int
    workshop_no_shows: int
    workshop_excused: int
    workshop_attendance_not_entered: int
    workshop_walk_ins: int
    workshop_waiting_list: int

    # Profiles
    profiles: Profiles
    anonymous_visit_profiles: Profiles
    anonymous_workshop_profiles: Profiles

    #: Inclusion progress over the period, added by the caller from
    #: ``store.progress_stats.centre_progress``; None until then.
    progress: CentreProgress | None = None

    @property
    def activities(self) -> int:
        """Individual sessions plus workshop sessions."""
        return self.individual_sessions + self.workshop_sessions

    @property
    def minutes(self) -> int:
        return self.individual_minutes + self.workshop_minutes

    @property
    def individual_hours(self) -> float:
        return self.individual_minutes / 60

    @property
    def workshop_hours(self) -> float:
        return self.workshop_minutes / 60

    @property
    def workshop_attendance_rate(self) -> float | None:
        """``workshop_registered_attended / workshop_registrations``, between 0 and 1;
        None when nobody was registered."""
        if not self.workshop_registrations:
            return None
        return self.workshop_registered_attended / self.workshop_registrations


#: The fields of ``Statistics`` that are settings of the computation, not figures.
SETTINGS_FIELDS = ("start", "end", "mediator_id", "theme", "progress")

# Message ids are whole English sentences; the appendix shows them in this order.
DEFINITIONS: list[Definition] = [
    Definition(
        "residents_helped",
        N_("Residents helped"),
        N_(
            "The number of distinct residents known by name who received individual help "
            "or took part in a workshop (marked present or late) during the period. Each "
            "person is counted once, however often they came. Anonymous visits and "
            "workshop participants who gave no name are not included."
        ),
    ),
    Definition(
        "new_residents",
        N_("New residents"),
        N_(
            "Residents helped whose first help ever (an individual session, or a workshop "
            "they attended) falls within the period, or whose first help is not known."
        ),
    ),
    Definition(
        "returning_residents",
        N_("Returning residents"),
        N_(
            "Residents helped who had already been helped before the period started. New "
            "and returning residents add up to the residents helped."
        ),
    ),
    Definition(
        "anonymous_visits",
        N_("Anonymous visits"),
        N_(
            "Individual sessions given without recording the resident's name. Each visit "
            "counts once, since an anonymous visitor cannot be recognised from one visit "
            "to the next."
        ),
    ),
    Definition(
        "anonymous_workshop_participants",
        N_("Workshop participants without a name"),
        N_(
            "The sum, over the workshop sessions of the period, of the participants "
            "counted without a name. Someone who came to two sessions counts twice."
        ),
    ),
    Definition(
        "individual_sessions",
        N_("Individual sessions"),
        N_(
            "Individual help sessions in the period, anonymous visits included. Each "
            "session is one activity."
        ),
    ),
    Definition(
        "workshop_sessions",
        N_("Workshop sessions"),
        N_(
            "Workshop sessions held in the period, cancelled sessions excluded. As La Coop "
            "counts it, a workshop session is one activity, whatever the number of "
            "participants."
        ),
    ),
    Definition(
        "individual_minutes",
        N_("Hours of individual help"),
        N_("The sum of the durations of the individual sessions of the period."),
    ),
    Definition(
        "workshop_minutes",
        N_("Hours of workshops"),
        N_(
            "The sum of the durations of the workshop sessions of the period. A workshop "
            "session counts its duration once, not once per participant."
        ),
    ),
    Definition(
        "activities_by_theme",
        N_("Activities by theme"),
        N_(
            "Individual sessions and workshop sessions by theme. An activity with several "
            "themes counts once under each of them, so the themes add up to more than the "
            "number of activities."
        ),
    ),
    Definition(
        "minutes_by_theme",
        N_("Hours by theme"),
        N_(
            "The durations of the individual sessions and workshop sessions by theme. An "
            "activity with several themes counts its whole duration under each of them; a "
            "workshop session counts its duration once."
        ),
    ),
    Definition(
        "sessions_by_admin_theme",
        N_("Sessions by administrative theme"),
        N_(
            "Individual sessions of help with online procedures, by administrative theme. "
            "A session with several administrative themes counts once under each of them."
        ),
    ),
    Definition(
        "minutes_by_admin_theme",
        N_("Hours by administrative theme"),
        N_(
            "The durations of the individual sessions of help with online procedures, by "
            "administrative theme. A session with several administrative themes counts "
            "its whole duration under each of them."
        ),
    ),
    Definition(
        "activities_by_duration_band",
        N_("Activities by duration"),
        N_(
            "Individual sessions and workshop sessions by duration: under 30 minutes; "
            "from 30 minutes to under 1 hour; from 1 hour to under 2 hours; 2 hours or "
            "more. A session of exactly 30 minutes is in the second band, one of exactly "
            "1 hour in the third, one of exactly 2 hours in the last."
        ),
    ),
    Definition(
        "sessions_by_autonomy",
        N_("Sessions by autonomy"),
        N_(
            "Individual sessions, anonymous visits included, by the resident's autonomy "
            "during the session as the mediator recorded it, with the sessions where it "
            "was not given. Workshops are not included."
        ),
    ),
    Definition(
        "sessions_by_place_type",
        N_("Sessions by place"),
        N_(
            "Individual sessions, anonymous visits included, by the kind of place where "
            "the help was given: at the centre, at home, remotely, or elsewhere."
        ),
    ),
    Definition(
        "sessions_by_device",
        N_("Sessions by device"),
        N_(
            "Individual sessions, anonymous visits included, by the device used during the session."
        ),
    ),
    Definition(
        "referrals",
        N_("Referrals"),
        N_(
            "Individual sessions at the end of which the resident was referred to another "
            "structure."
        ),
    ),
    Definition(
        "referrals_by_structure",
        N_("Referrals by structure"),
        N_(
            "The referrals by the kind of structure the resident was referred to; a "
            "referral without a structure is counted as not given."
        ),
    ),
    Definition(
        "workshop_registrations",
        N_("Workshop registrations"),
        N_(
            "Over the workshop sessions of the period, the residents who had a place "
            "booked: registered ones, not those on the waiting list nor those who came "
            "without registering. A resident registered to two sessions counts twice."
        ),
    ),
    Definition(
        "workshop_registered_attended",
        N_("Registered residents who came"),
        N_("The workshop registrations whose resident was marked present or late."),
    ),
    Definition(
        "workshop_attendance_rate",
        N_("Workshop attendance rate"),
        N_(
            "The registered residents who came divided by the workshop registrations. It "
            "is not given when nobody was registered. Walk-ins and participants without a "
            "name are not part of it."
        ),
    ),
    Definition(
        "workshop_attended",
        N_("Workshop participants"),
        N_(
            "Over the workshop sessions of the period, the residents known by name who "
            "were marked present or late, walk-ins included. Someone who came to two "
            "sessions counts twice. Participants without a name are counted apart."
        ),
    ),
    Definition(
        "workshop_no_shows",
        N_("Workshop no-shows"),
        N_("The workshop registrations whose resident was marked absent."),
    ),
    Definition(
        "workshop_excused",
        N_("Excused absences"),
        N_(
            "The workshop registrations whose resident was marked excused; they are not "
            "counted as no-shows."
        ),
    ),
    Definition(
        "workshop_attendance_not_entered",
        N_("Attendance not entered"),
        N_(
            "The workshop registrations whose attendance has not been entered. Registered "
            "residents who came, no-shows, excused absences and attendance not entered "
            "add up to the registrations."
        ),
    ),
    Definition(
        "workshop_walk_ins",
        N_("Walk-ins"),
        N_(
            "Over the workshop sessions of the period, the residents known by name who "
            "came without having registered."
        ),
    ),
    Definition(
        "workshop_waiting_list",
        N_("Waiting list"),
        N_(
            "Over the workshop sessions of the period, the residents who were still on "
            "the waiting list."
        ),
    ),
    Definition(
        "profiles",
        N_("Profiles of the residents helped"),
        N_(
            "The residents helped by gender, age band, social status and commune. Each "
            "person is counted once, with the profile recorded at their latest activity "
            "of the period. The age band is computed from the year of birth in the year "
            "of that activity. The communes with most residents are named; the others are "
            "grouped."
        ),
    ),
    Definition(
        "anonymous_visit_profiles",
        N_("Profiles of anonymous visits"),
        N_("The anonymous visits by the profile recorded for the visitor; each visit counts once."),
    ),
    Definition(
        "anonymous_workshop_profiles",
        N_("Profiles of workshop participants without a name"),
        N_(
            "The workshop participants without a name by the profile recorded for them; "
            "each participant of each session counts once. No commune is recorded for them."
        ),
    ),
    Definition(
        "progress.moved_up",
        N_("Residents who moved up a level, by area"),
        N_(
            "For each area of the skills checklist, the residents assessed during the "
            "period who, at the end of it, have at least one item of the area rated "
            "higher than before their assessments of the period."
        ),
    ),
    Definition(
        "progress.moved_up_any",
        N_("Residents who moved up a level"),
        N_("The distinct residents who moved up at least one level in at least one area."),
    ),
]


def previous_period(start: date, end: date) -> tuple[date, date]:
    """The period of the same length just before ``start``..``end`` (both included).

    A period of whole calendar months (from the 1st of a month to the last day of a
    month) gives as many whole months just before it: the previous quarter of a quarter.
    Any other period gives the same number of days, ending the day before ``start``.
    Raises ``ValueError`` when ``start`` is after ``end``.
    """
    if start > end:
        raise ValueError(f"the period starts ({start}) after it ends ({end})")
    if start.day == 1 and (end + timedelta(days=1)).day == 1:
        months = (end.year - start.year) * 12 + end.month - start.month + 1
        index = start.year * 12 + start.month - 1 - months
        return date(index // 12, index % 12 + 1, 1), start - timedelta(days=1)
    length = end - start + timedelta(days=1)
    return start - length, start - timedelta(days=1)


def compute_statistics(
    activities: Iterable[Activity],
    *,
    start: date,
    end: date,
    mediator_id: str | None = None,
    theme: str | None = None,
    centre_of: Callable[[Activity], str] | None = None,
    top_communes: int = TOP_COMMUNES,
) -> Statistics:
    """The figures of ``Statistics`` (see ``DEFINITIONS``) for ``start``..``end``.

    ``activities`` may hold activities outside the period: only those dated ``start``
    to ``end`` (both included) are counted. Filters:

    - ``mediator_id`` keeps the individual sessions that mediator logged. Workshops have
      no mediator in the records, so none is kept when this filter is set.
    - ``theme`` keeps the activities (individual or workshop) having that theme among
      theirs; the figures by theme then show the themes found alongside it.

    ``centre_of`` tells the centre of each activity, for a coordinator adding up several
    centres: pseudonyms are per centre, so a person is the pair (centre, pseudonym), and
    the same pseudonym in two centres is two people. Left out, every activity belongs to
    one centre. Records are read once, in any order; the result does not depend on it.
    Raises ``ValueError`` when ``start`` is after ``end``.
    """
    if start > end:
        raise ValueError(f"the period starts ({start}) after it ends ({end})")
    first_day, last_day = start.isoformat(), end.isoformat()
    tally = _Tally()
    for activity in activities:
        if not first_day <= activity.date[:10] <= last_day:
            continue
        if mediator_id is not None and (
            activity.kind != INDIVIDUAL or activity.mediator_id != mediator_id
        ):
            continue
        if theme is not None and theme not in activity.themes:
            continue
        centre = centre_of(activity) if centre_of is not None else ""
        if activity.kind == COLLECTIVE:
            tally.add_workshop(activity, centre)
        else:
            tally.add_session(activity, centre)
    return tally.statistics(start, end, mediator_id, theme, top_communes)


# Computation -------------------------------------------------------------------------


class _Tally:
    """Counters filled activity by activity, then turned into ``Statistics``."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.by_theme: Counter[str] = Counter()
        self.minutes_by_theme: Counter[str] = Counter()
        self.by_admin_theme: Counter[str] = Counter()
        self.minutes_by_admin_theme: Counter[str] = Counter()
        self.by_duration_band: Counter[str] = Counter()
        self.by_autonomy: Counter[str] = Counter()
        self.by_place_type: Counter[str] = Counter()
        self.by_device: Counter[str] = Counter()
        self.by_referral: Counter[str] = Counter()
        self.anonymous_visits = _ProfileCounter()
        self.anonymous_groups = _ProfileCounter()
        #: (centre, pseudonym) -> earliest first_seen known (None: unknown).
        self.first_seen: dict[tuple[str, str], str | None] = {}
        #: (centre, pseudonym) -> (date, activity id, participant) of the latest activity.
        self.latest: dict[tuple[str, str], tuple[str, str, Participant]] = {}

    def _add_activity(self, activity: Activity) -> None:
        minutes = activity.duration_min
        themes = activity.themes or (NOT_GIVEN,)
        # Most activities have one theme: no need to drop repeats then.
        for code in themes if len(themes) == 1 else dict.fromkeys(themes):
            self.by_theme[code] += 1
            self.minutes_by_theme[code] += minutes
        self.by_duration_band[duration_band(minutes)] += 1

    def _helped(
        self, person: tuple[str, str], activity: Activity, participant: Participant
    ) -> None:
        first_seen = participant.first_seen
        if person in self.first_seen:
            known = self.first_seen[person]
            if known is not None and (first_seen is None or first_seen > known):
                first_seen = known
        self.first_seen[person] = first_seen
        stamp = (activity.date, activity.id, participant)
        latest = self.latest.get(person)
        if latest is None or stamp[:2] > latest[:2]:
            self.latest[person] = stamp

    def add_session(self, activity: Activity, centre: str) -> None:
        self._add_activity(activity)
        minutes = activity.duration_min
        self.counts["individual_sessions"] += 1
        self.counts["individual_minutes"] += minutes
        if activity.admin_themes:
            for code in dict.fromkeys(activity.admin_themes):
                self.by_admin_theme[code] += 1
                self.minutes_by_admin_theme[code] += minutes
        self.by_autonomy[activity.autonomy or NOT_GIVEN] += 1
        self.by_place_type[activity.place_type or NOT_GIVEN] += 1
        self.by_device[activity.device or NOT_GIVEN] += 1
        if activity.referred:
            self.counts["referrals"] += 1
            self.by_referral[activity.referral_to or NOT_GIVEN] += 1
        participants = activity.participants
        # An individual session has one participant: look at it rather than at
        # ``anonymous_visit``, which walks them all.
        anonymous = not participants[0].key if len(participants) == 1 else activity.anonymous_visit
        if anonymous:
            self.counts["anonymous_visits"] += 1
            visitor = activity.participants[0] if activity.participants else None
            self.anonymous_visits.add(visitor, 1)
            return
        for participant in activity.participants:
            if participant.key:
                self._helped((centre, participant.key), activity, participant)

    def add_workshop(self, activity: Activity, centre: str) -> None:
        self._add_activity(activity)
        self.counts["workshop_sessions"] += 1
        self.counts["workshop_minutes"] += activity.duration_min
        counts = self.counts
        for participant in activity.participants:
            took_part = participant.attendance in _TOOK_PART
            if not participant.key:
                if took_part:
                    counts["anonymous_workshop_participants"] += participant.count
                    self.anonymous_groups.add(participant, participant.count)
                continue
            if took_part:
                counts["workshop_attended"] += 1
                self._helped((centre, participant.key), activity, participant)
            if participant.walk_in:
                counts["workshop_walk_ins"] += 1
            elif not participant.registered:
                counts["workshop_waiting_list"] += 1
            else:
                counts["workshop_registrations"] += 1
                if took_part:
                    counts["workshop_registered_attended"] += 1
                elif participant.attendance == "absent":
                    counts["workshop_no_shows"] += 1
                elif participant.attendance == "excused":
                    counts["workshop_excused"] += 1
                elif participant.attendance is None:
                    counts["workshop_attendance_not_entered"] += 1

    def statistics(
        self,
        start: date,
        end: date,
        mediator_id: str | None,
        theme: str | None,
        top_communes: int,
    ) -> Statistics:
        first_day = start.isoformat()
        returning = sum(
            1 for seen in self.first_seen.values() if seen is not None and seen < first_day
        )
        people = _ProfileCounter()
        for _day, _id, participant in self.latest.values():
            people.add(participant, 1)
        return Statistics(
            start=start,
            end=end,
            mediator_id=mediator_id,
            theme=theme,
            residents_helped=len(self.first_seen),
            new_residents=len(self.first_seen) - returning,
            returning_residents=returning,
            activities_by_theme=_by_code(self.by_theme, THEMES),
            minutes_by_theme=_by_code(self.minutes_by_theme, THEMES),
            sessions_by_admin_theme=_by_code(self.by_admin_theme, ADMIN_THEMES),
            minutes_by_admin_theme=_by_code(self.minutes_by_admin_theme, ADMIN_THEMES),
            activities_by_duration_band=_by_code(self.by_duration_band, DURATION_BANDS),
            sessions_by_autonomy=_by_code(self.by_autonomy, AUTONOMY_LEVELS, not_given=True),
            sessions_by_place_type=_by_code(self.by_place_type, PLACE_TYPES, not_given=True),
            sessions_by_device=_by_code(self.by_device, DEVICES, not_given=True),
            referrals_by_structure=_by_code(self.by_referral, REFERRAL_STRUCTURES, not_given=True),
            profiles=people.profiles(top_communes),
            anonymous_visit_profiles=self.anonymous_visits.profiles(top_communes),
            anonymous_workshop_profiles=self.anonymous_groups.profiles(top_communes),
            **{name: self.counts[name] for name in _PLAIN_COUNTS},
        )


#: The figures that are plain counts of ``_Tally.counts``.
_PLAIN_COUNTS = frozenset(
    {
        "anonymous_visits",
        "anonymous_workshop_participants",
        "individual_sessions",
        "workshop_sessions",
        "individual_minutes",
        "workshop_minutes",
        "referrals",
        "workshop_registrations",
        "workshop_registered_attended",
        "workshop_attended",
        "workshop_no_shows",
        "workshop_excused",
        "workshop_attendance_not_entered",
        "workshop_walk_ins",
        "workshop_waiting_list",
    }
)


class _ProfileCounter:
    """People counted by gender, age band, social status and commune."""

    def __init__(self) -> None:
        self.people = 0
        self.gender: Counter[str] = Counter()
        self.age_band: Counter[str] = Counter()
        self.social_status: Counter[str] = Counter()
        self.commune: Counter[str] = Counter()

    def add(self, participant: Participant | None, count: int) -> None:
        """Count ``count`` people of ``participant``'s profile (None: nothing known)."""
        profile = participant or Participant(key="")
        self.people += count
        self.gender[profile.gender or NOT_GIVEN] += count
        self.age_band[profile.age_band or NOT_GIVEN] += count
        self.social_status[profile.social_status or NOT_GIVEN] += count
        self.commune[" ".join(profile.commune.split()) or NOT_GIVEN] += count

    def profiles(self, top: int) -> Profiles:
        named = sorted(
            ((name, count) for name, count in self.commune.items() if name != NOT_GIVEN),
            key=lambda item: (-item[1], item[0]),
        )
        communes = dict(named[:top])
        others = sum(count for _name, count in named[top:])
        if others:
            communes[OTHER_COMMUNES] = others
        if self.commune[NOT_GIVEN]:
            communes[NOT_GIVEN] = self.commune[NOT_GIVEN]
        return Profiles(
            people=self.people,
            gender=_by_code(self.gender, GENDERS),
            age_band=_by_code(self.age_band, AGE_BANDS),
            social_status=_by_code(self.social_status, SOCIAL_STATUSES),
            commune=communes,
        )


def _by_code(counts: Counter[str], codes: CodeList, *, not_given: bool = False) -> dict[str, int]:
    """Every code of ``codes`` in order, zeros included; then ``"non_communique"`` when
    ``not_given`` (or when it counts something); then unknown codes, alphabetically,
    when non-zero."""
    result = {code: counts[code] for code in codes.codes}
    if not_given or counts[NOT_GIVEN]:
        result.setdefault(NOT_GIVEN, counts[NOT_GIVEN])
    for code in sorted(counts):
        if code not in result and counts[code]:
            result[code] = counts[code]
    return result
