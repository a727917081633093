"""Keyset pagination: opaque cursors, sort keys and the predicate that resumes after a row."""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
from dataclasses import dataclass

from sqlalchemy import and_, bindparam, false, literal, or_, true, tuple_
from sqlalchemy.sql import ColumnElement

from api.errors import invalid_params

_CURSOR_KEY = b"treaty-clause-api cursor v1"


@dataclass(frozen=True)
class SortKey:
    """One ORDER BY term. `kind` tells how its value travels in a cursor."""

    column: ColumnElement
    descending: bool = False
    nullable: bool = False
    kind: str = "int"  # int | str | date | float

    def ordering(self):
        term = self.column.desc() if self.descending else self.column.asc()
        # NULLs (unknown values) come last in either direction, on both databases.
        return term.nulls_last() if self.nullable else term


def bad_cursor(value: str, reason: str = "Not a cursor this API issued; start again without it."):
    return invalid_params([{"name": "cursor", "value": value, "reason": reason}])


def encode_cursor(sort: str, values: list) -> str:
    payload = json.dumps([sort, [_to_json(v) for v in values]], separators=(",", ":")).encode()
    mac = hmac.new(_CURSOR_KEY, payload, hashlib.sha256).digest()[:8]
    return base64.urlsafe_b64encode(mac + payload).decode().rstrip("=")


def decode_cursor(cursor: str, sort: str, keys: list[SortKey]) -> list:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        mac, payload = raw[:8], raw[8:]
        if not hmac.compare_digest(mac, hmac.new(_CURSOR_KEY, payload, hashlib.sha256).digest()[:8]):
            raise ValueError("checksum")
        cursor_sort, values = json.loads(payload)
    except (ValueError, TypeError, UnicodeDecodeError):
        raise bad_cursor(cursor) from None
    if cursor_sort != sort:
        raise bad_cursor(cursor, f"This cursor belongs to sort={cursor_sort}; keep the sort of the first page.")
    if not isinstance(values, list) or len(values) != len(keys):
        raise bad_cursor(cursor)
    try:
        return [_from_json(v, k) for v, k in zip(values, keys)]
    except (ValueError, TypeError):
        raise bad_cursor(cursor) from None


def _to_json(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "value"):  # enum members
        return value.value
    return value


def _from_json(value, key: SortKey):
    if value is None:
        if not key.nullable:
            raise ValueError("null")
        return None
    if key.kind == "int" and isinstance(value, int) and not isinstance(value, bool):
        return value
    if key.kind == "float" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if key.kind == "str" and isinstance(value, str):
        return value
    if key.kind == "date" and isinstance(value, str):
        return dt.date.fromisoformat(value)
    raise ValueError("type")


def after(keys: list[SortKey], values: list) -> ColumnElement:
    """The rows strictly after `values` in the order of `keys` (NULLs last)."""
    if row_value_order(keys):
        return _after_row([k.column for k in keys], keys[0].descending, [literal(v) for v in values])
    clauses = []
    equal_so_far = []
    for key, value in zip(keys, values):
        clauses.append(and_(*equal_so_far, _beyond(key, value)))
        equal_so_far.append(key.column.is_(None) if value is None else key.column == value)
    return or_(*clauses)


def row_value_order(keys: list[SortKey]) -> bool:
    """Whether `after` these keys is one row-value comparison, whatever the cursor's values."""
    return not any(k.nullable for k in keys) and len({k.descending for k in keys}) == 1


def after_bound(keys: list[SortKey]) -> ColumnElement:
    """`after` for keys in `row_value_order`, the values bound by name: `after_0`, `after_1`, ..."""
    return _after_row([k.column for k in keys], keys[0].descending,
                      [bindparam(f"after_{n}", type_=k.column.type) for n, k in enumerate(keys)])


def _after_row(columns: list, descending: bool, bounds: list) -> ColumnElement:
    # A row-value comparison, which both databases answer with one index range scan.
    row, bound = tuple_(*columns), tuple_(*bounds)
    # The redundant bound on the first key lets the planner skip whole index ranges (an IN list
    # of agreements, say) before the row-value comparison is even tried.
    if descending:
        return and_(columns[0] <= bounds[0], row < bound)
    return and_(columns[0] >= bounds[0], row > bound)


def _beyond(key: SortKey, value) -> ColumnElement:
    if value is None:
        return false()  # nothing sorts after NULL in its own column
    beyond = key.column < value if key.descending else key.column > value
    return or_(beyond, key.column.is_(None)) if key.nullable else beyond


def row_values(row, count: int) -> list:
    """The sort values of a result row whose first `count` columns are the sort keys."""
    return list(row[:count])


__all__ = ["SortKey", "after", "after_bound", "bad_cursor", "decode_cursor", "encode_cursor", "row_value_order", "true"]
