"""Printed documents (attendance sheets) drawn with ReportLab; no Qt here, so the command
line and the tests print without a display."""

from mediator_app.reports.attendance_sheet import (
    AttendanceSheet,
    SheetError,
    SheetParticipant,
    qr_payload,
    write_sheets,
)

__all__ = ["AttendanceSheet", "SheetError", "SheetParticipant", "qr_payload", "write_sheets"]
