"""Configuration read from the environment, with defaults that suit a fresh clone."""
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE_PATH = ROOT / "instance" / "treaties.sqlite3"


def default_database_url() -> str:
    return f"sqlite:///{DEFAULT_SQLITE_PATH}"


def normalise_database_url(url: str) -> str:
    """Accept the common `postgres://` and `postgresql://` spellings and use psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def database_url() -> str:
    return normalise_database_url(os.environ.get("DATABASE_URL") or default_database_url())


def _flag(value: str) -> bool:
    return value.strip().lower() in ("1", "true", "yes", "on")


def from_environment() -> dict:
    return {
        "DATABASE_URL": database_url(),
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "INFO").upper(),
        "HOST": os.environ.get("HOST", "127.0.0.1"),
        "PORT": int(os.environ.get("PORT", "8000")),
        # Seconds a data request waits for a database connection before answering 503.
        "DB_CONNECT_TIMEOUT": float(os.environ.get("DB_CONNECT_TIMEOUT", "3")),
        # PostgreSQL: the longest one statement may run (ms; 0 for no limit), below the worker timeout.
        "DB_STATEMENT_TIMEOUT_MS": int(os.environ.get("DB_STATEMENT_TIMEOUT_MS", "15000")),
        # SQLite: how long a request waits on a lock held by another connection (ms).
        "DB_BUSY_TIMEOUT_MS": int(os.environ.get("DB_BUSY_TIMEOUT_MS", "3000")),
        # Per-client rate limiting (Flask-Limiter); the test suite turns it off.
        "RATELIMIT_ENABLED": _flag(os.environ.get("RATELIMIT_ENABLED", "true")),
        "RATELIMIT_DEFAULT": os.environ.get("RATELIMIT_DEFAULT", "600 per minute"),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
    }
