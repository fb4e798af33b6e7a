"""The documents of a period, made from the same activity records: the statistics
report (PDF), La Coop's activity spreadsheet (XLSX), the Italian monitoring CSV; and the
one action that prepares everything the coordinator receives for a period.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from mediator_app.reports.activities import INDIVIDUAL, activities_between
from mediator_app.reports.period_report import centre_report, coordinator_report
from mediator_app.store import Store
from mediator_app.store.mediators import find_mediator

#: ``(done, total) -> keep_going``, as the worker's progress callback.
Progress = Callable[[int, int], bool]
FORMATS = ("pdf", "xlsx", "csv-it")


class ExportCancelled(Exception):
    """The mediator stopped the export: the files made so far are removed."""


def write_report(
    store: Store,
    start: date,
    end: date,
    output: Path,
    report_format: str,
    *,
    language: str | None = None,
    mediator_id: str | None = None,
    theme: str | None = None,
    centre_id: str | None = None,
    country: str | None = None,
) -> int:
    """One document of ``start``..``end`` in ``report_format``; returns its pages (PDF)
    or rows (spreadsheet, CSV). At the coordinator's, the PDF adds up the centres'
    exports (all, one country or one centre)."""
    desk = store.ensure_desk()
    if report_format == "pdf":
        from mediator_app.reports.statistics_pdf import write_statistics_report

        mediator = find_mediator(store, desk.mediator_id) if desk.mediator_id else None
        if desk.is_coordinator:
            report = coordinator_report(
                store, start, end, centre_id=centre_id, country=country, theme=theme
            )
            monthly = None
            scope = _coordinator_scope(store, centre_id, country, language or desk.language)
        else:
            # The trend line counts the months of the activities the figures read, in
            # the same pass: a year is read once, not twice.
            months = _MonthCounts(mediator_id, theme)
            report = centre_report(
                store, start, end, mediator_id=mediator_id, theme=theme, seen=months.see
            )
            monthly = months.series(report.previous.start, end)
            scope = ""
        return write_statistics_report(
            report.current,
            report.previous,
            output,
            language=language or desk.language,
            centre=desk.centre_name,
            scope=scope,
            prepared_by=mediator.name if mediator else desk.name,
            monthly=monthly,
            framework=store.skills.current_framework(),
        )
    if report_format == "xlsx":
        from mediator_app.reports.lacoop_xlsx import write_lacoop_xlsx

        return write_lacoop_xlsx(
            activities_between(store, start, end), output, centre_name=desk.centre_name
        )
    if report_format == "csv-it":
        from mediator_app.reports.italy_csv import write_italy_csv

        def facilitator(mediator_id: str | None) -> str:
            found = find_mediator(store, mediator_id) if mediator_id else None
            return found.name if found else ""

        return write_italy_csv(
            activities_between(store, start, end),
            output,
            facilitator_of=facilitator,
            site=desk.centre_name,
            province="",
        )
    raise ValueError(f"unknown report format {report_format!r}")


class _MonthCounts:
    """The activities of each month, counted as they are read, with the report's
    filters (a mediator's individual sessions; a theme)."""

    def __init__(self, mediator_id: str | None, theme: str | None):
        self._mediator_id = mediator_id
        self._theme = theme
        self._counts: dict[str, int] = {}

    def see(self, activity) -> None:
        if self._mediator_id is not None and (
            activity.kind != INDIVIDUAL or activity.mediator_id != self._mediator_id
        ):
            return
        if self._theme is not None and self._theme not in activity.themes:
            return
        month = activity.date[:7]
        self._counts[month] = self._counts.get(month, 0) + 1

    def series(self, start: date, end: date) -> list[tuple[date, int]]:
        """Every month from ``start``'s to ``end``'s, zeros included."""
        found = []
        index, last = start.year * 12 + start.month - 1, end.year * 12 + end.month - 1
        while index <= last:
            first_day = date(index // 12, index % 12 + 1, 1)
            found.append((first_day, self._counts.get(first_day.isoformat()[:7], 0)))
            index += 1
        return found


def _coordinator_scope(
    store: Store, centre_id: str | None, country: str | None, language: str
) -> str:
    from mediator_app.i18n import translations_for
    from mediator_app.sync.coordinator import held_exports

    _ = translations_for(language).gettext
    if centre_id:
        names = {e.centre_name for e in held_exports(store) if e.centre_id == centre_id}
        return ", ".join(sorted(names)) or centre_id
    if country:
        return _("Country: %(code)s") % {"code": country}
    return _("All centres")


@dataclass
class PreparedExport:
    """What "Prepare the export for the coordinator" made, in ``folder``."""

    folder: Path
    files: list[Path] = field(default_factory=list)
    sent: bool = False


def prepare_coordinator_export(
    store: Store,
    period_text: str,
    folder: Path,
    *,
    language: str | None = None,
    send: Callable[[Path], None] | None = None,
    progress: Progress | None = None,
) -> PreparedExport:
    """Everything the coordinator receives for a period, in one action: the
    pseudonymised bundle, the statistics report, and the spreadsheet of the country's
    export profile (its country pack: La Coop's in France, the Italian CSV in Italy).
    The bundle is sent when ``send`` is given. Each step reports progress; a cancel
    removes what was made."""
    from mediator_app.sync.coordinator import Period, export_for_coordinator

    period = Period.parse(period_text)
    desk = store.ensure_desk()
    folder.mkdir(parents=True, exist_ok=True)
    base = f"{desk.centre_name or 'passerelle'} {period.label}".strip()
    steps: list[tuple[str, Callable[[], Path]]] = [
        ("bundle", lambda: export_for_coordinator(store, period, folder)),
        ("pdf", lambda: _document(store, period, folder / f"{base}.pdf", "pdf", language)),
    ]
    from mediator_app.domain.country_packs import pack_for
    from mediator_app.paths import resources_dir

    profile = pack_for(desk.country, resources_dir() / "countries").export_profile
    if profile == "lacoop":
        steps.append(
            ("xlsx", lambda: _document(store, period, folder / f"{base}.xlsx", "xlsx", None))
        )
    if profile == "italy":
        steps.append(
            ("csv-it", lambda: _document(store, period, folder / f"{base}.csv", "csv-it", None))
        )
    prepared = PreparedExport(folder)
    total = len(steps) + (1 if send else 0)
    try:
        for done, (_name, make) in enumerate(steps):
            if progress is not None and not progress(done, total):
                raise ExportCancelled
            prepared.files.append(make())
        if send is not None:
            send(prepared.files[0])
            prepared.sent = True
        if progress is not None:
            progress(total, total)
    except ExportCancelled:
        for path in prepared.files:
            path.unlink(missing_ok=True)
        raise
    return prepared


def _document(store: Store, period, path: Path, kind: str, language: str | None) -> Path:
    write_report(store, period.start, period.end, path, kind, language=language)
    return path


EXPORT_CADENCES = ("quarter", "month")


def export_cadence(store: Store) -> str:
    """How often the centre sends its export: "quarter" (the default) or "month"."""
    row = store.conn.execute(
        "SELECT value FROM centre_setting WHERE id = 'export_period'"
    ).fetchone()
    return row[0] if row is not None and row[0] in EXPORT_CADENCES else "quarter"


def set_export_cadence(store: Store, cadence: str) -> None:
    """A centre setting: it syncs to the centre's other desks."""
    if cadence not in EXPORT_CADENCES:
        raise ValueError(f"unknown cadence {cadence!r}")
    with store.write() as writer:
        exists = store.conn.execute(
            "SELECT 1 FROM centre_setting WHERE id = 'export_period'"
        ).fetchone()
        if exists:
            writer.update("centre_setting", "export_period", {"value": cadence})
        else:
            writer.insert("centre_setting", {"id": "export_period", "value": cadence})


def export_due(store: Store, today: date | None = None) -> str | None:
    """The last complete period (a quarter, or a month when the centre chose monthly
    exports) not exported yet; ``None`` when nothing is due or no coordinator is
    enrolled."""
    from mediator_app.sync.keys import peers

    if not peers(store, role="coordinator"):
        return None
    today = today or date.today()
    if export_cadence(store) == "month":
        year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
        label = f"{year}-{month:02d}"
    else:
        quarter = (today.month - 1) // 3
        year, quarter = (today.year, quarter) if quarter else (today.year - 1, 4)
        label = f"{year}-Q{quarter}"
    exported = store.conn.execute("SELECT 1 FROM export_log WHERE period = ?", (label,)).fetchone()
    return None if exported else label
