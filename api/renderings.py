"""Agreement details and article items rendered by the writers and served as stored bytes.

A detail takes eight statements and a few hundred rows to assemble, a page of articles
three statements and a hundred rows, while the data changes only through `treaty-api
seed` and `import-text`. Those writers call `refresh` in their own transaction, so every
agreement's document and every article's list item is rendered once per write, and a
request reads one row per document.

A stored document is served only when it was rendered from the data version the
request's transaction sees and by the same rendering code (`code_key`: the modules that
shape the document and the JSON settings). A write that did not refresh, or a release
that changed the document, falls back to assembling it live; it is never served stale.
A page of articles is served from stored items only when every one of them is current;
so is a page of search hits, each item followed by the hit's snippet (and score, when ranked).
"""
from __future__ import annotations

import hashlib
import importlib
import itertools
from pathlib import Path
from typing import Iterator

from flask import Response, current_app
from sqlalchemy import Connection, and_, bindparam, delete, select, update

from api import dataversion, forked
from api.db import get_session
from api.driver import fetch_all, read_value
from api.jsonbody import compiled, json_response
from api.models import Agreement, AgreementRendering, Article, ArticleRendering, DataVersion
from api.queries import agreements as queries
from api.queries import articles
from api.seeding import bulk
from api.sqlids import in_ids
from schemas.resources import AgreementSchema, ArticleHitSchema, ArticleSchema

# What decides the bytes of a detail document, besides the data.
SHAPING_MODULES = (
    "api.models", "api.queries.common", "api.queries.agreements", "api.queries.articles", "schemas.resources",
    "api.jsonbody", "api.jsonprovider", __name__,
)
_BATCH = 500  # documents per INSERT
# Documents read per round of statements, and rendered per task of a worker process (api/forked.py).
_AGREEMENT_BATCH, _ARTICLE_BATCH = 500, 1000
_TABLE = AgreementRendering.__table__
_ARTICLES = ArticleRendering.__table__
_CURRENT_VERSION = select(DataVersion.version).where(DataVersion.id == 1).scalar_subquery()

_STORED = (
    select(AgreementRendering.body)
    .join(Agreement, Agreement.id == AgreementRendering.agreement_id)
    .where(
        Agreement.slug == bindparam("slug"),
        AgreementRendering.code == bindparam("code"),
        AgreementRendering.data_version == _CURRENT_VERSION,
    )
)
_STORED_ARTICLE = (
    select(ArticleRendering.body)
    .join(Article, Article.id == ArticleRendering.article_id)
    .join(Agreement, Agreement.id == Article.agreement_id)
    .where(
        Agreement.slug == bindparam("slug"),
        Article.number == bindparam("number"),
        ArticleRendering.code == bindparam("code"),
        ArticleRendering.data_version == _CURRENT_VERSION,
    )
)
_STORED_ARTICLES = select(ArticleRendering.article_id, ArticleRendering.body).where(
    in_ids(ArticleRendering.article_id),
    ArticleRendering.code == bindparam("code"),
    ArticleRendering.data_version == _CURRENT_VERSION,
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


def article_response(slug: str, number: int) -> Response:
    """Article `number` of agreement `slug`: its stored item when current, else assembled live."""
    body = read_value(_STORED_ARTICLE, {"slug": slug, "number": number, "code": code_key()})
    if body is None:
        session = get_session()
        return json_response(ArticleHitSchema, articles.detail(session, queries.agreement_id(session, slug), number))
    return current_app.json.response(*current_app.json.embed([body]))


def article_items(connection: Connection, ids: list[int], extra: list[dict] | None = None) -> list | None:
    """The stored list items of the articles `ids` (internal ids), in that order, ready to be
    embedded in a response; None unless every one is current. `extra` gives, item by item,
    members to append after the stored ones (a search hit's snippet and score, in the order of
    ArticleHitSchema, which lists them after ArticleSchema's fields)."""
    if not ids:
        return None
    found = dict(fetch_all(connection, _STORED_ARTICLES, {"ids": ids, "code": code_key()}))
    if len(found) < len(ids):
        return None
    bodies = [found[i] for i in ids]
    if extra is not None:
        dumps = current_app.json.dumps
        bodies = [_appended(body, dumps(members)) if members else body for body, members in zip(bodies, extra)]
    return current_app.json.embed(bodies)


def _appended(body: str, members: str) -> str:
    """The JSON object `body` followed by the members of the JSON object `members`."""
    return body[:body.rindex("}")] + "," + members[members.index("{") + 1:]


def refresh(connection: Connection, changed: list[int] | None = None) -> int:
    """Render the agreements and their articles as the caller's transaction sees them; call it
    after `dataversion.bump`. Returns the number of documents written.

    `changed` names the only agreements (internal ids) whose documents the write can have
    changed: those and their articles are rendered again and the others' documents carried
    over to the new data version. By default everything is rendered."""
    version, code = dataversion.current(connection), code_key()
    return (_refresh_agreements(connection, changed, version, code)
            + _refresh_articles(connection, changed, version, code))


def _refresh_agreements(connection: Connection, changed: list[int] | None, version: int, code: str) -> int:
    changed_rows = None if changed is None else _TABLE.c.agreement_id.in_(changed)
    batches = queries.detail_batches(connection, changed, batch=_AGREEMENT_BATCH)
    return _replace(connection, _TABLE, changed_rows, version, code, _rendered(_agreement_bodies, batches))


def _refresh_articles(connection: Connection, changed: list[int] | None, version: int, code: str) -> int:
    changed_rows = None if changed is None else _ARTICLES.c.article_id.in_(
        select(Article.id).where(in_ids(Article.agreement_id, "changed", changed)))
    batches = articles.item_batches(connection, changed, batch=_ARTICLE_BATCH)
    return _replace(connection, _ARTICLES, changed_rows, version, code, _rendered(_article_bodies, batches))


def _rendered(render, batches) -> Iterator[tuple[int, str]]:
    """(id, body) of the documents of every batch: `render(*batch)` for each, in worker processes
    (api/forked.py) while this one reads the next batches and writes the documents rendered."""
    for bodies in forked.results((render, batch) for batch in batches):
        yield from bodies


def _agreement_bodies(rows, read) -> list[tuple[int, str]]:
    dump = compiled(AgreementSchema)
    # The bytes `json_response` would send: the same provider, the same settings.
    return [(subject, current_app.json.response(dump(document)).get_data(as_text=True))
            for subject, document in queries.build_details(rows, read)]


def _article_bodies(rows, read) -> list[tuple[int, str]]:
    dump, encode = compiled(ArticleSchema), current_app.json.dumps  # what `article_items` embeds
    return [(subject, encode(dump(item))) for subject, item in articles.build_items(rows, read)]


def _replace(connection: Connection, table, changed_rows, version: int, code: str, documents) -> int:
    """Delete the documents of `table` matching `changed_rows` (all of them when None), carry the
    others of this code over to `version`, then insert `documents` ((the subject's id, the body)
    pairs) a batch at a time; returns how many."""
    if changed_rows is None:
        connection.execute(delete(table))
    else:
        connection.execute(delete(table).where(changed_rows))
        connection.execute(update(table).where(table.c.code == code).values(data_version=version))
    columns = (next(iter(table.primary_key.columns)).name, "data_version", "code", "body")
    rows = ((subject, version, code, body) for subject, body in documents)
    stored = 0
    for batch in iter(lambda: list(itertools.islice(rows, _BATCH)), []):
        bulk.insert(connection, table, columns, batch)
        stored += len(batch)
    return stored


def stale(connection: Connection) -> bool:
    """Whether some agreement or article has no document for the current data version and code."""
    version, code = dataversion.current(connection), code_key()
    for subject, rendering, key in ((Agreement, AgreementRendering, AgreementRendering.agreement_id),
                                    (Article, ArticleRendering, ArticleRendering.article_id)):
        current = and_(key == subject.id, rendering.data_version == version, rendering.code == code)
        missing = select(subject.id).outerjoin(rendering, current).where(key.is_(None)).limit(1)
        if connection.execute(missing).first() is not None:
            return True
    return False
