"""Occurrences, registrations and attendance in words, for lists, panels and dialogs.

Every state is written out and carries a text marker, so colour is never the only
signal; markers are plain characters of the UI font, not icons.
"""

from __future__ import annotations

from datetime import date

from babel import dates as babel_dates

from mediator_app.domain.workshop import (
    ATTENDANCE_STATES,
    REGISTERED,
    WAITING,
    WORKSHOP_LEVELS,
    WorkshopOccurrence,
    parse_time,
)
from mediator_app.i18n import _, babel_locale, format_date, format_time, ngettext
from mediator_app.store.workshops import OccurrenceSummary, Participant

#: A marker before each attendance state, readable without colour.
ATTENDANCE_MARKERS = {"present": "✔", "absent": "✘", "excused": "⊘", "late": "◷"}
NOT_MARKED_MARKER = "·"
CANCELLED_MARKER = "✘"
PENDING_MARKER = "⚠"
DONE_MARKER = "✔"


def short_day(day: date) -> str:
    """A day as a week list shows it: ``Tue 3 Mar`` (``mar. 3 mars`` in French)."""
    return babel_dates.format_date(day, "EEE d MMM", locale=babel_locale())


def long_day(day: date) -> str:
    return format_date(day, "full")


def clock(text: str) -> str:
    """A stored ``HH:MM`` time as the UI language writes it."""
    parsed = parse_time(text)
    return format_time(parsed) if parsed else text


def time_range(occurrence: WorkshopOccurrence) -> str:
    return _("%(start)s–%(end)s") % {
        "start": clock(occurrence.start_time),
        "end": clock(occurrence.end_time),
    }


def level_label(code: str) -> str:
    return _(WORKSHOP_LEVELS.label(code)) if code in WORKSHOP_LEVELS else code


def places_text(summary: OccurrenceSummary) -> str:
    """``8 / 12``, and ``12 / 12 (+3)`` with three on the waiting list (the tooltip says
    it in words: ``counts_text``)."""
    text = _("%(registered)s / %(capacity)s") % {
        "registered": summary.registered,
        "capacity": summary.capacity,
    }
    if summary.waiting:
        text += " " + _("(+%(waiting)s)") % {"waiting": summary.waiting}
    return text


def missing_parts(occurrence: WorkshopOccurrence) -> str:
    """What a past session still lacks: its attendance, its scan, or both."""
    if not occurrence.attendance_entered and not occurrence.scan_sha256:
        return _("Attendance and scan")
    if not occurrence.attendance_entered:
        return _("Attendance")
    if not occurrence.scan_sha256:
        return _("Scan of the signed sheet")
    return ""


def sheet_state(occurrence: WorkshopOccurrence, today: date) -> str:
    """The state of a session and of its sheet, with a marker."""
    if occurrence.cancelled:
        return f"{CANCELLED_MARKER} " + _("Cancelled")
    if occurrence.day >= today:
        return ""
    if missing_parts(occurrence):
        return f"{PENDING_MARKER} " + _("To enter")
    return f"{DONE_MARKER} " + _("Entered")


def registration_label(participant: Participant, waiting_position: int | None = None) -> str:
    if participant.status == WAITING:
        if waiting_position is None:
            return _("Waiting list")
        return _("Waiting list, no. %(position)s") % {"position": waiting_position}
    if participant.status == REGISTERED and participant.walk_in:
        return _("Walk-in")
    if participant.status == REGISTERED:
        return _("Registered")
    return _("Unregistered")


def status_label(status: str) -> str:
    """A registration status alone (a resident's history)."""
    return {
        REGISTERED: _("Registered"),
        WAITING: _("Waiting list"),
    }.get(status, _("Unregistered"))


def attendance_label(state: str | None, arrival_time: str | None = None) -> str:
    """``✔ Present``, ``◷ Late (14:20)``; ``· Not marked`` when nothing is entered."""
    if state is None or state not in ATTENDANCE_STATES:
        return f"{NOT_MARKED_MARKER} " + _("Not marked")
    text = f"{ATTENDANCE_MARKERS[state]} {_(ATTENDANCE_STATES.label(state))}"
    if state == "late" and arrival_time:
        text += " " + _("(arrived %(time)s)") % {"time": clock(arrival_time)}
    return text


def counts_text(summary: OccurrenceSummary) -> str:
    """The numbers of a session in one sentence."""
    parts = [
        ngettext(
            "%(registered)s of %(capacity)s place taken",
            "%(registered)s of %(capacity)s places taken",
            summary.capacity,
        )
        % {"registered": summary.registered, "capacity": summary.capacity}
    ]
    if summary.waiting:
        parts.append(
            ngettext(
                "%(count)s on the waiting list", "%(count)s on the waiting list", summary.waiting
            )
            % {"count": summary.waiting}
        )
    anonymous = summary.occurrence.anonymous_total
    if anonymous:
        parts.append(
            ngettext(
                "%(count)s anonymous participant", "%(count)s anonymous participants", anonymous
            )
            % {"count": anonymous}
        )
    if summary.attended:
        parts.append(
            ngettext("%(count)s took part", "%(count)s took part", summary.attended)
            % {"count": summary.attended}
        )
    return " · ".join(parts)
