"""Engine and session handling.

The engine is created lazily and per process: gunicorn forks workers after the
app is imported, and a connection pool must never be shared across a fork.
"""
import os

from flask import current_app, g
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker


def make_engine(url: str, connect_timeout: int = 3) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            connect_args={"timeout": 10, "check_same_thread": False},
            pool_pre_ping=True,
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            # Foreign keys are off by default in SQLite; WAL lets readers go on during an import.
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA busy_timeout = 10000")
            cursor.execute("PRAGMA synchronous = NORMAL")
            cursor.close()

        return engine
    return create_engine(
        url,
        pool_pre_ping=True,  # a restarted database server is noticed and the pool recovers
        pool_size=5,
        max_overflow=5,
        pool_timeout=connect_timeout,
        connect_args={"connect_timeout": connect_timeout},
    )


def get_engine() -> Engine:
    """The engine for this app in this process (re-created after a fork)."""
    state = current_app.extensions.setdefault("treaty_db", {})
    pid = os.getpid()
    if state.get("pid") != pid:
        state["engine"] = make_engine(
            current_app.config["DATABASE_URL"], current_app.config.get("DB_CONNECT_TIMEOUT", 3)
        )
        state["sessionmaker"] = sessionmaker(bind=state["engine"], expire_on_commit=False)
        state["pid"] = pid
    return state["engine"]


def get_session() -> Session:
    """One session per request, closed when the request ends."""
    if "db_session" not in g:
        get_engine()
        g.db_session = current_app.extensions["treaty_db"]["sessionmaker"]()
    return g.db_session


def close_session(_exc=None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


def dispose_engine(app) -> None:
    state = app.extensions.get("treaty_db", {})
    engine = state.pop("engine", None)
    state.pop("pid", None)
    if engine is not None:
        engine.dispose()


def init_app(app) -> None:
    app.teardown_appcontext(close_session)
