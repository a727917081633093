"""Engine and session handling.

The engine is created lazily and per process: gunicorn forks workers after the
app is imported, and a connection pool must never be shared across a fork.
"""
import math
import os

import click
from flask import current_app, g, has_request_context
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker


def make_engine(url: str, connect_timeout: float = 3, *, statement_timeout_ms: int | None = None,
                busy_timeout_ms: int | None = None) -> Engine:
    """An engine that fails fast when the database is away, so a request answers 503
    within seconds instead of hanging until the worker is killed.

    connect_timeout: seconds to open a connection, and to wait for one from the pool.
    statement_timeout_ms (PostgreSQL): longest a statement may run; 0 or None for no limit.
    busy_timeout_ms (SQLite): how long to wait on a lock held by another connection;
    by default as long as connect_timeout.
    """
    if busy_timeout_ms is None:
        busy_timeout_ms = int(connect_timeout * 1000)
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            connect_args={"timeout": busy_timeout_ms / 1000, "check_same_thread": False},
            # No pre-ping: a file has no server to go away, and the ping was a statement per request.
            pool_timeout=connect_timeout,
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            # Foreign keys are off by default in SQLite; WAL lets readers go on during an import.
            cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
            cursor.close()

        return engine
    connect_args = {
        "connect_timeout": max(1, math.ceil(connect_timeout)),
        # A server that vanishes mid-query (rather than closing the connection) is
        # noticed within seconds, not after the kernel's two-hour keepalive default.
        "keepalives": 1,
        "keepalives_idle": 5,
        "keepalives_interval": 2,
        "keepalives_count": 2,
        "tcp_user_timeout": int(max(connect_timeout, 1) * 3000),
    }
    statement_timeout_ms = int(statement_timeout_ms or 0)
    if statement_timeout_ms:
        connect_args["options"] = f"-c statement_timeout={statement_timeout_ms}"
    engine = create_engine(
        url,
        pool_pre_ping=True,  # a restarted database server is noticed and the pool recovers
        pool_size=5,
        max_overflow=5,
        pool_timeout=connect_timeout,
        connect_args=connect_args,
    )
    if statement_timeout_ms:
        @event.listens_for(engine, "checkout")
        def _statement_timeout(dbapi_connection, record, _proxy):
            # Requests are held to the timeout; commands (seed, export) may run long
            # statements over a whole data set, so their connections are not.
            wanted = 0 if in_command() else statement_timeout_ms
            if record.info.get("statement_timeout", statement_timeout_ms) != wanted:
                with dbapi_connection.cursor() as cursor:
                    cursor.execute(f"SET statement_timeout = {wanted}")
                dbapi_connection.commit()  # a SET inside a transaction that rolls back is undone
                record.info["statement_timeout"] = wanted

    return engine


def in_command() -> bool:
    """Whether this code runs for a CLI command (`treaty-api seed`, ...) rather than a request."""
    return click.get_current_context(silent=True) is not None and not has_request_context()


def get_engine() -> Engine:
    """The engine for this app in this process (re-created after a fork)."""
    state = current_app.extensions.setdefault("treaty_db", {})
    pid = os.getpid()
    if state.get("pid") != pid:
        config = current_app.config
        state["engine"] = make_engine(
            config["DATABASE_URL"],
            config.get("DB_CONNECT_TIMEOUT", 3),
            statement_timeout_ms=config.get("DB_STATEMENT_TIMEOUT_MS"),
            busy_timeout_ms=config.get("DB_BUSY_TIMEOUT_MS"),
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
