"""The data version: one number that goes up with every write of the data.

The data changes only through commands (`treaty-api seed`, `treaty-api import-text`)
and migrations. Each writer calls `bump` inside its own transaction, so a reader sees
the new version exactly when it sees the new data. Answers whose body is not known
before it is sent (streamed CSV) take their strong ETag from it.
"""
from __future__ import annotations

from sqlalchemy import Connection, func, select, update
from sqlalchemy.orm import Session

from api.models import DataVersion

_TABLE = DataVersion.__table__


def bump(connection_or_session: Connection | Session) -> None:
    """Count one more write; call it in the writer's transaction, only when something was written."""
    connection_or_session.execute(
        update(_TABLE).where(_TABLE.c.id == 1).values(version=_TABLE.c.version + 1, changed_at=func.now())
    )


def current(connection_or_session: Connection | Session) -> int:
    """The version the caller's transaction sees."""
    return connection_or_session.scalar(select(_TABLE.c.version).where(_TABLE.c.id == 1))
