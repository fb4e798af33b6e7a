"""Printed documents and reports drawn with ReportLab; no Qt here, so the command line and
the tests print without a display. Nothing is imported here: a screen that only reads
figures (``activities``, ``statistics``) does not load ReportLab with them."""
