"""Moving in: residents imported from the spreadsheets a centre already keeps.

The steps, each its own module, none of them touching Qt:

1. ``reading``: a CSV, XLSX (or, refused with a plain message, ODS or XLS) file becomes
   a ``Table``: its headers and its non-empty rows, numbered as the spreadsheet shows
   them.
2. ``mapping``: which column holds which field, guessed from the headers in the five
   languages of the partnership (La Coop's beneficiary template recognised as is),
   corrected by the mediator, saved and loaded as JSON.
3. ``rows``: one row becomes a ``Resident`` candidate, or the reasons it cannot be one.
4. ``plan``: the preview: every row new, a probable duplicate (of a resident of the desk
   or of an earlier row), or invalid, before anything is written.
5. ``apply``: the plan written in one transaction through the one write path, logged
   so that the whole import can be undone.

``describe`` turns their results into the sentences the command line and the window
show.
"""
