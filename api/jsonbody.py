"""JSON bodies without a second marshmallow pass.

The query layer already builds each representation as plain dicts and lists; `@blp.response`
would walk them again through marshmallow (a tenth of a request's time). `json_response`
instead applies the same schema with a serialiser compiled from it once: the same fields in
the schema's order, absent keys left out, dates as ISO 8601, exactly what `schema.dump`
gives (tests/test_serialisation.py holds it to that). An `orjson.Fragment` was dumped and
encoded already (a stored rendering, api/renderings.py) and passes through as it is. The
schema stays the contract and the source of the OpenAPI document; a view returns the
Response built here and flask-smorest passes it through untouched."""
from __future__ import annotations

import functools
from typing import Callable

from flask import current_app
from marshmallow import Schema, fields
from orjson import Fragment


def _expression(field: fields.Field, var: str, namespace: dict, depth: int = 0) -> str:
    """Python source giving what `field.serialize` gives for the value in `var`."""
    if isinstance(field, fields.Nested):
        nested = field.nested
        if isinstance(nested, Schema):
            nested = type(nested)
        if field.many or field.only or field.exclude or not (isinstance(nested, type) and issubclass(nested, Schema)):
            raise TypeError("unsupported Nested")
        name = f"_dump_{nested.__name__}"
        namespace[name] = compiled(nested)
        return f"(None if {var} is None else {name}({var}))"
    if isinstance(field, fields.List):
        item = f"x{depth}"
        inner = _expression(field.inner, item, namespace, depth + 1)
        return f"(None if {var} is None else [{inner} for {item} in {var}])"
    if isinstance(field, fields.Dict):
        key, value = f"k{depth}", f"w{depth}"
        keys = _expression(field.key_field, key, namespace, depth + 1) if field.key_field is not None else key
        values = _expression(field.value_field, value, namespace, depth + 1) if field.value_field is not None else value
        return f"(None if {var} is None else {{{keys}: {values} for {key}, {value} in {var}.items()}})"
    kind = type(field)
    if kind is fields.String:
        return f"({var} if {var} is None or {var}.__class__ is str else str({var}))"
    if kind is fields.Integer and not field.as_string:
        return f"({var} if {var} is None or {var}.__class__ is int else int({var}))"
    if kind is fields.Float and not field.as_string:
        return f"({var} if {var} is None or {var}.__class__ is float else float({var}))"
    if kind is fields.Date and field.format in (None, "iso"):
        return f"(None if {var} is None else {var}.isoformat())"
    raise TypeError(f"no fast serialiser for {kind.__name__}")


@functools.cache
def compiled(schema: type[Schema]) -> Callable[[dict], dict]:
    """`schema().dump` for dicts, compiled once to plain Python; marshmallow itself for anything unusual."""
    instance = schema()
    namespace: dict = {"_marshmallow_dump": instance.dump, "_Fragment": Fragment}
    lines = ["def dump(obj):",
             "    if obj.__class__ is not dict:",
             "        return obj if obj.__class__ is _Fragment else _marshmallow_dump(obj)",
             "    out = {}"]
    try:
        if instance.only or instance.exclude or instance._hooks["pre_dump"] or instance._hooks["post_dump"]:
            raise TypeError("dump hooks")
        for name, field in instance.dump_fields.items():
            if field.attribute not in (None, name) or field.data_key not in (None, name) or \
                    field.dump_default is not fields.missing_ or not name.isidentifier():
                raise TypeError("renamed or defaulted field")
            lines += [f"    if {name!r} in obj:",
                      f"        v = obj[{name!r}]",
                      f"        out[{name!r}] = {_expression(field, 'v', namespace)}"]
    except TypeError:
        return instance.dump
    lines.append("    return out")
    exec(compile("\n".join(lines), f"<dump {schema.__name__}>", "exec"), namespace)
    return namespace["dump"]


def json_response(schema: type[Schema], body: dict):
    """The response `@blp.response(200, schema)` would give for `body`, without its marshmallow pass."""
    return current_app.json.response(compiled(schema)(body))
