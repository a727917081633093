"""Agreements: the filtered list, the detail, their events."""
from __future__ import annotations

import functools
from collections import defaultdict
from types import SimpleNamespace
from typing import Iterator

from sqlalchemy import String, and_, bindparam, func, not_, or_, select, type_coerce, union_all
from sqlalchemy.orm import Session, aliased

from api.driver import fetch_all
from api.errors import Problem
from api.models import (
    LEAVING_EVENT_KINDS,
    Agreement,
    AgreementClauseTypeRollup,
    AgreementParty,
    AgreementSector,
    AgreementSectorRollup,
    Alternative,
    Article,
    ArticleSector,
    Citation,
    ClauseType,
    Event,
    Party,
    Sector,
)
from api.queries.common import Listing, cited_source, citation_select, rare, resolve, source_item
from api.queries.paging import SortKey
from api.sqlids import in_ids

Superseded = aliased(Agreement, name="superseded")


def conditions(session: Session, args: dict, *, party_code: str | None = None) -> list:
    """The WHERE terms for the agreement filters in `args` (names resolved; unknown ones are a 400)."""
    parties = list(args.get("party", []))
    ids = resolve(session, {
        "party": ("party", parties),
        "party_any": ("party", args.get("party_any", [])),
        "sector": ("sector", args.get("sector", [])),
        "clause_type": ("clause_type", args.get("clause_type", [])),
    })
    terms = []
    if party_code is not None:
        terms.append(has_party(_party_id(session, party_code)))
    for party_id in ids.get("party", []):
        terms.append(has_party(party_id))
    if ids.get("party_any"):
        terms.append(Agreement.id.in_(select(AgreementParty.agreement_id).where(AgreementParty.party_id.in_(ids["party_any"]))))
    for sector_id in ids.get("sector", []):
        terms.append(Agreement.id.in_(
            select(AgreementSectorRollup.agreement_id).where(AgreementSectorRollup.sector_id == sector_id)))
    for clause_type_id in ids.get("clause_type", []):
        terms.append(Agreement.id.in_(
            select(AgreementClauseTypeRollup.agreement_id)
            .where(AgreementClauseTypeRollup.clause_type_id == clause_type_id)))
    if args.get("kind"):
        terms.append(Agreement.kind.in_(args["kind"]))
    if args.get("status"):
        terms.append(Agreement.status.in_(args["status"]))
    if args.get("signed_from"):
        terms.append(Agreement.signed_on >= args["signed_from"])
    if args.get("signed_to"):
        terms.append(Agreement.signed_on <= args["signed_to"])
    if args.get("in_force_on"):
        terms.append(in_force_on(args["in_force_on"]))
    return terms


def _party_id(session: Session, code: str) -> int:
    party_id = session.execute(select(Party.id).where(Party.code == code)).scalar()
    if party_id is None:
        raise Problem(404, f"No party has the code {code!r}.")
    return party_id


def has_party(party_id: int):
    return Agreement.id.in_(select(AgreementParty.agreement_id).where(AgreementParty.party_id == party_id))


def in_force_on(day):
    """In force on `day`: entry into force known and on or before it; not ended, superseded or
    left by all but one party on or before it."""
    successor = aliased(Agreement)
    party_count = (
        select(func.count()).select_from(AgreementParty).where(AgreementParty.agreement_id == Agreement.id)
        .scalar_subquery()
    )
    left_by = and_(
        Event.agreement_id == Agreement.id,
        Event.kind.in_(LEAVING_EVENT_KINDS),
        Event.party_id.is_not(None),
        Event.date.is_not(None),
        Event.date <= day,
    )
    leaving = select(func.count(func.distinct(Event.party_id))).where(left_by).scalar_subquery()
    return and_(
        Agreement.entered_into_force_on.is_not(None),
        Agreement.entered_into_force_on <= day,
        or_(Agreement.ended_on.is_(None), Agreement.ended_on > day),
        not_(select(successor.id).where(
            rare(successor.supersedes_id == Agreement.id),
            successor.entered_into_force_on.is_not(None),
            successor.entered_into_force_on <= day,
        ).exists()),
        # Most agreements nobody has left: the cheap test first, the counts only when someone has.
        or_(not_(select(Event.id).where(left_by).exists()), party_count - leaving >= 2),
    )


# -- the list ---------------------------------------------------------------------

def _columns():
    return [
        Agreement.id, Agreement.slug, Agreement.title, Agreement.short_title, Agreement.kind,
        Agreement.status, Agreement.signed_on, Agreement.signed_at, Agreement.entered_into_force_on,
        Agreement.ended_on, Agreement.term, Agreement.term_years, Agreement.renewal,
        Agreement.article_count, Agreement.languages, Superseded.slug.label("supersedes"),
    ]


def _from():
    return Agreement.__table__.outerjoin(Superseded, Superseded.id == Agreement.supersedes_id)


def _base(row) -> dict:
    return {
        "id": row.slug, "title": row.title, "short_title": row.short_title, "kind": row.kind.value,
        "status": row.status.value, "signed_on": row.signed_on, "signed_at": row.signed_at,
        "entered_into_force_on": row.entered_into_force_on, "ended_on": row.ended_on,
        "term": row.term.value if row.term else None, "term_years": row.term_years, "renewal": row.renewal,
        "article_count": row.article_count, "languages": row.languages.split(",") if row.languages else [],
        "supersedes": row.supersedes,
    }


@functools.cache
def _summary_statements() -> SimpleNamespace:
    """The parties and sectors of a page of agreements, built once; each request binds the page's ids.
    Every column comes back as the API uses it, so they run on the DBAPI cursor (api/driver.py)."""
    return SimpleNamespace(
        parties=select(AgreementParty.agreement_id, Party.code, Party.name, type_coerce(Party.kind, String),
                       AgreementParty.role)
        .join(Party, Party.id == AgreementParty.party_id)
        .where(in_ids(AgreementParty.agreement_id)).order_by(AgreementParty.id),
        sectors=select(AgreementSectorRollup.agreement_id, Sector.slug, Sector.name)
        .join(Sector, Sector.id == AgreementSectorRollup.sector_id)
        .where(in_ids(AgreementSectorRollup.agreement_id)).order_by(Sector.slug),
    )


def _load_summaries(session: Session, rows) -> list[dict]:
    ids = [row.id for row in rows]
    parties, sectors = defaultdict(list), defaultdict(list)
    if ids:
        statements, connection, params = _summary_statements(), session.connection(), {"ids": ids}
        for agreement_id, code, name, kind, role in fetch_all(connection, statements.parties, params):
            parties[agreement_id].append({"code": code, "name": name, "kind": kind, "role": role})
        for agreement_id, slug, name in fetch_all(connection, statements.sectors, params):
            sectors[agreement_id].append({"slug": slug, "name": name})
    return [{**_base(row), "parties": parties[row.id], "sectors": sectors[row.id]} for row in rows]


def _facet_party(ids):
    n = func.count(func.distinct(AgreementParty.agreement_id))
    return (select(Party.code, n).join(AgreementParty, AgreementParty.party_id == Party.id)
            .where(AgreementParty.agreement_id.in_(ids)).group_by(Party.code).order_by(n.desc(), Party.code))


def _facet_sector(ids):
    n = func.count()
    return (select(Sector.slug, n).join(AgreementSectorRollup, AgreementSectorRollup.sector_id == Sector.id)
            .where(AgreementSectorRollup.agreement_id.in_(ids)).group_by(Sector.slug).order_by(n.desc(), Sector.slug))


def _facet_clause_type(ids):
    n = func.count()
    return (select(ClauseType.slug, n)
            .join(AgreementClauseTypeRollup, AgreementClauseTypeRollup.clause_type_id == ClauseType.id)
            .where(AgreementClauseTypeRollup.agreement_id.in_(ids))
            .group_by(ClauseType.slug).order_by(n.desc(), ClauseType.slug))


def _facet_column(column):
    def facet(ids):
        n = func.count()
        return select(column, n).where(Agreement.id.in_(ids)).group_by(column).order_by(n.desc(), column)
    return facet


LISTING = Listing(
    name="agreements",
    search_name="agreements",
    id_column=Agreement.id,
    select_from=_from,
    columns=_columns,
    sorts={
        "id": lambda: [SortKey(Agreement.slug, kind="str")],
        "-id": lambda: [SortKey(Agreement.slug, descending=True, kind="str")],
        "signed_on": lambda: [SortKey(Agreement.signed_on, nullable=True, kind="date"), SortKey(Agreement.id)],
        "-signed_on": lambda: [SortKey(Agreement.signed_on, descending=True, nullable=True, kind="date"),
                               SortKey(Agreement.id, descending=True)],
        "entered_into_force_on": lambda: [SortKey(Agreement.entered_into_force_on, nullable=True, kind="date"),
                                          SortKey(Agreement.id)],
        "-entered_into_force_on": lambda: [SortKey(Agreement.entered_into_force_on, descending=True, nullable=True,
                                                   kind="date"), SortKey(Agreement.id, descending=True)],
        "title": lambda: [SortKey(Agreement.title, kind="str"), SortKey(Agreement.id)],
        "-title": lambda: [SortKey(Agreement.title, descending=True, kind="str"), SortKey(Agreement.id, descending=True)],
    },
    default_sort="id",
    load=_load_summaries,
    facets={
        "party": _facet_party,
        "sector": _facet_sector,
        "clause_type": _facet_clause_type,
        "status": _facet_column(Agreement.status),
        "kind": _facet_column(Agreement.kind),
    },
)
SORTS = [*LISTING.sorts, "relevance"]
FACETS = list(LISTING.facets)


# -- one agreement ------------------------------------------------------------------

def agreement_id(session: Session, slug: str) -> int:
    found = session.execute(select(Agreement.id).where(Agreement.slug == slug)).scalar()
    if found is None:
        raise Problem(404, f"No agreement has the id {slug!r}.")
    return found


@functools.cache
def _detail_statements() -> SimpleNamespace:
    """The statements behind the details of some agreements, built once: each use only binds
    :slug or the :aids, a list bound as one value (`in_ids`), so that the writers' statements for
    500 agreements run on the DBAPI cursor too (building a select() costs more than SQLite takes
    to run it, and SQLAlchemy's rows cost half of reading 30,000 citations)."""
    def aids(column):
        return in_ids(column, "aids")

    agreements = select(*_columns(), Agreement.entry_into_force_rule, Agreement.summary).select_from(_from())
    return SimpleNamespace(
        agreement=agreements.where(Agreement.slug == bindparam("slug")),
        every_agreement=agreements.order_by(Agreement.id),
        some_agreements=agreements.where(aids(Agreement.id)).order_by(Agreement.id),
        superseded_by=select(Agreement.supersedes_id, Agreement.slug).where(rare(aids(Agreement.supersedes_id))),
        # Every citation the representations need, in one statement; unordered, as the
        # citations of a page of articles: Python sorts them by id faster than SQLite.
        citations=citation_select(
            aids(Citation.agreement_id),
            Citation.event_id.in_(select(Event.id).where(aids(Event.agreement_id))),
            and_(Citation.article_id.in_(select(Article.id).where(aids(Article.agreement_id))),
                 Citation.sector_id.is_not(None)),
            Citation.alternative_id.in_(_alternative_ids(aids)),
            ordered=False,
        ),
        alternatives=select(Alternative.id, Alternative.agreement_id, Alternative.event_id, Alternative.field,
                            Alternative.value, Alternative.note)
        .where(Alternative.id.in_(_alternative_ids(aids))).order_by(Alternative.field, Alternative.id),
        events=_events_select().add_columns(Event.agreement_id.label("agreement_id"))
        .where(aids(Event.agreement_id)),
        parties=select(AgreementParty.agreement_id, Party.code, Party.name, Party.kind, AgreementParty.role)
        .join(Party, Party.id == AgreementParty.party_id)
        .where(aids(AgreementParty.agreement_id)).order_by(AgreementParty.id),
        article_sectors=select(Sector.id, Sector.slug, Sector.name, Article.agreement_id,
                               Article.id.label("article_id"), Article.number)
        .join(ArticleSector, ArticleSector.sector_id == Sector.id)
        .join(Article, Article.id == ArticleSector.article_id)
        .where(aids(Article.agreement_id)).order_by(Sector.slug, Article.number),
        agreement_sectors=select(AgreementSector.agreement_id, Sector.id, Sector.slug, Sector.name,
                                 AgreementSector.note)
        .join(AgreementSector, AgreementSector.sector_id == Sector.id).where(aids(AgreementSector.agreement_id)),
    )


def detail(session: Session, slug: str) -> dict:
    connection = session.connection()
    row = connection.execute(_detail_statements().agreement, {"slug": slug}).one_or_none()
    if row is None:
        raise Problem(404, f"No agreement has the id {slug!r}.")
    return _assemble(connection, [row])[0]


def detail_batches(connection, ids: list[int] | None = None, batch: int = 500) -> Iterator[tuple]:
    """For the writers that render them (api/renderings.py): every agreement, or those with these
    internal ids, `batch` at a time, as the rows their details are built from, read in the
    caller's transaction. `build_details` builds them from those rows alone, anywhere."""
    statements = _detail_statements()
    if ids is None:
        rows = connection.execute(statements.every_agreement).all()
    else:
        rows = connection.execute(statements.some_agreements, {"aids": ids}).all()
    for start in range(0, len(rows), batch):
        chunk = rows[start:start + batch]
        yield chunk, _read(connection, chunk)


def build_details(rows, read: tuple) -> list[tuple[int, dict]]:
    """(internal id, detail) of the agreements of a batch of `detail_batches`."""
    return list(zip([row.id for row in rows], _build(rows, read)))


def _assemble(connection, rows) -> list[dict]:
    """The details of the agreements in `rows`, from the same eight statements whatever their number."""
    return _build(rows, _read(connection, rows))


def _read(connection, rows) -> tuple:
    """The rows the details of the agreements in `rows` are built from (see `_build`)."""
    statements, params = _detail_statements(), {"aids": [row.id for row in rows]}
    superseded = fetch_all(connection, statements.superseded_by, params)
    citations = fetch_all(connection, statements.citations, params)
    citations.sort()  # in the order recorded
    return (
        superseded, citations, fetch_all(connection, statements.alternatives, params),
        connection.execute(statements.events, params).all(), connection.execute(statements.parties, params).all(),
        fetch_all(connection, statements.article_sectors, params),
        fetch_all(connection, statements.agreement_sectors, params),
    )


def _build(rows, read: tuple) -> list[dict]:
    """The details of the agreements in `rows` from what `_read` read for them."""
    superseded, citations, alternatives, event_rows, party_rows, article_sectors, agreement_sectors = read
    superseded_by = defaultdict(list)
    for supersedes, slug in superseded:
        superseded_by[supersedes].append(slug)

    agreement_sources, sector_sources = defaultdict(list), defaultdict(list)
    event_sources, tag_sources, alt_sources = defaultdict(list), defaultdict(list), defaultdict(list)
    # Unpacked by position: a detail cites a hundred sources or so, and named access on each
    # row was a third of the time spent rendering every agreement (api/renderings.py).
    for (_, agreement, event, article, alternative, field, sector, _, locator,
         slug, title, url, publisher) in citations:
        source = cited_source(slug, title, url, publisher, locator)
        if agreement is not None and sector is not None:
            sector_sources[(agreement, sector)].append(source)
        elif agreement is not None:
            agreement_sources[agreement].append({**source, "field": field})
        elif event is not None:
            event_sources[event].append(source)
        elif article is not None:
            tag_sources[(article, sector)].append(source)
        elif alternative is not None:
            alt_sources[alternative].append(source)

    disputes: dict[tuple, dict] = defaultdict(dict)
    for alternative, agreement, event, field, value, note in alternatives:
        subject = ("agreement", agreement) if agreement is not None else ("event", event)
        disputes[subject].setdefault(field, []).append(
            {"value": value, "note": note, "sources": alt_sources.get(alternative, [])})

    events = defaultdict(list)  # by (agreement, party code or None)
    for e in event_rows:
        events[(e.agreement_id, e.party)].append(
            event_item(e, event_sources[e.id], disputes.get(("event", e.id), {})))
    parties = defaultdict(list)
    for p in party_rows:
        parties[p.agreement_id].append({"code": p.code, "name": p.name, "kind": p.kind.value, "role": p.role,
                                        "events": events.get((p.agreement_id, p.code), [])})

    # Each sector's sources, first mention first, each (source, locator) once: a dict keyed
    # by that pair keeps the order and makes the membership test constant time.
    sectors: dict[tuple[int, int], dict] = {}  # by (agreement, sector)
    seen: dict[tuple[int, int], dict] = {}
    for sector, slug, name, agreement, article, number in article_sectors:
        key = (agreement, sector)
        entry = sectors.get(key)
        if entry is None:
            entry = sectors[key] = {"slug": slug, "name": name, "articles": [], "note": None, "sources": []}
            seen[key] = {}
        entry["articles"].append(number)
        _add_sources(seen[key], tag_sources.get((article, sector), ()))
    for agreement, sector, slug, name, note in agreement_sectors:
        key = (agreement, sector)
        entry = sectors.get(key)
        if entry is None:
            entry = sectors[key] = {"slug": slug, "name": name, "articles": [], "note": None, "sources": []}
            seen[key] = {}
        entry["note"] = note
        _add_sources(seen[key], sector_sources.get(key, ()))
    by_agreement = defaultdict(list)
    for key, entry in sectors.items():
        entry["sources"] = list(seen[key].values())
        by_agreement[key[0]].append(entry)

    items = []
    for row in rows:
        item = _base(row)
        item["entry_into_force_rule"] = row.entry_into_force_rule
        item["summary"] = row.summary
        item["superseded_by"] = sorted(superseded_by.get(row.id, ()))
        item["sources"] = agreement_sources.get(row.id, [])
        item["disputes"] = disputes.get(("agreement", row.id), {})
        item["parties"] = parties.get(row.id, [])
        item["events"] = events.get((row.id, None), [])
        item["sectors"] = sorted(by_agreement.get(row.id, ()), key=lambda s: s["slug"])
        items.append(item)
    return items


def _add_sources(seen: dict, sources) -> None:
    for source in sources:
        seen.setdefault((source["id"], source["locator"]), source)  # the id decides title, url, publisher


def _alternative_ids(aids):
    """The alternatives of the agreements and their events; `aids(column)` tests a column."""
    return union_all(
        select(Alternative.id).where(rare(aids(Alternative.agreement_id))),
        select(Alternative.id).where(rare(Alternative.event_id.in_(select(Event.id).where(aids(Event.agreement_id))))),
    )


def _events_select():
    return (
        select(Event.id, Event.key, Party.code.label("party"), Event.kind, Event.date, Event.date_precision,
               Event.acting_body, Event.note)
        .outerjoin(Party, Party.id == Event.party_id)
        .order_by(Event.date.asc().nulls_last(), Event.id)
    )


def event_item(e, sources, disputes) -> dict:
    return {
        "id": e.key, "party": e.party, "kind": e.kind.value, "date": e.date,
        "date_precision": e.date_precision.value if e.date_precision else None,
        "acting_body": e.acting_body, "note": e.note, "sources": sources, "disputes": disputes,
    }


# -- events of one agreement, as a list -----------------------------------------------

def _event_columns():
    return [Event.id, Event.key, Party.code.label("party"), Event.kind, Event.date, Event.date_precision,
            Event.acting_body, Event.note]


def _load_events(session: Session, rows) -> list[dict]:
    ids = [row.id for row in rows]
    sources, alt_sources, disputes = defaultdict(list), defaultdict(list), defaultdict(dict)
    if ids:
        alternatives = select(Alternative.id).where(Alternative.event_id.in_(ids))
        for c in session.execute(citation_select(
                Citation.event_id.in_(ids), Citation.alternative_id.in_(alternatives))):
            (sources[c.event_id] if c.event_id is not None else alt_sources[c.alternative_id]).append(source_item(c))
        for alt in session.execute(
            select(Alternative.id, Alternative.event_id, Alternative.field, Alternative.value, Alternative.note)
            .where(Alternative.event_id.in_(ids)).order_by(Alternative.field, Alternative.id)
        ):
            disputes[alt.event_id].setdefault(alt.field, []).append(
                {"value": alt.value, "note": alt.note, "sources": alt_sources.get(alt.id, [])})
    return [event_item(row, sources[row.id], disputes[row.id]) for row in rows]


EVENTS = Listing(
    name="events",
    search_name=None,
    id_column=Event.id,
    select_from=lambda: Event.__table__.outerjoin(Party, Party.id == Event.party_id),
    columns=_event_columns,
    sorts={
        "date": lambda: [SortKey(Event.date, nullable=True, kind="date"), SortKey(Event.id)],
        "-date": lambda: [SortKey(Event.date, descending=True, nullable=True, kind="date"),
                          SortKey(Event.id, descending=True)],
    },
    default_sort="date",
    load=_load_events,
)
