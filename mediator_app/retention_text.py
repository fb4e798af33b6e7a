"""The sentences a retention review is told in, on the command line and in the window:
the period, who is due, what anonymising or erasing each resident changes, and what was
done. Translated in the language of the moment."""

from __future__ import annotations

from datetime import date

from babel.lists import format_list

from mediator_app.domain.codes import AGE_BANDS, GENDERS, SOCIAL_STATUSES, CodeList
from mediator_app.i18n import _, babel_locale, format_date, format_number, ngettext
from mediator_app.store.retention import (
    DROPPED_FIELDS,
    DueResident,
    RetentionPreview,
    RetentionResult,
    cutoff,
)

_NOT_GIVEN = "non_communique"
_FIELD_LABELS = dict(DROPPED_FIELDS)


def period_line(months: int, today: date) -> str:
    """The period and the day it puts the limit at."""
    return ngettext(
        "Retention period: %(count)s month after the last contact, so a last contact on "
        "or before %(date)s.",
        "Retention period: %(count)s months after the last contact, so a last contact on "
        "or before %(date)s.",
        months,
    ) % {"count": format_number(months), "date": format_date(cutoff(today, months))}


def due_count_line(count: int) -> str:
    if not count:
        return _("Nobody is due for review.")
    return ngettext(
        "%(count)s resident is due for review.", "%(count)s residents are due for review.", count
    ) % {"count": format_number(count)}


def due_line(resident: DueResident) -> str:
    """One resident due, as the command line lists them."""
    return ngettext(
        "%(name)s (%(id)s): last contact on %(date)s, %(count)s month ago.",
        "%(name)s (%(id)s): last contact on %(date)s, %(count)s months ago.",
        resident.months_since,
    ) % {
        "name": resident.full_name,
        "id": resident.id,
        "date": format_date(resident.last_contact),
        "count": format_number(resident.months_since),
    }


def kept_profile(preview: RetentionPreview) -> str:
    """What stays of the person for the statistics: gender, age band, status, commune."""
    parts = [
        _label(GENDERS, preview.gender),
        _label(AGE_BANDS, preview.age_band),
        _label(SOCIAL_STATUSES, preview.social_status),
        preview.commune,
    ]
    return ", ".join(part for part in parts if part) or _("nothing")


def anonymise_lines(preview: RetentionPreview) -> list[str]:
    """What anonymising one resident changes, one sentence a line."""
    lines = []
    if preview.dropped:
        fields = [_(_FIELD_LABELS[name]) for name in preview.dropped]
        lines.append(_("Removed: %(fields)s.") % {"fields": _listed(fields)})
    lines.append(_("Kept for the statistics: %(profile)s.") % {"profile": kept_profile(preview)})
    records = _records(preview)
    if records:
        lines.append(_("Kept: %(records)s.") % {"records": _listed(records)})
    if preview.notes_emptied:
        lines.append(
            ngettext(
                "The notes of %(count)s session are emptied.",
                "The notes of %(count)s sessions are emptied.",
                preview.notes_emptied,
            )
            % {"count": format_number(preview.notes_emptied)}
        )
    if preview.procedures_emptied:
        lines.append(
            ngettext(
                "The procedure of %(count)s session is emptied: its name is not a common one.",
                "The procedures of %(count)s sessions are emptied: their names are not common "
                "ones.",
                preview.procedures_emptied,
            )
            % {"count": format_number(preview.procedures_emptied)}
        )
    if preview.merged_records:
        lines.append(
            ngettext(
                "%(count)s record merged into this one is anonymised too.",
                "%(count)s records merged into this one are anonymised too.",
                preview.merged_records,
            )
            % {"count": format_number(preview.merged_records)}
        )
    return lines


def erase_lines(preview: RetentionPreview) -> list[str]:
    """What erasing one resident changes, one sentence a line."""
    lines = [_("The record is erased, with the name, contact details and notes.")]
    if preview.sessions:
        lines.append(
            ngettext(
                "%(count)s support session stays as an anonymous visit.",
                "%(count)s support sessions stay as anonymous visits.",
                preview.sessions,
            )
            % {"count": format_number(preview.sessions)}
        )
    if preview.attended:
        lines.append(
            ngettext(
                "%(count)s workshop session attended stays, counted as an anonymous participant.",
                "%(count)s workshop sessions attended stay, counted as anonymous participants.",
                preview.attended,
            )
            % {"count": format_number(preview.attended)}
        )
    erased = _assessments_and_goals(preview)
    if erased:
        lines.append(_("Erased as well: %(records)s.") % {"records": _listed(erased)})
    if preview.merged_records:
        lines.append(
            ngettext(
                "%(count)s record merged into this one is erased too.",
                "%(count)s records merged into this one are erased too.",
                preview.merged_records,
            )
            % {"count": format_number(preview.merged_records)}
        )
    return lines


def anonymised_line(result: RetentionResult) -> str:
    return _with_left_out(
        ngettext(
            "%(count)s resident anonymised.", "%(count)s residents anonymised.", len(result.done)
        )
        % {"count": format_number(len(result.done))},
        result,
    )


def erased_line(result: RetentionResult) -> str:
    return _with_left_out(
        ngettext("%(count)s resident erased.", "%(count)s residents erased.", len(result.done))
        % {"count": format_number(len(result.done))},
        result,
    )


def _with_left_out(line: str, result: RetentionResult) -> str:
    if not result.left_out:
        return line
    left_out = len(result.left_out)
    return (
        line
        + " "
        + ngettext(
            "%(count)s resident was left out: seen again since the list was made, or no "
            "longer on this desk.",
            "%(count)s residents were left out: seen again since the list was made, or no "
            "longer on this desk.",
            left_out,
        )
        % {"count": format_number(left_out)}
    )


def _records(preview: RetentionPreview) -> list[str]:
    """The records anonymising keeps, counted."""
    found = []
    if preview.sessions:
        found.append(
            ngettext("%(count)s support session", "%(count)s support sessions", preview.sessions)
            % {"count": format_number(preview.sessions)}
        )
    if preview.registrations:
        found.append(
            ngettext(
                "%(count)s workshop registration",
                "%(count)s workshop registrations",
                preview.registrations,
            )
            % {"count": format_number(preview.registrations)}
        )
    return found + _assessments_and_goals(preview)


def _assessments_and_goals(preview: RetentionPreview) -> list[str]:
    found = []
    if preview.assessments:
        found.append(
            ngettext(
                "%(count)s skills assessment", "%(count)s skills assessments", preview.assessments
            )
            % {"count": format_number(preview.assessments)}
        )
    if preview.goals:
        found.append(
            ngettext("%(count)s goal", "%(count)s goals", preview.goals)
            % {"count": format_number(preview.goals)}
        )
    return found


def _label(codes: CodeList, code: str | None) -> str:
    """A code's label; nothing for "not given", the code itself for an unknown one."""
    if not code or code == _NOT_GIVEN:
        return ""
    return _(codes.label(code)) if code in codes else code


def _listed(items: list[str]) -> str:
    return format_list(items, locale=babel_locale())
