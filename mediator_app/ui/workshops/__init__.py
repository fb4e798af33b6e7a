"""The workshops screens: catalogue, week and sessions, registrations, quick entry of a
signed sheet, scans, and attendance sheets saved or printed."""

from mediator_app.ui.workshops.page import WorkshopsPage

__all__ = ["WorkshopsPage"]
