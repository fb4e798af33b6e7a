"""Support sessions: log, edit, duplicate, delete; a resident's history; today's work and
the follow-ups due."""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass, fields, replace
from datetime import date
from typing import TYPE_CHECKING, Any

from mediator_app.domain.session import LIST_FIELDS, SupportSession
from mediator_app.store.errors import NotFoundError

if TYPE_CHECKING:
    from mediator_app.store.database import Store

_COLUMNS = ", ".join(f"s.{f.name}" for f in fields(SupportSession))


@dataclass(frozen=True)
class SessionWithResident:
    """A session and the name of its resident (empty for an anonymous visit)."""

    session: SupportSession
    resident_name: str


class Sessions:
    """The support sessions of a store."""

    def __init__(self, store: Store):
        self._store = store

    def get(self, session_id: str) -> SupportSession:
        rows = self._select("WHERE s.id = ?", (session_id,))
        if not rows:
            raise NotFoundError(id=session_id)
        return rows[0].session

    def create(self, session: SupportSession, today: date | None = None) -> SupportSession:
        """Validate and log a session; raises ``ValidationError`` and saves nothing when
        it is not right."""
        valid = session.validated(today or date.today())
        if valid.resident_id is not None:
            valid = replace(valid, resident_id=self._store.residents.shown(valid.resident_id))
        with self._store.write() as writer:
            record = valid.to_record()
            if record.get("mediator_id") is None:
                record["mediator_id"] = self._store.mediator_id
            session_id = writer.insert("support_session", record)
        return self.get(session_id)

    def update(self, session: SupportSession, today: date | None = None) -> SupportSession:
        """Save an edited session, validated as on create; a resident who is not on this
        desk is refused with ``NotFoundError``."""
        valid = session.validated(today or date.today())
        self.get(valid.id)
        if valid.resident_id is not None:
            valid = replace(valid, resident_id=self._store.residents.shown(valid.resident_id))
        with self._store.write() as writer:
            writer.update("support_session", valid.id, valid.to_record())
        return self.get(valid.id)

    def duplicate(self, session_id: str, on_day: date | None = None) -> SupportSession:
        """Log a copy of a session, dated ``on_day`` (today by default), follow-up open."""
        day = on_day or date.today()
        original = self.get(session_id)
        follow_up = None
        if original.follow_up_needed and original.follow_up_date:
            # The same delay after the new date as after the original one.
            delay = date.fromisoformat(original.follow_up_date) - date.fromisoformat(original.date)
            # Past 9999-12-31 there is no date: the copy is refused for want of one.
            with contextlib.suppress(OverflowError):
                follow_up = (day + delay).isoformat()
        copy = replace(
            original,
            id="",
            date=day.isoformat(),
            follow_up_date=follow_up,
            follow_up_done=False,
            mediator_id=None,  # the mediator logging the copy, not the original's
        )
        return self.create(copy, today=day)

    def delete(self, session_id: str) -> None:
        with self._store.write() as writer:
            writer.delete("support_session", session_id)

    def set_follow_up_done(self, session_id: str, done: bool = True) -> None:
        with self._store.write() as writer:
            writer.update("support_session", session_id, {"follow_up_done": done})

    def count_for_resident(self, resident_id: str) -> int:
        (total,) = self._store.conn.execute(
            "SELECT COUNT(*) FROM support_session WHERE resident_id = ?", (resident_id,)
        ).fetchone()
        return total

    def for_resident(
        self, resident_id: str, offset: int = 0, limit: int = 100
    ) -> list[SupportSession]:
        """A resident's history, newest first, a slice at a time."""
        rows = self._select(
            "WHERE s.resident_id = ? ORDER BY s.date DESC, s.created_at DESC, s.id DESC "
            "LIMIT ? OFFSET ?",
            (resident_id, limit, offset),
        )
        return [row.session for row in rows]

    def on_day(self, day: date) -> list[SessionWithResident]:
        """Sessions dated ``day``, the most recently logged first."""
        return self._select(
            "WHERE s.date = ? ORDER BY s.created_at DESC, s.id DESC", (day.isoformat(),)
        )

    def follow_ups_due(
        self, by_day: date, resident_id: str | None = None, limit: int | None = None
    ) -> list[SessionWithResident]:
        """Open follow-ups due on or before ``by_day``, the oldest first (the ``limit``
        oldest when given)."""
        condition, params = self._due(by_day, resident_id)
        order = " ORDER BY s.follow_up_date" + ("" if limit is None else f" LIMIT {int(limit)}")
        return self._select(condition + order, params)

    def count_follow_ups_due(self, by_day: date) -> int:
        condition, params = self._due(by_day, None)
        (count,) = self._store.conn.execute(
            f"SELECT COUNT(*) FROM support_session s {condition}", params
        ).fetchone()
        return count

    @staticmethod
    def _due(by_day: date, resident_id: str | None) -> tuple[str, list[Any]]:
        condition = (
            "WHERE s.follow_up_needed = 1 AND s.follow_up_done = 0 AND s.follow_up_date <= ?"
        )
        params: list[Any] = [by_day.isoformat()]
        if resident_id is not None:
            condition += " AND s.resident_id = ?"
            params.append(resident_id)
        return condition, params

    def open_follow_ups(self, resident_id: str) -> list[SupportSession]:
        """All follow-ups still open for a resident, whatever their date."""
        rows = self._select(
            "WHERE s.resident_id = ? AND s.follow_up_needed = 1 AND s.follow_up_done = 0 "
            "ORDER BY s.follow_up_date",
            (resident_id,),
        )
        return [row.session for row in rows]

    def _select(self, where: str, params: Any) -> list[SessionWithResident]:
        cursor = self._store.conn.execute(
            f"SELECT {_COLUMNS}, r.first_name, r.last_name FROM support_session s "
            f"LEFT JOIN resident r ON r.id = s.resident_id {where}",
            params,
        )
        names = [column[0] for column in cursor.description]
        found: list[SessionWithResident] = []
        for row in cursor:
            record = dict(zip(names, row, strict=True))
            for name in LIST_FIELDS:
                record[name] = json.loads(record[name] or "[]")
            resident_name = " ".join(
                part for part in (record.pop("first_name"), record.pop("last_name")) if part
            )
            found.append(SessionWithResident(SupportSession.from_row(record), resident_name))
        return found
