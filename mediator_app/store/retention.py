"""The retention review: residents not seen for the centre's retention period, what
anonymising or erasing them changes (a dry run that writes nothing), and doing it; and
the withdrawal of consent, acted on at once.

A resident's profile is kept while they are helped and for ``retention_months`` after
their last contact (a centre setting, synced; 24 months by default, as France's CNIL
advises for social-action records: REFERENCE §7). Past it, a mediator chooses:

- **anonymise**: names, phone, e-mail, postcode, language, notes and the year of birth
  go; the age band takes the year's place, and gender, social status and commune stay,
  so the statistics keep their figures. Their sessions, workshop registrations (the
  counts behind the signed attendance sheets), skills assessments and goals stay; the
  free text of their sessions goes: the notes, and a procedure's name unless it is a
  common one (``common_procedures``: a country pack's, or a text written the same for
  at least five people, which names no one). The search no longer finds them. The
  records merged into theirs are anonymised with them.
- **erase**: the right to erasure (``store/erasure.py``), after their sessions have
  become anonymous visits and their workshop attendance anonymous participants, so the
  centre's counts of sessions and participants do not change.

Each action is one transaction through the write path, so it reaches the centre's other
desks by sync. The values it drops are blanked in the change log as well, on every desk
that applies it (``on_change``), so that a desk joining later, a bundle not yet sent or a
later backup does not carry them; the full-text index deletes them for good.

The age band kept is the one of the year of the resident's last activity (a session, or
a workshop attended). Statistics of that year are unchanged; for an earlier year, a
resident who has since crossed into an older band counts in that band: keeping one band
per year would give their year of birth back.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from mediator_app.domain.codes import age_band_for
from mediator_app.domain.markers import N_
from mediator_app.store.changes import Change, apply_change, utc_now
from mediator_app.store.driver import sqlite3
from mediator_app.store.errors import NotFoundError, StoreError

if TYPE_CHECKING:
    from mediator_app.store.changes import ChangeWriter
    from mediator_app.store.database import Store

#: ``(done, total) -> keep going``: returning False cancels and nothing is written.
Progress = Callable[[int, int], bool]

RETENTION_SETTING_ID = "retention_months"
DEFAULT_RETENTION_MONTHS = 24
MIN_RETENTION_MONTHS = 1
MAX_RETENTION_MONTHS = 120

#: Why a resident is anonymised: the end of the retention period, or a withdrawal.
REASON_RETENTION = "retention"
REASON_CONSENT_WITHDRAWN = "consent_withdrawn"
REASONS = (REASON_RETENTION, REASON_CONSENT_WITHDRAWN)

#: The resident's fields anonymisation empties, with their labels (message ids), in
#: the order a preview names them.
DROPPED_FIELDS = (
    ("first_name", N_("first name")),
    ("last_name", N_("last name")),
    ("birth_year", N_("year of birth")),
    ("phone", N_("phone")),
    ("email", N_("e-mail")),
    ("postcode", N_("postcode")),
    ("language", N_("language")),
    ("notes", N_("notes")),
)
_BLANKS: dict[str, Any] = {name: None if name == "birth_year" else "" for name, _ in DROPPED_FIELDS}
#: A session's free text: it may name the resident or those close to them.
_SESSION_TEXT_FIELDS = ("notes", "procedure")

#: Rows per ``IN (...)`` list, well under SQLite's oldest limit of parameters.
_CHUNK = 400


class RetentionError(StoreError):
    message = N_("The retention review could not be done.")


class RetentionCancelled(StoreError):
    """Raised when the caller's progress callback asked to stop: nothing was written."""

    message = N_("Cancelled: nothing was changed.")


# The period ---------------------------------------------------------------------------


def retention_months(store: Store) -> int:
    """The centre's retention period in months (24 when it was never set)."""
    row = store.conn.execute(
        "SELECT value FROM centre_setting WHERE id = ?", (RETENTION_SETTING_ID,)
    ).fetchone()
    try:
        months = int(row[0]) if row is not None else DEFAULT_RETENTION_MONTHS
    except ValueError:
        return DEFAULT_RETENTION_MONTHS
    if not MIN_RETENTION_MONTHS <= months <= MAX_RETENTION_MONTHS:
        return DEFAULT_RETENTION_MONTHS
    return months


def set_retention_months(store: Store, months: int) -> None:
    """Set the centre's retention period: a centre setting, it syncs to the other desks.
    Raises ``RetentionError`` outside 1 to 120 months."""
    check_months(months)
    with store.write() as writer:
        exists = store.conn.execute(
            "SELECT 1 FROM centre_setting WHERE id = ?", (RETENTION_SETTING_ID,)
        ).fetchone()
        if exists:
            writer.update("centre_setting", RETENTION_SETTING_ID, {"value": str(months)})
        else:
            writer.insert("centre_setting", {"id": RETENTION_SETTING_ID, "value": str(months)})


def check_months(months: int) -> None:
    if not MIN_RETENTION_MONTHS <= months <= MAX_RETENTION_MONTHS:
        raise RetentionError(
            N_("The retention period must be between %(min)s and %(max)s months."),
            min=MIN_RETENTION_MONTHS,
            max=MAX_RETENTION_MONTHS,
        )


def cutoff(today: date, months: int) -> date:
    """The latest last contact that is due on ``today``: ``months`` before it (the 31st
    becomes the last day of a shorter month)."""
    index = today.year * 12 + today.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    for day in (today.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("every month has a 28th")


def months_between(earlier: date, later: date) -> int:
    """Whole months from ``earlier`` to ``later`` (0 when ``later`` is not after it)."""
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    if later.day < earlier.day:
        months -= 1
    return max(months, 0)


# Who is due ---------------------------------------------------------------------------

#: Every contact with a resident, as a local date: their record written (created or
#: changed), a session (or a follow-up still planned after it), a workshop registration
#: (its session's day, or the day it was asked for), a skills assessment, a goal set or
#: reached. Records merged into another count for the one they joined. Each source is
#: reduced to one day per record by its index first (the follow-ups by their partial
#: index, which SQLite would not pick by itself): 50,000 residents and 500,000 sessions
#: take about a quarter of a second.
_CONTACTS = """
    WITH contact(resident_id, day) AS (
        SELECT id, substr(updated_at, 1, 10) FROM resident
        UNION ALL
        SELECT resident_id, MAX(date) FROM support_session
        WHERE resident_id IS NOT NULL GROUP BY resident_id
        UNION ALL
        SELECT resident_id, MAX(follow_up_date)
        FROM support_session INDEXED BY support_session_follow_ups
        WHERE follow_up_needed = 1 AND follow_up_done = 0 AND resident_id IS NOT NULL
        GROUP BY resident_id
        UNION ALL
        SELECT r.resident_id, MAX(MAX(o.date, substr(r.requested_at, 1, 10)))
        FROM registration r JOIN workshop_occurrence o ON o.id = r.occurrence_id
        GROUP BY r.resident_id
        UNION ALL
        SELECT resident_id, MAX(assessed_on) FROM skill_assessment GROUP BY resident_id
        UNION ALL
        SELECT resident_id, MAX(MAX(substr(created_at, 1, 10), COALESCE(achieved_on, '')))
        FROM skill_goal GROUP BY resident_id
    )
    SELECT ri.shown_id AS person, MAX(c.day) AS last_contact
    FROM contact c JOIN resident_index ri ON ri.resident_id = c.resident_id
    GROUP BY ri.shown_id
"""


@dataclass(frozen=True)
class DueResident:
    """A resident whose last contact is older than the retention period."""

    id: str
    first_name: str
    last_name: str
    #: ISO date.
    last_contact: str
    #: Whole months from the last contact to the day of the review.
    months_since: int
    #: Whether they withdrew their consent (then they should have been anonymised).
    consent_withdrawn: bool = False

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part)


def due_for_review(store: Store, today: date, months: int | None = None) -> list[DueResident]:
    """Residents whose last contact is ``months`` (the centre's period when ``None``) or
    more before ``today``, oldest contact first. Anonymised residents and records merged
    into another are left out. Reads only."""
    if months is None:
        months = retention_months(store)
    check_months(months)
    last_day = cutoff(today, months).isoformat()
    rows = store.conn.execute(
        f"SELECT r.id, r.first_name, r.last_name, lc.last_contact, r.consent_withdrawn_date "
        f"FROM ({_CONTACTS}) lc JOIN resident r ON r.id = lc.person "
        "WHERE lc.last_contact <= ? AND r.anonymised_at = '' AND r.merged_into IS NULL "
        "ORDER BY lc.last_contact, r.id",
        (last_day,),
    ).fetchall()
    return [
        DueResident(
            id=resident_id,
            first_name=first_name,
            last_name=last_name,
            last_contact=last_contact,
            months_since=months_between(date.fromisoformat(last_contact), today),
            consent_withdrawn=bool(withdrawn),
        )
        for resident_id, first_name, last_name, last_contact, withdrawn in rows
    ]


def last_contact(store: Store, resident_id: str) -> str | None:
    """The day of a resident's last contact (ISO), as the review counts it."""
    person = store.residents.shown(resident_id)
    row = store.conn.execute(
        f"SELECT last_contact FROM ({_CONTACTS}) WHERE person = ?", (person,)
    ).fetchone()
    return row[0] if row else None


# What would change --------------------------------------------------------------------


@dataclass(frozen=True)
class RetentionPreview:
    """What anonymising or erasing one resident changes: read only, nothing written."""

    resident_id: str
    first_name: str
    last_name: str
    #: The fields holding a value that anonymising empties (names of ``DROPPED_FIELDS``).
    dropped: tuple[str, ...]
    #: What stays for the statistics.
    gender: str
    social_status: str
    commune: str
    #: The band that takes the year of birth's place (``None``: not known).
    age_band: str | None
    sessions: int
    #: Sessions whose notes are emptied, and whose procedure's name is.
    notes_emptied: int
    procedures_emptied: int
    #: Workshop registrations, and how many of them were attended (present or late).
    registrations: int
    attended: int
    assessments: int
    goals: int
    #: Records merged into this one (the same person), changed with it.
    merged_records: int

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part)


def preview(
    store: Store, resident_ids: Iterable[str], *, common: frozenset[str] | None = None
) -> list[RetentionPreview]:
    """What anonymising (or erasing) each resident would change, in the order given;
    ids no longer here are left out. Writes nothing. ``common`` saves working out
    ``common_procedures`` again (a scan of every session) for each call."""
    conn = store.conn
    known = common_procedures(store) if common is None else common
    previews = []
    for resident_id in dict.fromkeys(resident_ids):
        row = conn.execute(
            "SELECT first_name, last_name, birth_year, phone, email, postcode, language, "
            "notes, gender, social_status, commune FROM resident WHERE id = ?",
            (resident_id,),
        ).fetchone()
        if row is None:
            continue
        values = dict(zip([name for name, _label in DROPPED_FIELDS], row[:8], strict=True))
        gender, status, commune = row[8:]
        people = _person_records(conn, resident_id)
        sessions = _sessions_of(conn, people)
        registrations, attended = _count(
            conn,
            "SELECT COUNT(*), COALESCE(SUM(attendance IN ('present', 'late')), 0) "
            "FROM registration WHERE status != 'unregistered' AND resident_id IN ({})",
            people,
        )
        (assessments,) = _count(
            conn, "SELECT COUNT(*) FROM skill_assessment WHERE resident_id IN ({})", people
        )
        (goals,) = _count(conn, "SELECT COUNT(*) FROM skill_goal WHERE resident_id IN ({})", people)
        previews.append(
            RetentionPreview(
                resident_id=resident_id,
                first_name=values["first_name"],
                last_name=values["last_name"],
                dropped=tuple(name for name, value in values.items() if value not in ("", None)),
                gender=gender,
                social_status=status,
                commune=commune,
                age_band=_band_to_keep(conn, resident_id, values["birth_year"]),
                sessions=len(sessions),
                notes_emptied=sum(1 for session in sessions if session[2]),
                procedures_emptied=sum(
                    1 for session in sessions if _hand_written(session[3], known)
                ),
                registrations=registrations,
                attended=attended,
                assessments=assessments,
                goals=goals,
                merged_records=len(people) - 1,
            )
        )
    return previews


# Doing it -----------------------------------------------------------------------------


@dataclass(frozen=True)
class RetentionResult:
    """What an action did: the residents changed, and those left out (no longer due,
    already anonymised, or no longer on this desk)."""

    done: tuple[str, ...]
    left_out: tuple[str, ...]


def anonymise(
    store: Store,
    resident_ids: Iterable[str],
    reason: str = REASON_RETENTION,
    *,
    today: date | None = None,
    months: int | None = None,
    progress: Progress | None = None,
) -> RetentionResult:
    """Anonymise these residents in one transaction (see the module's note).

    With ``today``, only those still due for review on that day (with ``months``, or
    the centre's period) are changed: a resident seen again since the list was made is
    left out. ``progress`` returning False cancels: nothing is written, and
    ``RetentionCancelled`` is raised.
    """
    if reason not in REASONS:
        raise ValueError(f"unknown reason {reason!r}")

    def act(writer: ChangeWriter, resident_id: str, known: frozenset[str]) -> None:
        _anonymise_person(store, writer, resident_id, {}, known)
        _audit_anonymised(store, resident_id, reason)

    return _each(store, resident_ids, act, today, months, progress, skip_anonymised=True)


def erase_due(
    store: Store,
    resident_ids: Iterable[str],
    today: date,
    months: int | None = None,
    *,
    progress: Progress | None = None,
) -> RetentionResult:
    """Erase those of these residents still due for review on ``today`` (with
    ``months``, or the centre's period), in one transaction: their sessions first become
    anonymous visits and their workshop attendance anonymous participants (the profile
    only, as for a visitor who gave no name), then the erasure removes everything else.
    Cannot be undone. ``progress`` as for ``anonymise``."""

    def act(writer: ChangeWriter, resident_id: str, known: frozenset[str]) -> None:
        _detach_activities(store, writer, resident_id, known)
        store.residents.erase(resident_id)

    return _each(store, resident_ids, act, today, months, progress, skip_anonymised=False)


def withdraw_consent(
    store: Store, resident_id: str, day: date, *, today: date | None = None
) -> None:
    """Record that a resident withdrew their consent on ``day`` and anonymise them, in
    one transaction. A resident already anonymised only gets the date. Raises
    ``RetentionError`` for a day after ``today``, ``NotFoundError`` for an unknown id."""
    if day > (today or date.today()):
        raise RetentionError(N_("The day consent was withdrawn cannot be in the future."))
    person = store.residents.shown(resident_id)
    withdrawn = {"consent_withdrawn_date": day.isoformat()}
    _enable_secure_search_deletes(store.conn)
    with store.write() as writer:
        if store.residents.get(person).is_anonymised:
            writer.update("resident", person, withdrawn)
            return
        _anonymise_person(store, writer, person, withdrawn, common_procedures(store))
        _audit_anonymised(store, person, REASON_CONSENT_WITHDRAWN)
        _compact_search_index(store.conn)


def _each(
    store: Store,
    resident_ids: Iterable[str],
    act: Callable[[ChangeWriter, str, frozenset[str]], None],
    today: date | None,
    months: int | None,
    progress: Progress | None,
    *,
    skip_anonymised: bool,
) -> RetentionResult:
    wanted = list(dict.fromkeys(resident_ids))
    done: list[str] = []
    _enable_secure_search_deletes(store.conn)
    with store.write() as writer:
        if today is not None:
            eligible = {due.id for due in due_for_review(store, today, months)}
        else:
            eligible = _present(store.conn, wanted, skip_anonymised)
        known = common_procedures(store)
        total = len(wanted)
        for index, resident_id in enumerate(wanted):
            if progress is not None and not progress(index, total):
                raise RetentionCancelled()
            if resident_id in eligible:
                act(writer, resident_id, known)
                done.append(resident_id)
        if done:
            _compact_search_index(store.conn)
        if progress is not None and not progress(total, total):
            raise RetentionCancelled()
    kept = set(done)
    return RetentionResult(tuple(done), tuple(rid for rid in wanted if rid not in kept))


def _present(conn: sqlite3.Connection, ids: Sequence[str], skip_anonymised: bool) -> set[str]:
    """Which of ``ids`` are residents shown on this desk (not merged into another)."""
    found: set[str] = set()
    condition = " AND anonymised_at = ''" if skip_anonymised else ""
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        found.update(
            row[0]
            for row in conn.execute(
                f"SELECT id FROM resident WHERE id IN ({_marks(chunk)}) "
                f"AND merged_into IS NULL{condition}",
                chunk,
            )
        )
    return found


def _anonymise_person(
    store: Store,
    writer: ChangeWriter,
    resident_id: str,
    extra: dict[str, Any],
    known: frozenset[str],
) -> None:
    """Drop one resident's identity (and that of the records merged into theirs). Their
    sessions' free text goes first, so a desk applying the changes in order has
    nothing left to blank when the resident's change arrives (``on_change``)."""
    conn = store.conn
    row = conn.execute("SELECT birth_year FROM resident WHERE id = ?", (resident_id,)).fetchone()
    if row is None:
        raise NotFoundError(id=resident_id)
    band = _band_to_keep(conn, resident_id, row[0])
    people = _person_records(conn, resident_id)
    conflicted = _conflicted_text(conn, people)
    for session_id, _day, notes, procedure in _sessions_of(conn, people):
        values = {}
        if notes or (session_id, "notes") in conflicted:
            values["notes"] = ""
        if _hand_written(procedure, known) or (session_id, "procedure") in conflicted:
            values["procedure"] = ""
        if values:
            writer.update("support_session", session_id, values, force=True)
    stamp = utc_now()
    # Every field is logged, changed or not: it settles a conflicting value kept from
    # another desk, which would otherwise show again.
    for merged in reversed(people[1:]):
        writer.update("resident", merged, {**_BLANKS, "anonymised_at": stamp}, force=True)
    writer.update(
        "resident",
        resident_id,
        {**_BLANKS, "anon_age_band": band, "anonymised_at": stamp, **extra},
        force=True,
    )
    if not _listening():
        for person in people:
            _forget_resident_history(conn, person)


def _detach_activities(
    store: Store, writer: ChangeWriter, resident_id: str, known: frozenset[str]
) -> None:
    """Before an erasure: each session becomes an anonymous visit with the resident's
    profile (the age band of its year), each workshop session attended counts one more
    anonymous participant; the rest goes with the erasure."""
    conn = store.conn
    row = conn.execute(
        "SELECT birth_year, anon_age_band, gender, social_status, commune FROM resident "
        "WHERE id = ?",
        (resident_id,),
    ).fetchone()
    if row is None:
        raise NotFoundError(id=resident_id)
    birth_year, kept_band, gender, status, commune = row

    def band_in(day: str) -> str | None:
        if birth_year is not None:
            return age_band_for(birth_year, int(day[:4]))
        return kept_band

    people = _person_records(conn, resident_id)
    for session_id, day, _notes, procedure in _sessions_of(conn, people):
        writer.update(
            "support_session",
            session_id,
            {
                "resident_id": None,
                "notes": "",
                "procedure": "" if _hand_written(procedure, known) else procedure,
                "anon_gender": gender,
                "anon_age_band": band_in(day),
                "anon_social_status": status,
                "anon_commune": commune,
            },
            force=True,
        )
        if not _listening():
            _forget_session_link(conn, session_id)
    for occurrence_id, day in conn.execute(
        "SELECT o.id, o.date FROM registration r "
        "JOIN workshop_occurrence o ON o.id = r.occurrence_id "
        f"WHERE r.resident_id IN ({_marks(people)}) AND r.status != 'unregistered' "
        "AND r.attendance IN ('present', 'late') ORDER BY o.date, o.id",
        people,
    ).fetchall():
        profile = {
            "gender": gender or "non_communique",
            "age_band": band_in(day) or "non_communique",
            "social_status": status or "non_communique",
        }
        (current,) = conn.execute(
            "SELECT anonymous_participants FROM workshop_occurrence WHERE id = ?",
            (occurrence_id,),
        ).fetchone()
        groups = json.loads(current or "[]")
        for group in groups:
            if all(group.get(name, "non_communique") == value for name, value in profile.items()):
                group["count"] = int(group.get("count", 1)) + 1
                break
        else:
            groups.append({"count": 1, **profile})
        writer.update("workshop_occurrence", occurrence_id, {"anonymous_participants": groups})


# Keeping the change log in step -------------------------------------------------------


def on_change(conn: sqlite3.Connection, change: Change, before: dict[str, Any] | None) -> None:
    """A change listener: once a resident is anonymised (here or on another desk), the
    values dropped are blanked in the change log too, and their sessions' free text;
    once a session is taken from its resident (to become an anonymous visit before an
    erasure), its history no longer names them."""
    if change.op != "update":
        return
    if change.table_name == "resident":
        if change.data.get("anonymised_at"):
            _enable_secure_search_deletes(conn)
            _forget_resident_history(conn, change.row_id)
            # Edits this desk made meanwhile may have won a field, or wait as conflicts.
            _keep_anonymised(conn, change.row_id)
        elif _names_someone_anonymised(conn, change):
            _keep_anonymised(conn, change.row_id)
    elif (
        change.table_name == "support_session"
        and "resident_id" in change.data
        and change.data["resident_id"] is None
        and (before or {}).get("resident_id") is not None
    ):
        _forget_session_link(conn, change.row_id)


def without_dropped_values(conn: sqlite3.Connection, change: Change) -> Change:
    """``change`` as a desk takes it in: an edit made elsewhere to a resident this desk
    has anonymised, before the anonymisation reached that desk, keeps the fields it set
    but not their values. Like an erasure, an anonymisation wins over edits it did not
    know about, and the change log never holds the values it dropped."""
    if change.table_name != "resident" or change.op != "update":
        return change
    if not any(change.data.get(name) not in (None, "") for name in _BLANKS):
        return change
    row = conn.execute(
        "SELECT anonymised_at FROM resident WHERE id = ?", (change.row_id,)
    ).fetchone()
    if row is None or not row[0]:
        return change
    data = {name: _BLANKS.get(name, value) for name, value in change.data.items()}
    return replace(change, data=data)


def _names_someone_anonymised(conn: sqlite3.Connection, change: Change) -> bool:
    """Whether ``change`` names an anonymised resident again: an edit made on another
    desk before the anonymisation reached it, arriving after it. Its values may have
    won the merge of a field edited on both sides (the row holds them) or lost it (the
    change log and the conflict hold them)."""
    columns = ", ".join(f'"{name}"' for name in _BLANKS)
    row = conn.execute(
        f"SELECT anonymised_at, {columns} FROM resident WHERE id = ?", (change.row_id,)
    ).fetchone()
    if row is None or not row[0]:
        return False
    carried = any(change.data.get(name) not in (None, "") for name in _BLANKS)
    return carried or any(value not in (None, "") for value in row[1:])


def _keep_anonymised(conn: sqlite3.Connection, resident_id: str) -> None:
    """Drop again what a late edit brought back, on the row, in the search index and in
    the change log. Every desk applies the same rule, so they agree: like an erasure,
    an anonymisation wins over edits it did not know about."""
    from mediator_app.store import search

    # Derived, as an erasure's deletes are: applied the same on every desk, not logged.
    apply_change(conn, Change(0, "", 0, "", "resident", resident_id, "update", dict(_BLANKS)))
    search.index_resident(conn, resident_id)
    _blank_history(conn, "resident", [resident_id], _BLANKS)
    conn.executemany(
        "DELETE FROM sync_conflict WHERE table_name = 'resident' AND row_id = ? AND field = ?",
        [(resident_id, name) for name in _BLANKS],
    )


def _listening() -> bool:
    """Whether ``on_change`` is one of the store's change listeners (then it blanks the
    change log as each change is applied; until then the actions here do it)."""
    from mediator_app.store.database import CHANGE_LISTENERS

    return on_change in CHANGE_LISTENERS


def _forget_resident_history(conn: sqlite3.Connection, resident_id: str) -> None:
    """Blank the dropped values in the logged changes of an anonymised resident; in
    those of their sessions, the free text takes the value the session holds now (what
    the anonymisation left: the same on every desk), and a deleted session's goes."""
    _blank_history(conn, "resident", [resident_id], _BLANKS)
    for session_id, _day, notes, procedure in _sessions_of(conn, [resident_id]):
        _blank_history(conn, "support_session", [session_id],
                       {"notes": notes, "procedure": procedure})  # fmt: skip
    deleted = _deleted_sessions_of(conn, resident_id)
    _blank_history(conn, "support_session", deleted, dict.fromkeys(_SESSION_TEXT_FIELDS, ""))


def _forget_session_link(conn: sqlite3.Connection, session_id: str) -> None:
    """A session taken from its resident: its logged changes no longer name them, and
    its free text is what it holds now."""
    row = conn.execute(
        "SELECT notes, procedure FROM support_session WHERE id = ?", (session_id,)
    ).fetchone()
    notes, procedure = row if row else ("", "")
    _blank_history(conn, "support_session", [session_id],
                   {"resident_id": None, "notes": notes, "procedure": procedure})  # fmt: skip


def _blank_history(
    conn: sqlite3.Connection, table: str, row_ids: Sequence[str], blanks: dict[str, Any]
) -> None:
    """Replace the values of ``blanks``' fields in every logged change of these rows.
    The fields stay, so each change still says it set them and the versions sync
    compares do not move."""
    updates = []
    for start in range(0, len(row_ids), _CHUNK):
        chunk = list(row_ids[start : start + _CHUNK])
        for log_id, text in conn.execute(
            f"SELECT id, data FROM change_log WHERE table_name = ? AND row_id IN ({_marks(chunk)})",
            (table, *chunk),
        ):
            data = json.loads(text)
            changed = False
            for name, value in blanks.items():
                if name in data and data[name] != value:
                    data[name] = value
                    changed = True
            if changed:
                updates.append(
                    (json.dumps(data, ensure_ascii=False, separators=(",", ":")), log_id)
                )
    conn.executemany("UPDATE change_log SET data = ? WHERE id = ?", updates)


def _deleted_sessions_of(conn: sqlite3.Connection, resident_id: str) -> list[str]:
    """Sessions of this resident that were deleted: their creation still holds text."""
    # CROSS JOIN keeps SQLite from scanning the whole change log: tombstones are few,
    # each found in the log by its index.
    return [
        row[0]
        for row in conn.execute(
            "SELECT c.row_id FROM tombstone t CROSS JOIN change_log c "
            "ON c.table_name = t.table_name AND c.row_id = t.row_id "
            "WHERE t.table_name = 'support_session' AND c.op = 'insert' "
            "AND json_extract(c.data, '$.resident_id') = ?",
            (resident_id,),
        )
    ]


def _enable_secure_search_deletes(conn: sqlite3.Connection) -> None:
    """Make the full-text index remove a deleted row's words from its segments at once
    (FTS5's ``secure-delete``, kept in the index's own configuration): otherwise an
    anonymised or erased name would stay in a segment until the next merge."""
    on = conn.execute("SELECT v FROM resident_fts_config WHERE k = 'secure-delete'").fetchone()
    if not on or not on[0]:
        conn.execute("INSERT INTO resident_fts (resident_fts, rank) VALUES ('secure-delete', 1)")


def _compact_search_index(conn: sqlite3.Connection) -> None:
    """Merge the full-text index's segments, which drops what was deleted before
    secure deletes were on (about half a second for 50,000 residents)."""
    conn.execute("INSERT INTO resident_fts (resident_fts) VALUES ('optimize')")


# Helpers ------------------------------------------------------------------------------


#: A text written the same for this many people (or more) names none of them.
COMMON_TEXT_PEOPLE = 5


def common_procedures(store: Store) -> frozenset[str]:
    """The procedures' names (folded) that anonymising keeps: those of every country
    pack, and those written the same on the sessions of at least ``COMMON_TEXT_PEOPLE``
    people (an anonymous visit counts as one). About a third of a second for 500,000
    sessions."""
    used = {
        _folded(name)
        for (name,) in store.conn.execute(
            "SELECT procedure FROM support_session WHERE procedure != '' GROUP BY procedure "
            "HAVING COUNT(DISTINCT COALESCE(resident_id, id)) >= ?",
            (COMMON_TEXT_PEOPLE,),
        )
    }
    return _country_procedures() | used


@lru_cache(maxsize=1)
def _country_procedures() -> frozenset[str]:
    from mediator_app.domain.country_packs import CountryPackError, load_packs
    from mediator_app.paths import resources_dir

    try:
        packs = load_packs(resources_dir() / "countries")
    except CountryPackError:
        return frozenset()
    return frozenset(_folded(name) for pack in packs.values() for name in pack.procedures)


def _hand_written(procedure: str | None, known: frozenset[str]) -> bool:
    """Whether a procedure's name was typed by hand (it may then name someone)."""
    return bool(procedure) and _folded(procedure or "") not in known


def _folded(text: str) -> str:
    return " ".join(text.split()).casefold()


def _person_records(conn: sqlite3.Connection, resident_id: str) -> list[str]:
    """The resident and, after them, the records merged into theirs (the same person)."""
    people = [resident_id]
    for current in people:
        people.extend(
            row[0]
            for row in conn.execute("SELECT id FROM resident WHERE merged_into = ?", (current,))
            if row[0] not in people
        )
    return people


def _sessions_of(
    conn: sqlite3.Connection, people: Sequence[str]
) -> list[tuple[str, str, str, str]]:
    """``(id, date, notes, procedure)`` of these residents' sessions, oldest first."""
    return conn.execute(
        "SELECT id, date, notes, procedure FROM support_session "
        f"WHERE resident_id IN ({_marks(people)}) ORDER BY date, id",
        list(people),
    ).fetchall()


def _conflicted_text(conn: sqlite3.Connection, people: Sequence[str]) -> set[tuple[str, str]]:
    """``(session id, field)`` of these residents' sessions whose free text is in
    conflict: another desk's value is kept beside the one shown."""
    return {
        (row_id, field)
        for row_id, field in conn.execute(
            "SELECT c.row_id, c.field FROM sync_conflict c "
            "JOIN support_session s ON s.id = c.row_id "
            f"WHERE c.table_name = 'support_session' AND s.resident_id IN ({_marks(people)}) "
            "AND c.field IN ('notes', 'procedure')",
            list(people),
        )
    }


def _band_to_keep(conn: sqlite3.Connection, resident_id: str, birth_year: int | None) -> str | None:
    """The age band that stands for the year of birth: as of the year of the last
    activity (a session, a workshop attended), else of the record's last change."""
    if birth_year is None:
        row = conn.execute(
            "SELECT anon_age_band FROM resident WHERE id = ?", (resident_id,)
        ).fetchone()
        return row[0] if row else None
    row = conn.execute(
        "SELECT COALESCE(ri.last_activity, substr(r.updated_at, 1, 10)) FROM resident r "
        "LEFT JOIN resident_index ri ON ri.resident_id = r.id WHERE r.id = ?",
        (resident_id,),
    ).fetchone()
    return age_band_for(birth_year, int(row[0][:4]))


def _count(conn: sqlite3.Connection, sql: str, people: Sequence[str]) -> tuple[int, ...]:
    return tuple(conn.execute(sql.format(_marks(people)), list(people)).fetchone())


def _audit_anonymised(store: Store, resident_id: str, reason: str) -> None:
    """An event of this desk's audit trail (``store/audit.py``), with the reason as its
    detail: a code, never a name."""
    from mediator_app.store import audit

    audit.record(store, audit.ANONYMISE, resident_id, reason)


def _marks(values: Sequence[object]) -> str:
    return ", ".join("?" for _ in values)
