"""Agreement details rendered by the writers and served as stored bytes.

A detail takes eight statements and a few hundred rows to assemble, while the data
changes only through `treaty-api seed` and `import-text`. Those writers call `refresh`
in their own transaction, so every agreement's document is rendered once per write and
a request reads one row.

A stored document is served only when it was rendered from the data version the
request's transaction sees and by the same rendering code (`code_key`: the modules that
shape the document and the JSON settings). A write that did not refresh, or a release
that changed the document, falls back to assembling it live; it is never served stale.
"""
from __future__ import annotations

import hashlib
import importlib
from pathlib import Path

from flask import Response, current_app
from sqlalchemy import Connection, and_, bindparam, delete, insert, select, update

from api import dataversion
from api.db import get_session
from api.driver import read_value
from api.jsonbody import compiled, json_response
from api.models import Agreement, AgreementRendering, DataVersion
from api.queries import agreements as queries
from schemas.resources import AgreementSchema

# What decides the bytes of a detail document, besides the data.
SHAPING_MODULES = (
    "api.models", "api.queries.common", "api.queries.agreements", "schemas.resources", "api.jsonbody",
    "api.jsonprovider", __name__,
)
_BATCH = 500
_TABLE = AgreementRendering.__table__

_STORED = (
    select(AgreementRendering.body)
    .join(Agreement, Agreement.id == AgreementRendering.agreement_id)
    .where(
        Agreement.slug == bindparam("slug"),
        AgreementRendering.code == bindparam("code"),
        AgreementRendering.data_version
        == select(DataVersion.version).where(DataVersion.id == 1).scalar_subquery(),
    )
)


def code_key() -> str:
    """A digest of the rendering code and this app's JSON settings, computed once per app."""
    key = current_app.extensions.get("rendering_code")
    if key is None:
        digest = hashlib.sha256()
        for name in SHAPING_MODULES:
            digest.update(Path(importlib.import_module(name).__file__).read_bytes())
        json = current_app.json
        digest.update(repr((type(json).__qualname__, json.compact, json.sort_keys, json.ensure_ascii,
                            json.mimetype, current_app.debug)).encode())
        key = current_app.extensions["rendering_code"] = digest.hexdigest()[:32]
    return key


def agreement_response(slug: str) -> Response:
    """The detail of agreement `slug`: its stored document when current, else assembled live."""
    body = read_value(_STORED, {"slug": slug, "code": code_key()})
    if body is None:
        return json_response(AgreementSchema, queries.detail(get_session(), slug))
    return current_app.response_class(body, mimetype=current_app.json.mimetype)


def refresh(connection: Connection, changed: list[int] | None = None) -> int:
    """Render the agreements as the caller's transaction sees them; call it after `dataversion.bump`.

    `changed` names the only agreements (internal ids) whose documents the write can have
    changed: those are rendered again and the others' documents carried over to the new data
    version. By default every agreement is rendered."""
    version, code, dump = dataversion.current(connection), code_key(), compiled(AgreementSchema)
    if changed is None:
        connection.execute(delete(_TABLE))
    else:
        connection.execute(delete(_TABLE).where(_TABLE.c.agreement_id.in_(changed)))
        connection.execute(update(_TABLE).where(_TABLE.c.code == code).values(data_version=version))
    batch: list[dict] = []
    rendered = 0
    for agreement_id, document in queries.every_detail(connection, changed):
        # The bytes `json_response` would send: the same provider, the same settings.
        body = current_app.json.response(dump(document)).get_data(as_text=True)
        batch.append({"agreement_id": agreement_id, "data_version": version, "code": code, "body": body})
        if len(batch) == _BATCH:
            connection.execute(insert(_TABLE), batch)
            rendered += len(batch)
            batch.clear()
    if batch:
        connection.execute(insert(_TABLE), batch)
        rendered += len(batch)
    return rendered


def stale(connection: Connection) -> bool:
    """Whether some agreement has no document for the current data version and code."""
    current = and_(
        AgreementRendering.agreement_id == Agreement.id,
        AgreementRendering.data_version == dataversion.current(connection),
        AgreementRendering.code == code_key(),
    )
    missing = select(Agreement.id).outerjoin(AgreementRendering, current).where(
        AgreementRendering.agreement_id.is_(None)).limit(1)
    return connection.execute(missing).first() is not None
