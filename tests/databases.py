"""Throwaway databases for tests: each is copied from a template built once per run.

SQLite templates are files copied per test; PostgreSQL templates are databases
cloned with CREATE DATABASE ... TEMPLATE. Either way every test that asks for a
clean database gets one in milliseconds, and the migrations run once.
"""
from __future__ import annotations

import itertools
import os
import shutil
import uuid
from pathlib import Path
from typing import Callable

import psycopg
from sqlalchemy.engine import make_url

from api.config import normalise_database_url


class DatabaseFactory:
    def __init__(self, server_url: str | None, workdir: Path):
        self.server_url = normalise_database_url(server_url) if server_url else None
        self.workdir = workdir
        self.templates: dict[str, str] = {}
        self.created: list[str] = []
        self._counter = itertools.count()
        self._prefix = f"t{uuid.uuid4().hex[:8]}"

    @property
    def dialect(self) -> str:
        return "postgresql" if self.server_url else "sqlite"

    # -- PostgreSQL administration -------------------------------------------------
    def _admin(self, sql: str) -> None:
        url = make_url(self.server_url).set(drivername="postgresql")
        with psycopg.connect(url.render_as_string(hide_password=False), autocommit=True) as conn:
            conn.execute(sql)

    def _pg_url(self, name: str) -> str:
        return make_url(self.server_url).set(database=name).render_as_string(hide_password=False)

    # -- templates and copies --------------------------------------------------------
    def template(self, name: str, build: Callable[[str], None]) -> str:
        """The URL of template `name`, built by `build(url)` the first time it is asked for."""
        if name not in self.templates:
            if self.server_url:
                db = f"{self._prefix}_tpl_{name}"
                self._admin(f'CREATE DATABASE "{db}"')
                self.created.append(db)
                url = self._pg_url(db)
            else:
                url = f"sqlite:///{self.workdir / f'template_{name}.sqlite3'}"
            build(url)
            self.templates[name] = url
        return self.templates[name]

    def copy(self, template_url: str) -> str:
        n = next(self._counter)
        if self.server_url:
            source = make_url(template_url).database
            db = f"{self._prefix}_{n}"
            self._admin(f'CREATE DATABASE "{db}" TEMPLATE "{source}"')
            self.created.append(db)
            return self._pg_url(db)
        source = Path(make_url(template_url).database)
        target = self.workdir / f"db_{n}.sqlite3"
        shutil.copyfile(source, target)
        return f"sqlite:///{target}"

    def new_empty(self) -> str:
        """A database with no tables at all (for migration tests)."""
        n = next(self._counter)
        if self.server_url:
            db = f"{self._prefix}_{n}"
            self._admin(f'CREATE DATABASE "{db}"')
            self.created.append(db)
            return self._pg_url(db)
        return f"sqlite:///{self.workdir / f'empty_{n}.sqlite3'}"

    def drop(self, url: str) -> None:
        if self.server_url:
            db = make_url(url).database
            self._admin(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
            if db in self.created:
                self.created.remove(db)
        else:
            path = Path(make_url(url).database)
            for suffix in ("", "-wal", "-shm"):
                Path(str(path) + suffix).unlink(missing_ok=True)

    def cleanup(self) -> None:
        for db in reversed(list(self.created)):
            self._admin(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        self.created.clear()


def server_url_from_environment() -> str | None:
    return os.environ.get("TEST_DATABASE_URL") or None
