"""The local SQLite store: migrations, the one write path, queries and search."""

from mediator_app.store.database import Store, open_store
from mediator_app.store.errors import (
    DatabaseUnavailableError,
    DatabaseUnreadableError,
    NewerSchemaError,
    NotFoundError,
    StoreError,
)

__all__ = [
    "DatabaseUnavailableError",
    "DatabaseUnreadableError",
    "NewerSchemaError",
    "NotFoundError",
    "Store",
    "StoreError",
    "open_store",
]
