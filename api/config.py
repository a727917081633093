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


def from_environment() -> dict:
    return {
        "DATABASE_URL": database_url(),
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "INFO").upper(),
        "HOST": os.environ.get("HOST", "127.0.0.1"),
        "PORT": int(os.environ.get("PORT", "8000")),
        # Seconds a data request waits for a database connection before answering 503.
        "DB_CONNECT_TIMEOUT": int(os.environ.get("DB_CONNECT_TIMEOUT", "3")),
        "RATELIMIT_ENABLED": os.environ.get("RATELIMIT_ENABLED", "false").lower() in ("1", "true", "yes"),
        "RATELIMIT_DEFAULT": os.environ.get("RATELIMIT_DEFAULT", "600 per minute"),
    }
