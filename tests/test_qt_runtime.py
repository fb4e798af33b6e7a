"""The Qt binding in use does not leak references to Python's singletons, which would
crash a long-running window ("Fatal Python error: none_dealloc")."""

from __future__ import annotations

import sys

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject

CALLS = 500


class _EmptyModel(QAbstractListModel):
    def rowCount(self, parent=QModelIndex()):  # noqa: B008
        return 0

    def data(self, index, role=0):
        return None


def test_calls_returning_nothing_keep_none_alive(qapp):
    holder = QObject()
    before = sys.getrefcount(None)
    for _ in range(CALLS):
        holder.setObjectName("desk")
    assert sys.getrefcount(None) - before > -CALLS // 2


def test_model_resets_and_signals_keep_singletons_alive(qapp):
    model = _EmptyModel()
    before_none, before_true = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(CALLS):
        model.beginResetModel()
        model.endResetModel()
        model.layoutChanged.emit()
    assert sys.getrefcount(None) - before_none > -CALLS // 2
    assert sys.getrefcount(True) - before_true > -CALLS // 2
