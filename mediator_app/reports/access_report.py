"""The right of access: everything the desk holds about a resident, as JSON and as a PDF
the resident reads.

``access_data`` gathers it from the store, following merges: the resident's file and
the files merged into it, their support sessions, workshop registrations and attendance,
skill assessments and goals, the facts of the change log about those records (when each
was created, changed or deleted, and on which desk), the imports that wrote the file and
the values two desks still disagree on. Nothing about another resident is read. The
result is plain JSON data: codes as stored, dates in ISO 8601, with a format marker.

``write_access_pdf`` lays that data out for the resident, in their language: codes as
labels, dates as the language writes them, no internal id but one reference line. The
document is a Platypus story on one page template; a two-pass canvas writes the footer
and "page x / y" on every page; tables split across pages and repeat their header.
"""

from __future__ import annotations

import io
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, fields
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from mediator_app.domain.clock import unpack
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
    age_band_for,
)
from mediator_app.domain.session import LIST_FIELDS, SupportSession
from mediator_app.domain.skills import SKILL_LEVELS
from mediator_app.domain.validation import ValidationError
from mediator_app.domain.workshop import ATTENDANCE_STATES, REGISTERED, WAITING
from mediator_app.i18n import (
    N_,
    PARTNER_LANGUAGES,
    babel_locale,
    format_date,
    format_time,
    translations_for,
)
from mediator_app.reports.fonts import BOLD, REGULAR, register_fonts
from mediator_app.reports.held_pages import HeldPagesCanvas
from mediator_app.store.driver import sqlite3

if TYPE_CHECKING:
    from mediator_app.store.database import Store

#: What a reader of the JSON file checks first: what it is, and which layout it has.
FORMAT = "passerelle-access-report"
FORMAT_VERSION = 1
#: The language of the document when neither the resident's nor the desk's is printable.
FALLBACK_LANGUAGE = "fr"

#: Tables whose rows belong to one resident, by their ``resident_id``.
_RESIDENT_TABLES = ("support_session", "registration", "skill_assessment", "skill_goal")
#: Change-log fields that every change sets: not news to the reader.
_BOOKKEEPING_FIELDS = frozenset({"created_at", "updated_at"})
#: Fields a merge sets: the record joined the resident's file.
_MERGE_FIELDS = frozenset({"merged_into", "resident_id"})
_CHANGE_KINDS = {"insert": "created", "update": "changed", "delete": "deleted"}
#: SQLite's default limit of host parameters is 999 on old builds: stay well below.
_CHUNK = 400

# Messages of the document, translated with its language.
_TITLE = N_("What the centre holds about you")
_PREPARED_ON = N_("Prepared on %(date)s")
_REFERENCE = N_("Reference of your file: %(id)s")
_INTRO = N_(
    "This document lists everything the centre keeps about you: your file, the help "
    "you received, the workshops you registered to, your digital skills, and when each "
    "of these records was written or changed."
)
_CLOSING = N_(
    "If something here is wrong or you no longer want the centre to keep it, tell a "
    "mediator: the centre corrects or erases it."
)
_NOTHING = N_("Nothing is recorded here.")
# Translators: the resident's own record, as the resident is addressed.
_YOUR_FILE = N_("Your file")
_MERGED_FILE = N_("Earlier file merged into this one")
_CONSENT = N_("Consent")
_SESSIONS = N_("Sessions (%(count)s)")
_WORKSHOPS = N_("Workshops (%(count)s)")
_SKILLS = N_("Digital skills")
_GOALS = N_("Goals")
_HISTORY = N_("History of your records")
_CONFLICTS = N_("Values two desks disagree on")
_CONFLICTS_INTRO = N_(
    "Two desks of the centre changed these values at the same time; a mediator will "
    "choose the right one. Until then the centre keeps each of them."
)
_ASSESSMENT_OF = N_("Assessment of %(date)s")
_DIAGNOSTIC_OF = N_("Initial diagnostic of %(date)s")
_SESSION_OF = N_("Session of %(date)s")
_REGISTRATION_OF = N_("%(workshop)s on %(date)s")
_GOAL_FOR = N_("Goal: %(skill)s")
_FOLLOW_UP_ON = N_("Follow-up on %(date)s")
_FOLLOW_UP_DONE = N_("Follow-up done")
_FROM_TO = N_("%(start)s–%(end)s")
_ARRIVED = N_("(arrived %(time)s)")
_PAGE_OF = N_("page %(page)s / %(pages)s")
_THIS_DESK = N_("%(name)s (this desk)")
_ANOTHER_DESK = N_("another desk")
# Translators: what was done to a record, a cell of the history table of the access report.
_CREATED = N_("Created")
# Translators: what was done to a record, a cell of the history table of the access report.
_CHANGED = N_("Changed")
# Translators: %(fields)s lists the fields changed, e.g. "Phone, E-mail".
_CHANGED_FIELDS = N_("Changed: %(fields)s")
# Translators: what was done to a record, a cell of the history table of the access report.
_DELETED = N_("Deleted")
_MERGED = N_("Merged into your file")
_IMPORTED = N_("Imported from the list %(file)s")
_YES, _NO = N_("Yes"), N_("No")
_MINUTES = N_("%(minutes)s min")
_HOURS = N_("%(hours)s h")
_HOURS_MINUTES = N_("%(hours)s h %(minutes)02d")

_LABELS = {
    "first_name": N_("First name"),
    "last_name": N_("Last name"),
    "birth_year": N_("Year of birth"),
    "age_band": N_("Age band"),
    "gender": N_("Gender"),
    "social_status": N_("Social status"),
    "commune": N_("Commune"),
    "postcode": N_("Postcode"),
    "phone": N_("Phone"),
    "email": N_("E-mail"),
    "language": N_("Preferred language"),
    "notes": N_("Notes"),
    "consent_date": N_("Date of consent"),
    "consent_version": N_("Version of the information text"),
    "consent_language": N_("Language of the information text"),
    "consent_collected_by": N_("Collected by"),
    "date": N_("Date"),
    "duration_min": N_("Duration"),
    "themes": N_("Themes"),
    "admin_themes": N_("Administrative themes"),
    "procedure": N_("Procedure"),
    "autonomy": N_("Autonomy"),
    "place_type": N_("Place"),
    "device": N_("Device"),
    "referral_to": N_("Referred to"),
    "follow_up": N_("Follow-up"),
    "mediator": N_("Mediator"),
    "workshop": N_("Workshop"),
    "time": N_("Time"),
    "place": N_("Place"),
    "status": N_("Registration"),
    "attendance": N_("Attendance"),
    "arrival_time": N_("Arrival time"),
    "walk_in": N_("Walk-in"),
    "skill": N_("Skill"),
    "level": N_("Level"),
    "ratings": N_("Skills"),
    "target_date": N_("Target date"),
    "achieved_on": N_("Achieved on"),
    # Translators: column headers of the history table of the access report.
    "when": N_("When"),
    # Translators: the record a change was made to (column header).
    "about": N_("About"),
    "what": N_("What was done"),
    "desk": N_("Desk"),
    "field": N_("Field"),
    "value": N_("Value"),
}
_NOT_MARKED = N_("Not marked")
_NOT_YET = N_("Not yet")
_CANCELLED = N_("Cancelled")
_STATUSES = {REGISTERED: N_("Registered"), WAITING: N_("Waiting list")}
_UNREGISTERED = N_("Unregistered")
_GONE = {
    "resident": N_("A resident no longer on this desk"),
    "support_session": N_("A session no longer on this desk"),
    "registration": N_("A registration no longer on this desk"),
    "skill_assessment": N_("An assessment no longer on this desk"),
    "skill_goal": N_("A skill goal no longer on this desk"),
}

#: The resident's stored fields the document shows, each under its own label.
_RESIDENT_FIELDS_SHOWN = (
    "first_name", "last_name", "birth_year", "gender", "social_status", "commune", "postcode",
    "phone", "email", "language", "notes", "consent_date", "consent_version",
    "consent_language", "consent_collected_by",
)  # fmt: skip

#: What the history says changed, by table: stored field -> label key. Fields left out
#: (the moves of a merge, bookkeeping) are not named.
_CHANGED_FIELD_LABELS: dict[str, dict[str, str]] = {
    "resident": {name: name for name in _RESIDENT_FIELDS_SHOWN},
    "support_session": {
        "date": "date",
        "duration_min": "duration_min",
        "themes": "themes",
        "admin_themes": "admin_themes",
        "procedure": "procedure",
        "autonomy": "autonomy",
        "place_type": "place_type",
        "device": "device",
        "referred": "referral_to",
        "referral_to": "referral_to",
        "follow_up_needed": "follow_up",
        "follow_up_date": "follow_up",
        "follow_up_done": "follow_up",
        "notes": "notes",
        "mediator_id": "mediator",
    },
    "registration": {
        "status": "status",
        "attendance": "attendance",
        "arrival_time": "arrival_time",
        "walk_in": "walk_in",
    },
    "skill_assessment": {"assessed_on": "date", "ratings": "ratings"},
    "skill_goal": {"item_id": "skill", "target_date": "target_date", "achieved_on": "achieved_on"},
}

#: Stored fields whose values are codes of a list, shown as its labels.
_CODE_LISTS: dict[str, CodeList] = {
    "gender": GENDERS,
    "social_status": SOCIAL_STATUSES,
    "themes": THEMES,
    "admin_themes": ADMIN_THEMES,
    "autonomy": AUTONOMY_LEVELS,
    "place_type": PLACE_TYPES,
    "device": DEVICES,
    "referral_to": REFERRAL_STRUCTURES,
    "attendance": ATTENDANCE_STATES,
}


# The data --------------------------------------------------------------------------------


def access_data(store: Store, resident_id: str, *, now: datetime | None = None) -> dict[str, Any]:
    """Everything the desk holds about ``resident_id`` (or the file it was merged into),
    as JSON-serialisable data; ``now`` is when it is made (the current local time by
    default).

    Reads only. Raises ``NotFoundError`` for an id that is no resident's (an erased
    one included). The result is the person's whole file: hand it to them only.
    """
    conn = store.conn
    shown = store.residents.shown(resident_id)
    people = [shown, *_merged_into(conn, shown)]
    desk = store.desk
    centre = {
        "name": desk.centre_name if desk else "",
        "country": desk.country if desk else "",
        "language": desk.language if desk else "",
        "desk": desk.name if desk else "",
        "desk_id": desk.id if desk else "",
    }
    made = (now or datetime.now()).astimezone()
    mediators = dict(conn.execute("SELECT id, name FROM mediator").fetchall())
    desks = _desk_names(conn, centre["desk_id"], centre["desk"])

    sessions = _sessions(conn, people, mediators)
    registrations = _registrations(conn, people)
    assessments = _assessments(conn, people, mediators)
    goals = _goals(conn, people)
    records = {("resident", person) for person in people}
    for table, rows in (
        ("support_session", sessions),
        ("registration", registrations),
        ("skill_assessment", assessments),
        ("skill_goal", goals),
    ):
        records.update((table, row["id"]) for row in rows)
    records.update(_records_ever_about(conn, people))
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "made_at": made.isoformat(timespec="seconds"),
        "centre": centre,
        "resident": _resident_record(store, shown),
        "merged_records": [_resident_record(store, person) for person in people[1:]],
        "support_sessions": sessions,
        "workshop_registrations": registrations,
        "skill_assessments": assessments,
        "skill_goals": goals,
        "frameworks": _frameworks(store, assessments, goals),
        "imports": _imports(conn, people),
        "history": _history(conn, records, desks),
        "conflicting_values": _conflicts(conn, records, desks),
    }


def write_access_json(data: dict[str, Any], path: Path | str) -> None:
    """Write ``data`` to ``path`` as pretty UTF-8 JSON. The file is replaced whole or
    left as it was: a crash never leaves half a report. Raises ``OSError``."""
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    _write_atomically(Path(path), text.encode("utf-8"))


def _merged_into(conn: sqlite3.Connection, target: str) -> list[str]:
    """The files merged into ``target``, and those merged into them, in merge order."""
    found: list[str] = []
    pending = [target]
    while pending:
        current = pending.pop(0)
        rows = conn.execute(
            "SELECT id FROM resident WHERE merged_into = ? ORDER BY created_at, id", (current,)
        ).fetchall()
        for (person,) in rows:
            if person not in found and person != target:
                found.append(person)
                pending.append(person)
    return found


def _resident_record(store: Store, person: str) -> dict[str, Any]:
    return asdict(store.residents.get(person))


def _placeholders(values: Sequence[Any]) -> str:
    return ", ".join("?" for _ in values)


def _rows(conn: sqlite3.Connection, sql: str, params: Sequence[Any]) -> list[dict[str, Any]]:
    cursor = conn.execute(sql, params)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _sessions(
    conn: sqlite3.Connection, people: list[str], mediators: dict[str, str]
) -> list[dict[str, Any]]:
    columns = ", ".join(f.name for f in fields(SupportSession))
    found = []
    for record in _rows(
        conn,
        f"SELECT {columns} FROM support_session WHERE resident_id IN ({_placeholders(people)}) "
        "ORDER BY date, created_at, id",
        people,
    ):
        for name in LIST_FIELDS:
            record[name] = json.loads(record[name] or "[]")
        session = asdict(SupportSession.from_row(record))
        for name in LIST_FIELDS:
            session[name] = list(session[name])
        session["mediator_name"] = mediators.get(session["mediator_id"] or "")
        found.append(session)
    return found


def _registrations(conn: sqlite3.Connection, people: list[str]) -> list[dict[str, Any]]:
    found = _rows(
        conn,
        "SELECT g.id, g.resident_id, g.occurrence_id, o.workshop_id, w.title AS workshop_title, "
        "o.date, o.start_time, o.end_time, o.place, o.cancelled, g.status, g.requested_at, "
        "g.attendance, g.arrival_time, g.walk_in, g.created_at, g.updated_at "
        "FROM registration g "
        "LEFT JOIN workshop_occurrence o ON o.id = g.occurrence_id "
        "LEFT JOIN workshop w ON w.id = o.workshop_id "
        f"WHERE g.resident_id IN ({_placeholders(people)}) "
        "ORDER BY o.date, o.start_time, g.id",
        people,
    )
    for row in found:
        row["walk_in"] = bool(row["walk_in"])
        row["cancelled"] = bool(row["cancelled"])
    return found


def _assessments(
    conn: sqlite3.Connection, people: list[str], mediators: dict[str, str]
) -> list[dict[str, Any]]:
    found = _rows(
        conn,
        "SELECT id, resident_id, framework, framework_version, assessed_on, kind, ratings, "
        "mediator_id, created_at, updated_at FROM skill_assessment "
        f"WHERE resident_id IN ({_placeholders(people)}) ORDER BY assessed_on, created_at, id",
        people,
    )
    for row in found:
        row["ratings"] = json.loads(row["ratings"] or "{}")
        row["mediator_name"] = mediators.get(row["mediator_id"] or "")
    return found


def _goals(conn: sqlite3.Connection, people: list[str]) -> list[dict[str, Any]]:
    return _rows(
        conn,
        "SELECT id, resident_id, framework, framework_version, item_id, target_date, "
        "achieved_on, created_at, updated_at FROM skill_goal "
        f"WHERE resident_id IN ({_placeholders(people)}) ORDER BY target_date, created_at, id",
        people,
    )


def _frameworks(
    store: Store, assessments: list[dict[str, Any]], goals: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The skills frameworks the assessments and goals refer to, with the labels of the
    skills used, in every language the framework has: what the JSON's item ids mean."""
    used: dict[tuple[str, str], dict[str, None]] = {}
    for assessment in assessments:
        key = (assessment["framework"], assessment["framework_version"])
        used.setdefault(key, {}).update(dict.fromkeys(assessment["ratings"]))
    for goal in goals:
        used.setdefault((goal["framework"], goal["framework_version"]), {})[goal["item_id"]] = None
    found = []
    for (name, version), item_ids in used.items():
        try:
            framework = store.skills.registry.get(name, version)
        except ValidationError:  # an unknown version: its ids are all there is
            found.append({"framework": name, "version": version, "title": {}, "skills": {}})
            continue
        order = {item.id: index for index, item in enumerate(framework.items)}
        skills = {}
        for item_id in sorted(item_ids, key=lambda item: order.get(item, len(order))):
            if item_id in order:
                skills[item_id] = dict(framework.item(item_id).labels)
        found.append(
            {
                "framework": name,
                "version": version,
                "title": dict(framework.titles),
                "skills": skills,
                "order": [item.id for item in framework.items if item.id in skills],
            }
        )
    return found


def _imports(conn: sqlite3.Connection, people: list[str]) -> list[dict[str, Any]]:
    return _rows(
        conn,
        "SELECT i.resident_id, l.file_name, l.imported_at, i.action, l.undone_at "
        "FROM import_item i JOIN import_log l ON l.id = i.import_id "
        f"WHERE i.resident_id IN ({_placeholders(people)}) ORDER BY l.imported_at",
        people,
    )


def _desk_names(conn: sqlite3.Connection, desk_id: str, desk_name: str) -> dict[str, str]:
    names = dict(conn.execute("SELECT id, name FROM peer WHERE role = 'desk'").fetchall())
    if desk_id:
        names[desk_id] = desk_name
    return names


def _records_ever_about(conn: sqlite3.Connection, people: list[str]) -> set[tuple[str, str]]:
    """Rows the change log shows were written about these people, deleted ones too."""
    tables = _placeholders(_RESIDENT_TABLES)
    rows = conn.execute(
        "SELECT DISTINCT table_name, row_id FROM change_log "
        f"WHERE table_name IN ({tables}) AND op = 'insert' "
        f"AND json_extract(data, '$.resident_id') IN ({_placeholders(people)})",
        (*_RESIDENT_TABLES, *people),
    ).fetchall()
    return {(table, row_id) for table, row_id in rows}


def _chunks(records: set[tuple[str, str]]) -> Iterable[tuple[str, list[str]]]:
    by_table: dict[str, list[str]] = {}
    for table, row_id in sorted(records):
        by_table.setdefault(table, []).append(row_id)
    for table, row_ids in by_table.items():
        for start in range(0, len(row_ids), _CHUNK):
            yield table, row_ids[start : start + _CHUNK]


def _stamp_time(stamp: int) -> str:
    wall_ms, _counter = unpack(stamp)
    moment = datetime.fromtimestamp(wall_ms / 1000, tz=UTC).astimezone()
    return moment.isoformat(timespec="seconds")


def _history(
    conn: sqlite3.Connection, records: set[tuple[str, str]], desks: dict[str, str]
) -> list[dict[str, Any]]:
    """When each record was created, changed or deleted, and on which desk; the names of
    the fields a change set, never their values."""
    entries = []
    for table, row_ids in _chunks(records):
        entries += conn.execute(
            "SELECT id, hlc, desk_id, table_name, row_id, op, data FROM change_log "
            f"WHERE table_name = ? AND row_id IN ({_placeholders(row_ids)})",
            (table, *row_ids),
        ).fetchall()
    entries.sort(key=lambda entry: (entry[1], entry[0]))
    return [
        {
            "at": _stamp_time(stamp),
            "record": table,
            "record_id": row_id,
            "change": _CHANGE_KINDS[op],
            "desk_id": desk_id,
            "desk": desks.get(desk_id),
            "fields": [name for name in json.loads(data) if name not in _BOOKKEEPING_FIELDS],
        }
        for _id, stamp, desk_id, table, row_id, op, data in entries
    ]


def _conflicts(
    conn: sqlite3.Connection, records: set[tuple[str, str]], desks: dict[str, str]
) -> list[dict[str, Any]]:
    found = []
    for table, row_ids in _chunks(records):
        for row_id, field, stamp, desk_id, value in conn.execute(
            "SELECT row_id, field, hlc, desk_id, value FROM sync_conflict "
            f"WHERE table_name = ? AND row_id IN ({_placeholders(row_ids)}) "
            "ORDER BY row_id, field, hlc",
            (table, *row_ids),
        ):
            found.append(
                {
                    "record": table,
                    "record_id": row_id,
                    "field": field,
                    "value": json.loads(value) if value is not None else None,
                    "at": _stamp_time(stamp),
                    "desk_id": desk_id,
                    "desk": desks.get(desk_id),
                }
            )
    return found


# The PDF ---------------------------------------------------------------------------------

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 17 * mm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN
FOOTER_BASELINE = 10 * mm
FOOTER_FONT_SIZE = 9
BODY_FONT_SIZE = 11
CELL_FONT_SIZE = 10
LABEL_COLUMN_WIDTH = 50 * mm
CELL_PADDING = 1.6 * mm
#: The one accent colour (the passport's dark teal), and a light tint for header rows.
ACCENT = colors.HexColor("#0B5563")
TINT = colors.HexColor("#E3EEF0")
_RULE = colors.Color(0.72, 0.72, 0.72)
_MUTED = colors.Color(0.3, 0.3, 0.3)
_EMPTY = "—"
#: Room a section needs below its heading, or it starts on the next page.
ROOM_FOR_A_HEADING = 40 * mm
#: Space between two blocks of a section (two sessions, two assessments).
BLOCK_GAP = 3 * mm
#: A block (a session, an assessment) up to this tall is never split between pages.
KEEP_TOGETHER_MAX_HEIGHT = 90 * mm


def document_language(data: dict[str, Any], asked: str | None = None) -> str:
    """The language asked for, else the resident's, else the desk's; always one the
    document can be printed in."""
    for language in (asked, data["resident"].get("language"), data["centre"].get("language")):
        if language in PARTNER_LANGUAGES:
            return language
    return FALLBACK_LANGUAGE


def write_access_pdf(
    data: dict[str, Any], output: BinaryIO | Path | str, *, language: str | None = None
) -> int:
    """Write the report of ``data`` (from ``access_data``) as a PDF for the resident, in
    ``language`` (by default theirs, else the desk's); returns its number of pages.

    A ``Path`` is replaced whole or left as it was. Raises ``OSError`` when it cannot be
    written.
    """
    register_fonts()
    buffer = io.BytesIO()
    pages = _AccessDocument(buffer, data, document_language(data, language)).build_report()
    if isinstance(output, str | Path):
        _write_atomically(Path(output), buffer.getvalue())
    else:
        output.write(buffer.getvalue())
    return pages


def _write_atomically(path: Path, content: bytes) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


@lru_cache(maxsize=1)
def styles() -> dict[str, ParagraphStyle]:
    """The one style sheet of the document; fonts must be registered first."""
    body = ParagraphStyle(
        "body", fontName=REGULAR, fontSize=BODY_FONT_SIZE, leading=BODY_FONT_SIZE * 1.3
    )
    cell = ParagraphStyle(
        "cell", parent=body, fontSize=CELL_FONT_SIZE, leading=CELL_FONT_SIZE * 1.3
    )
    return {
        "body": body,
        "title": ParagraphStyle(
            "title", parent=body, fontName=BOLD, fontSize=20, leading=25, textColor=ACCENT
        ),
        "name": ParagraphStyle(
            "name", parent=body, fontName=BOLD, fontSize=16, leading=21, spaceBefore=2 * mm
        ),
        "meta": ParagraphStyle("meta", parent=body, spaceBefore=1 * mm),
        "reference": ParagraphStyle(
            "reference", parent=body, fontSize=9, leading=12, textColor=_MUTED, spaceBefore=1 * mm
        ),
        "intro": ParagraphStyle("intro", parent=body, spaceBefore=4 * mm),
        "heading": ParagraphStyle(
            "heading",
            parent=body,
            fontName=BOLD,
            fontSize=14,
            leading=18,
            textColor=ACCENT,
            spaceBefore=7 * mm,
            spaceAfter=2.5 * mm,
        ),
        "subheading": ParagraphStyle(
            "subheading",
            parent=body,
            fontName=BOLD,
            fontSize=11.5,
            leading=15,
            spaceBefore=4 * mm,
            spaceAfter=1.5 * mm,
        ),
        "muted": ParagraphStyle("muted", parent=body, textColor=_MUTED),
        "cell": cell,
        "label": ParagraphStyle("label", parent=cell, textColor=_MUTED),
        "header": ParagraphStyle("header", parent=cell, fontName=BOLD),
    }


class _NumberedCanvas(HeldPagesCanvas):
    """Writes the footer and "page x / y" on each page."""

    def __init__(self, *args: Any, footer: str = "", page_of: str = "", **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._footer = footer
        self._page_of = page_of or "%(page)s / %(pages)s"

    def finish_page(self, number: int, total: int) -> None:
        self.saveState()
        self.setStrokeColor(_RULE)
        self.setLineWidth(0.5)
        line_y = FOOTER_BASELINE + FOOTER_FONT_SIZE + 1 * mm
        self.line(MARGIN, line_y, PAGE_WIDTH - MARGIN, line_y)
        self.setFont(REGULAR, FOOTER_FONT_SIZE)
        self.setFillColor(_MUTED)
        page_of = self._page_of % {"page": number, "pages": total}
        room = CONTENT_WIDTH - stringWidth(page_of, REGULAR, FOOTER_FONT_SIZE) - 8 * mm
        self.drawString(MARGIN, FOOTER_BASELINE, _shortened(self._footer, room))
        self.drawRightString(PAGE_WIDTH - MARGIN, FOOTER_BASELINE, page_of)
        self.restoreState()


class _AccessDocument(BaseDocTemplate):
    """One report being built: its texts in its language, its story, its pages."""

    def __init__(self, output: BinaryIO, data: dict[str, Any], language: str):
        self.data = data
        self.language = language
        self.gettext: Callable[[str], str] = translations_for(language).gettext
        self.styles = styles()
        self.made = datetime.fromisoformat(data["made_at"])
        resident = data["resident"]
        self.name = " ".join(
            part for part in (resident.get("first_name"), resident.get("last_name")) if part
        )
        self._framework_labels = {
            (entry["framework"], entry["version"]): entry for entry in data.get("frameworks", ())
        }
        #: The records still held, by table and id: what a line of history is about.
        self._records: dict[tuple[str, str], dict[str, Any]] = {
            (table, record["id"]): record
            for table, key in (
                ("resident", "merged_records"),
                ("support_session", "support_sessions"),
                ("registration", "workshop_registrations"),
                ("skill_assessment", "skill_assessments"),
                ("skill_goal", "skill_goals"),
            )
            for record in data.get(key, ())
        }
        self._records["resident", resident["id"]] = resident
        frame = Frame(
            MARGIN,
            FOOTER_BASELINE + FOOTER_FONT_SIZE + 5 * mm,
            CONTENT_WIDTH,
            PAGE_HEIGHT - MARGIN - (FOOTER_BASELINE + FOOTER_FONT_SIZE + 5 * mm),
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
            id="body",
        )
        title = self.gettext(_TITLE)
        super().__init__(
            output,
            pagesize=A4,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN,
            bottomMargin=MARGIN,
            title=f"{title} — {self.name}",
            subject=title,
            author=data["centre"].get("name") or "",
            creator="Passerelle",
            lang=language,
            initialFontName=REGULAR,
            initialFontSize=BODY_FONT_SIZE,
            pageTemplates=[PageTemplate(id="page", frames=[frame])],
        )
        self._canvas: _NumberedCanvas | None = None

    def build_report(self) -> int:
        self.build(self._story(), canvasmaker=self._make_canvas)
        assert self._canvas is not None
        return self._canvas.page_count

    def _make_canvas(self, *args: Any, **kwargs: Any) -> _NumberedCanvas:
        self._canvas = _NumberedCanvas(
            *args,
            footer=f"{self.gettext(_TITLE)} — {self.name}",
            page_of=self.gettext(_PAGE_OF),
            **kwargs,
        )
        return self._canvas

    # Words and values ---------------------------------------------------------------

    def _paragraph(self, text: str, style: str) -> Paragraph:
        """``text`` as it is written: markup escaped, line breaks kept."""
        return Paragraph(escape(text).replace("\n", "<br/>"), self.styles[style])

    def _label(self, key: str) -> str:
        return self.gettext(_LABELS[key])

    def _date(self, value: str | None, length: str = "long") -> str:
        if not value:
            return _EMPTY
        try:
            return format_date(date.fromisoformat(value[:10]), length, self.language)
        except ValueError:
            return value

    def _moment(self, value: str) -> str:
        """A date and time of the change log, as the language writes them."""
        moment = datetime.fromisoformat(value)
        if moment.tzinfo is not None:
            moment = moment.astimezone()
        pattern = str(babel_locale(self.language).datetime_formats["medium"])
        return pattern.replace("{1}", format_date(moment.date(), "medium", self.language)).replace(
            "{0}", format_time(moment, self.language)
        )

    def _time(self, value: str | None) -> str:
        if not value:
            return ""
        try:
            return format_time(datetime.strptime(value, "%H:%M").time(), self.language)
        except ValueError:
            return value

    def _code(self, code_list: CodeList, code: str | None) -> str:
        if not code:
            return _EMPTY
        try:
            return self.gettext(code_list.label(code))
        except KeyError:
            return code

    def _codes(self, code_list: CodeList, codes: Iterable[str]) -> str:
        labels = [self._code(code_list, code) for code in codes]
        return ", ".join(labels) if labels else _EMPTY

    def _duration(self, minutes: int) -> str:
        hours, rest = divmod(minutes, 60)
        if not hours:
            return self.gettext(_MINUTES) % {"minutes": rest}
        if not rest:
            return self.gettext(_HOURS) % {"hours": hours}
        return self.gettext(_HOURS_MINUTES) % {"hours": hours, "minutes": rest}

    def _language_name(self, code: str) -> str:
        if not code:
            return _EMPTY
        name = babel_locale(self.language).languages.get(code, code)
        return name[:1].upper() + name[1:]

    def _skill(self, framework: str, version: str, item_id: str) -> str:
        entry = self._framework_labels.get((framework, version))
        labels = entry["skills"].get(item_id) if entry else None
        if not labels:
            return item_id
        return labels.get(self.language) or labels.get("en") or item_id

    def _framework_title(self, framework: str, version: str) -> str:
        entry = self._framework_labels.get((framework, version)) or {}
        titles = entry.get("title") or {}
        return titles.get(self.language) or titles.get("en") or f"{framework} {version}"

    # Story --------------------------------------------------------------------------

    def _story(self) -> list[Flowable]:
        data, gettext = self.data, self.gettext
        story: list[Flowable] = [self._paragraph(gettext(_TITLE), "title")]
        if self.name:
            story.append(self._paragraph(self.name, "name"))
        prepared = gettext(_PREPARED_ON) % {
            "date": format_date(self.made.date(), "long", self.language)
        }
        centre = data["centre"].get("name") or ""
        story.append(self._paragraph(f"{centre} — {prepared}" if centre else prepared, "meta"))
        reference = gettext(_REFERENCE) % {"id": data["resident"]["id"]}
        story.append(self._paragraph(reference, "reference"))
        story.append(self._paragraph(gettext(_INTRO), "intro"))
        story += self._file_section()
        story += self._sessions_section()
        story += self._workshops_section()
        story += self._skills_section()
        story += self._history_section()
        story += self._conflicts_section()
        story.append(Spacer(0, 6 * mm))
        story.append(self._paragraph(gettext(_CLOSING), "body"))
        return story

    def _section(self, heading: str, blocks: list[list[Flowable]]) -> list[Flowable]:
        """A heading, then blocks (a session, an assessment). A short block is kept on
        one page; a tall one (long notes, many skills) may split between its rows, the
        table's title and header repeated, once there is room for its start. The heading
        goes with the first block. No block: a line saying nothing is recorded."""
        title = self._paragraph(heading, "heading")
        if not blocks:
            return [KeepTogether([title, self._paragraph(self.gettext(_NOTHING), "muted")])]
        story: list[Flowable] = []
        for index, block in enumerate(blocks):
            content = [title, *block] if index == 0 else block
            if _height(content) <= KEEP_TOGETHER_MAX_HEIGHT:
                story.append(KeepTogether(content))
            else:
                story += [CondPageBreak(ROOM_FOR_A_HEADING), *content]
        return story

    def _long_section(self, heading: str, table: Table | None) -> list[Flowable]:
        """A heading and a table that may run over many pages: the heading starts a new
        page unless there is room below it for the table's first rows."""
        if table is None:
            return self._section(heading, [])
        return [CondPageBreak(ROOM_FOR_A_HEADING), self._paragraph(heading, "heading"), table]

    # Your file

    def _file_section(self) -> list[Flowable]:
        gettext = self.gettext
        resident = self.data["resident"]
        blocks: list[list[Flowable]] = [
            [self._fields_table(self._file_rows(resident))],
            [
                self._paragraph(gettext(_CONSENT), "subheading"),
                self._fields_table(self._consent_rows(resident)),
            ],
        ]
        for merged in self.data.get("merged_records", ()):
            rows = self._file_rows(merged) + self._consent_rows(merged)
            title = gettext(_MERGED_FILE)
            blocks.append([self._fields_table(rows, title=title, space_before=5 * mm)])
        return self._section(gettext(_YOUR_FILE), blocks)

    def _file_rows(self, resident: dict[str, Any]) -> list[tuple[str, str]]:
        year = resident.get("birth_year")
        band = age_band_for(year, self.made.year)
        if year is None and resident.get("anon_age_band"):
            band = resident["anon_age_band"]  # anonymised: the band kept instead
        return [
            (self._label("first_name"), resident.get("first_name") or _EMPTY),
            (self._label("last_name"), resident.get("last_name") or _EMPTY),
            (self._label("birth_year"), str(year) if year else _EMPTY),
            (
                self._label("age_band"),
                self._code(AGE_BANDS, band),
            ),
            (self._label("gender"), self._code(GENDERS, resident.get("gender"))),
            (
                self._label("social_status"),
                self._code(SOCIAL_STATUSES, resident.get("social_status")),
            ),
            (self._label("commune"), resident.get("commune") or _EMPTY),
            (self._label("postcode"), resident.get("postcode") or _EMPTY),
            (self._label("phone"), resident.get("phone") or _EMPTY),
            (self._label("email"), resident.get("email") or _EMPTY),
            (self._label("language"), self._language_name(resident.get("language") or "")),
            (self._label("notes"), resident.get("notes") or _EMPTY),
        ]

    def _consent_rows(self, resident: dict[str, Any]) -> list[tuple[str, str]]:
        return [
            (self._label("consent_date"), self._date(resident.get("consent_date"))),
            (self._label("consent_version"), resident.get("consent_version") or _EMPTY),
            (
                self._label("consent_language"),
                self._language_name(resident.get("consent_language") or ""),
            ),
            (
                self._label("consent_collected_by"),
                resident.get("consent_collected_by") or _EMPTY,
            ),
        ]

    # Sessions

    def _sessions_section(self) -> list[Flowable]:
        sessions = self.data.get("support_sessions", ())
        blocks: list[list[Flowable]] = []
        for session in sessions:
            title = f"{self._date(session['date'])} — {self._duration(session['duration_min'])}"
            table = self._fields_table(
                self._session_rows(session), title=title, space_before=BLOCK_GAP if blocks else 0
            )
            blocks.append([table])
        heading = self.gettext(_SESSIONS) % {"count": len(sessions)}
        return self._section(heading, blocks)

    def _session_rows(self, session: dict[str, Any]) -> list[tuple[str, str]]:
        gettext = self.gettext
        rows = [(self._label("themes"), self._codes(THEMES, session.get("themes") or ()))]
        if session.get("admin_themes"):
            rows.append(
                (self._label("admin_themes"), self._codes(ADMIN_THEMES, session["admin_themes"]))
            )
        if session.get("procedure"):
            rows.append((self._label("procedure"), session["procedure"]))
        if session.get("autonomy"):
            rows.append((self._label("autonomy"), self._code(AUTONOMY_LEVELS, session["autonomy"])))
        rows.append((self._label("place_type"), self._code(PLACE_TYPES, session.get("place_type"))))
        rows.append((self._label("device"), self._code(DEVICES, session.get("device"))))
        if session.get("referred"):
            rows.append(
                (
                    self._label("referral_to"),
                    self._code(REFERRAL_STRUCTURES, session.get("referral_to")),
                )
            )
        if session.get("follow_up_needed"):
            follow_up = gettext(_FOLLOW_UP_ON) % {"date": self._date(session.get("follow_up_date"))}
            if session.get("follow_up_done"):
                follow_up += " — " + gettext(_FOLLOW_UP_DONE)
            rows.append((self._label("follow_up"), follow_up))
        if session.get("notes"):
            rows.append((self._label("notes"), session["notes"]))
        if session.get("mediator_name"):
            rows.append((self._label("mediator"), session["mediator_name"]))
        return rows

    # Workshops

    def _workshops_section(self) -> list[Flowable]:
        registrations = self.data.get("workshop_registrations", ())
        heading = self.gettext(_WORKSHOPS) % {"count": len(registrations)}
        if not registrations:
            return self._long_section(heading, None)
        header = [self._label(key) for key in ("workshop", "date", "time", "place", "status",
                                                "attendance")]  # fmt: skip
        rows = [
            [
                registration.get("workshop_title") or _EMPTY,
                self._date(registration.get("date"), "medium"),
                self.gettext(_FROM_TO)
                % {
                    "start": self._time(registration.get("start_time")),
                    "end": self._time(registration.get("end_time")),
                },
                registration.get("place") or _EMPTY,
                self._registration_status(registration),
                self._attendance(registration),
            ]
            for registration in registrations
        ]
        widths = self._widths(header, [None, 28 * mm, 26 * mm, 24 * mm, 26 * mm, 34 * mm])
        return self._long_section(heading, self._grid_table(header, rows, widths))

    def _registration_status(self, registration: dict[str, Any]) -> str:
        status = registration.get("status")
        if status == REGISTERED and registration.get("walk_in"):
            return self.gettext(_LABELS["walk_in"])
        return self.gettext(_STATUSES.get(status or "", _UNREGISTERED))

    def _attendance(self, registration: dict[str, Any]) -> str:
        if registration.get("cancelled"):
            return self.gettext(_CANCELLED)
        state = registration.get("attendance")
        if not state:
            return self.gettext(_NOT_MARKED)
        text = self._code(ATTENDANCE_STATES, state)
        if state == "late" and registration.get("arrival_time"):
            text += " " + self.gettext(_ARRIVED) % {
                "time": self._time(registration["arrival_time"])
            }
        return text

    # Skills and goals

    def _skills_section(self) -> list[Flowable]:
        gettext = self.gettext
        blocks: list[list[Flowable]] = []
        for assessment in self.data.get("skill_assessments", ()):
            framework, version = assessment["framework"], assessment["framework_version"]
            heading = _DIAGNOSTIC_OF if assessment.get("kind") == "diagnostic" else _ASSESSMENT_OF
            title = gettext(heading) % {"date": self._date(assessment["assessed_on"])}
            title += f" — {self._framework_title(framework, version)}"
            entry = self._framework_labels.get((framework, version)) or {}
            order = {item: index for index, item in enumerate(entry.get("order", ()))}
            ratings = sorted(
                assessment["ratings"].items(), key=lambda rating: order.get(rating[0], len(order))
            )
            rows = [
                [self._skill(framework, version, item), self._code(SKILL_LEVELS, level)]
                for item, level in ratings
            ]
            header = [self._label("skill"), self._label("level")]
            widths = self._widths(header, [None, 55 * mm])
            space_before = BLOCK_GAP if blocks else 0
            blocks.append(
                [self._grid_table(header, rows, widths, title=title, space_before=space_before)]
            )
        goals = self.data.get("skill_goals", ())
        if goals:
            header = [self._label(key) for key in ("skill", "target_date", "achieved_on")]
            rows = [
                [
                    self._skill(goal["framework"], goal["framework_version"], goal["item_id"]),
                    self._date(goal.get("target_date")),
                    self._date(goal["achieved_on"])
                    if goal.get("achieved_on")
                    else gettext(_NOT_YET),
                ]
                for goal in goals
            ]
            widths = self._widths(header, [None, 40 * mm, 40 * mm])
            blocks.append(
                [
                    self._paragraph(gettext(_GOALS), "subheading"),
                    self._grid_table(header, rows, widths),
                ]
            )
        return self._section(gettext(_SKILLS), blocks)

    # History

    def _history_section(self) -> list[Flowable]:
        entries = [
            (entry["at"], self._about(entry["record"], entry["record_id"]),
             self._what(entry), self._desk(entry.get("desk_id"), entry.get("desk")))
            for entry in self.data.get("history", ())
        ]  # fmt: skip
        for imported in self.data.get("imports", ()):
            entries.append(
                (
                    imported["imported_at"],
                    self._about("resident", imported["resident_id"]),
                    self.gettext(_IMPORTED) % {"file": imported["file_name"]},
                    self._desk(self.data["centre"].get("desk_id"), self.data["centre"]["desk"]),
                )
            )
        entries.sort(key=lambda entry: _sortable_moment(entry[0]))
        header = [self._label(key) for key in ("when", "about", "what", "desk")]
        rows = [[self._moment(at), about, what, desk] for at, about, what, desk in entries]
        widths = self._widths(header, [39 * mm, None, 46 * mm, 39 * mm])
        table = self._grid_table(header, rows, widths) if rows else None
        return self._long_section(self.gettext(_HISTORY), table)

    def _about(self, table: str, row_id: str) -> str:
        """The record a history line is about, as the resident knows it."""
        gettext = self.gettext
        record = self._records.get((table, row_id))
        if record is None:
            return gettext(_GONE.get(table, _GONE["resident"]))
        if table == "resident":
            return gettext(_YOUR_FILE if row_id == self.data["resident"]["id"] else _MERGED_FILE)
        if table == "support_session":
            return gettext(_SESSION_OF) % {"date": self._date(record["date"], "medium")}
        if table == "registration":
            return gettext(_REGISTRATION_OF) % {
                "workshop": record.get("workshop_title") or _EMPTY,
                "date": self._date(record.get("date"), "medium"),
            }
        if table == "skill_assessment":
            heading = _DIAGNOSTIC_OF if record.get("kind") == "diagnostic" else _ASSESSMENT_OF
            return gettext(heading) % {"date": self._date(record["assessed_on"], "medium")}
        skill = self._skill(record["framework"], record["framework_version"], record["item_id"])
        return gettext(_GOAL_FOR) % {"skill": skill}

    def _what(self, entry: dict[str, Any]) -> str:
        gettext = self.gettext
        change = entry["change"]
        if change == "created":
            return gettext(_CREATED)
        if change == "deleted":
            return gettext(_DELETED)
        changed = set(entry.get("fields", ()))
        if changed and changed <= _MERGE_FIELDS:
            return gettext(_MERGED)
        labels = _CHANGED_FIELD_LABELS.get(entry["record"], {})
        named = dict.fromkeys(
            self._label(labels[field]) for field in entry.get("fields", ()) if field in labels
        )
        if not named:
            return gettext(_CHANGED)
        return gettext(_CHANGED_FIELDS) % {"fields": ", ".join(named)}

    def _desk(self, desk_id: str | None, name: str | None) -> str:
        if desk_id and desk_id == self.data["centre"].get("desk_id"):
            return self.gettext(_THIS_DESK) % {"name": self.data["centre"].get("desk") or ""}
        return name or self.gettext(_ANOTHER_DESK)

    # Conflicts

    def _conflicts_section(self) -> list[Flowable]:
        conflicts = self.data.get("conflicting_values", ())
        if not conflicts:
            return []
        header = [self._label(key) for key in ("about", "field", "value", "desk")]
        rows = []
        for conflict in conflicts:
            labels = _CHANGED_FIELD_LABELS.get(conflict["record"], {})
            field = conflict["field"]
            rows.append(
                [
                    self._about(conflict["record"], conflict["record_id"]),
                    self._label(labels[field]) if field in labels else field,
                    self._value(field, conflict["value"]),
                    self._desk(conflict.get("desk_id"), conflict.get("desk")),
                ]
            )
        widths = self._widths(header, [None, 36 * mm, 56 * mm, 34 * mm])
        intro = self._paragraph(self.gettext(_CONFLICTS_INTRO), "body")
        table = self._grid_table(header, rows, widths, space_before=2 * mm)
        return self._section(self.gettext(_CONFLICTS), [[intro, table]])

    def _value(self, field: str, value: Any) -> str:
        """A stored value as a person reads it."""
        if value is None or value == "" or value == []:
            return _EMPTY
        if isinstance(value, bool):
            return self.gettext(_YES if value else _NO)
        if field in _CODE_LISTS:
            code_list = _CODE_LISTS[field]
            return (
                self._codes(code_list, value)
                if isinstance(value, list)
                else self._code(code_list, str(value))
            )
        if field in ("language", "consent_language"):
            return self._language_name(str(value))
        if field.endswith("_date") or field in ("date", "assessed_on", "achieved_on"):
            return self._date(str(value))
        if isinstance(value, list):
            return ", ".join(str(item) for item in value)
        return str(value)

    # Tables -------------------------------------------------------------------------

    def _fields_table(
        self, rows: list[tuple[str, str]], title: str | None = None, space_before: float = 0
    ) -> Table:
        """Label and value, a row each; ``title`` spans a first row repeated on the next
        page when the table splits."""
        cells: list[list[Any]] = []
        style: list[tuple[Any, ...]] = [
            *self._base_style(),
            ("LINEBELOW", (0, 0), (-1, -2), 0.4, _RULE),
            ("BOX", (0, 0), (-1, -1), 0.6, _RULE),
        ]
        if title is not None:
            cells.append([self._paragraph(title, "header"), ""])
            style += [
                ("SPAN", (0, 0), (-1, 0)),
                ("BACKGROUND", (0, 0), (-1, 0), TINT),
            ]
        cells += [
            [self._paragraph(label, "label"), self._paragraph(value, "cell")]
            for label, value in rows
        ]
        table = Table(
            cells,
            colWidths=[LABEL_COLUMN_WIDTH, CONTENT_WIDTH - LABEL_COLUMN_WIDTH],
            repeatRows=1 if title is not None else 0,
            hAlign="LEFT",
            spaceBefore=space_before,
        )
        table.setStyle(TableStyle(style))
        return table

    def _grid_table(
        self,
        header: list[str],
        rows: list[list[str]],
        widths: list[float],
        title: str | None = None,
        space_before: float = 0,
    ) -> Table:
        """Columns under a header row (and a ``title`` row above it); both are repeated
        on the next page when the table splits."""
        cells: list[list[Any]] = []
        style: list[tuple[Any, ...]] = [*self._base_style()]
        if title is not None:
            cells.append([self._paragraph(title, "header")] + [""] * (len(header) - 1))
            style += [("SPAN", (0, 0), (-1, 0)), ("BACKGROUND", (0, 0), (-1, 0), TINT)]
        header_row = len(cells)
        cells.append([self._paragraph(text, "header") for text in header])
        cells += [[self._paragraph(text, "cell") for text in row] for row in rows]
        style += [
            ("LINEBELOW", (0, header_row), (-1, header_row), 0.9, ACCENT),
            ("LINEBELOW", (0, header_row + 1), (-1, -2), 0.4, _RULE),
            ("BOX", (0, 0), (-1, -1), 0.6, _RULE),
        ]
        table = Table(
            cells,
            colWidths=widths,
            repeatRows=header_row + 1,
            hAlign="LEFT",
            spaceBefore=space_before,
        )
        table.setStyle(TableStyle(style))
        return table

    def _widths(self, header: list[str], wished: list[float | None]) -> list[float]:
        """Column widths: each as wished, or wider when a word of its header would not
        fit (a translation may be longer); the one ``None`` column takes the rest."""
        style = self.styles["header"]
        widths = [
            None
            if width is None
            else max(
                width,
                max(stringWidth(word, style.fontName, style.fontSize) for word in text.split())
                + 2 * CELL_PADDING
                + 1,
            )
            for text, width in zip(header, wished, strict=True)
        ]
        rest = CONTENT_WIDTH - sum(width for width in widths if width is not None)
        return [rest if width is None else width for width in widths]

    @staticmethod
    def _base_style() -> list[tuple[Any, ...]]:
        return [
            ("FONTNAME", (0, 0), (-1, -1), REGULAR),
            ("FONTSIZE", (0, 0), (-1, -1), CELL_FONT_SIZE),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
            ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
            ("TOPPADDING", (0, 0), (-1, -1), CELL_PADDING),
            ("BOTTOMPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ]


def _shortened(text: str, width: float) -> str:
    """``text`` cut with an ellipsis to fit ``width`` in the footer's type."""
    if stringWidth(text, REGULAR, FOOTER_FONT_SIZE) <= width:
        return text
    while text and stringWidth(text + "…", REGULAR, FOOTER_FONT_SIZE) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _height(flowables: list[Flowable]) -> float:
    """How tall ``flowables`` are on a page's width, the space between them included."""
    total = 0.0
    for index, flowable in enumerate(flowables):
        total += flowable.wrap(CONTENT_WIDTH, PAGE_HEIGHT)[1]
        if index:
            total += flowable.getSpaceBefore()
    return total


def _sortable_moment(value: str) -> datetime:
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
