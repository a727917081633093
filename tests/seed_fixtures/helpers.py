"""Helpers shared by the seed, export and import-text tests."""
from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import func, select

from api.db import get_engine
from api.models import Base

FIXTURES = Path(__file__).parent
GOOD = FIXTURES / "good"
ALPHA = "agreements/alpha-beta-treaty-2020.yaml"


def copy_good(tmp_path: Path) -> Path:
    """A writable copy of the good seed set."""
    target = tmp_path / "seeds"
    shutil.copytree(GOOD, target)
    return target


def edit(path: Path, old: str, new: str) -> Path:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is not once in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def line_of(path: Path, fragment: str) -> int:
    """The 1-based line of the only line of `path` holding `fragment`."""
    lines = [n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if fragment in line]
    assert len(lines) == 1, f"{fragment!r} is on lines {lines} of {path}"
    return lines[0]


def dump(app) -> dict[str, list[tuple]]:
    """Every row of every table the models define, in primary-key order."""
    with app.app_context(), get_engine().connect() as conn:
        return {
            table.name: [tuple(row) for row in conn.execute(select(table).order_by(*table.primary_key.columns))]
            for table in Base.metadata.sorted_tables
        }


def counts(app) -> dict[str, int]:
    with app.app_context(), get_engine().connect() as conn:
        return {t.name: conn.scalar(select(func.count()).select_from(t)) for t in Base.metadata.sorted_tables}


def report(output: str) -> dict[str, tuple[int, int, int, int]]:
    """The seed command's table: kind -> (created, updated, unchanged, deleted)."""
    table = {}
    for line in output.splitlines():
        parts = line.split()
        if len(parts) == 5 and all(p.isdigit() for p in parts[1:]):
            table[parts[0]] = tuple(int(p) for p in parts[1:])
    return table
