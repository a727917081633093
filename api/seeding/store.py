"""The database side of the import: what it holds (as natural-key rows), the difference
with the files, and writing that difference with executemany in large batches (bulk.insert: on
SQLite plain tuples straight to the driver where no column converts its values, with
the search triggers and secondary indexes of a large insert deferred; elsewhere Core's
insert).

No ORM unit of work: the existing natural keys are read once into dicts, compared
in Python, and only the rows that differ are written.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Callable

from sqlalchemy import Connection, bindparam, delete, select, update

from api import models
from api.seeding import bulk
from api.seeding.rows import CHILD_KINDS, KEEP, KINDS, Rows, agreement_of, parent_of
from schemas.seed import References

BATCH = 20_000

T = {
    "sources": models.Source.__table__,
    "parties": models.Party.__table__,
    "sectors": models.Sector.__table__,
    "clause_types": models.ClauseType.__table__,
    "agreements": models.Agreement.__table__,
    "events": models.Event.__table__,
    "articles": models.Article.__table__,
    "agreement_parties": models.AgreementParty.__table__,
    "agreement_sectors": models.AgreementSector.__table__,
    "article_sectors": models.ArticleSector.__table__,
    "article_clause_types": models.ArticleClauseType.__table__,
    "alternatives": models.Alternative.__table__,
    "citations": models.Citation.__table__,
}

# The value columns of each kind, in the order of the tuples in rows.py.
VALUE_COLUMNS = {
    "sources": ("title", "publisher", "url", "published_on", "kind", "language", "note"),
    "parties": ("name", "kind"),
    "sectors": ("name", "description"),
    "clause_types": ("name", "description", "atop_obligation"),
    "agreements": (
        "title", "short_title", "kind", "status", "signed_on", "signed_at", "entry_into_force_rule",
        "entered_into_force_on", "ended_on", "term", "term_years", "renewal", "article_count", "languages",
        "summary",
    ),  # fmt: skip
    "events": ("party_id", "kind", "date", "date_precision", "acting_body", "note"),
    "articles": ("heading", "summary", "text"),
    "agreement_parties": ("role", "note"),
    "agreement_sectors": ("note",),
    "article_sectors": (),
    "article_clause_types": ("paragraph",),
    "alternatives": (),
    "citations": (),
}
NATURAL_KEY_COLUMN = {"sources": "slug", "parties": "code", "sectors": "slug", "clause_types": "slug", "agreements": "slug"}


def _plain(value):
    return value.value if isinstance(value, enum.Enum) else value


@dataclass
class Ids:
    """Database ids by natural key, and back."""

    by_key: dict[str, dict] = field(default_factory=dict)

    def load(self, conn: Connection, kind: str) -> None:
        table = T[kind]
        if kind in NATURAL_KEY_COLUMN:
            column = table.c[NATURAL_KEY_COLUMN[kind]]
            self.by_key[kind] = dict(conn.execute(select(column, table.c.id).order_by(table.c.id)).all())
        elif kind == "events":
            slugs = self.slugs("agreements")
            self.by_key[kind] = {
                (slugs[a], k): i for i, a, k in conn.execute(select(table.c.id, table.c.agreement_id, table.c.key).order_by(table.c.id))
            }
        elif kind == "articles":
            slugs = self.slugs("agreements")
            self.by_key[kind] = {
                (slugs[a], n): i for i, a, n in conn.execute(
                    select(table.c.id, table.c.agreement_id, table.c.number).order_by(table.c.id)
                )
            }
        elif kind == "alternatives":
            subjects = self.subjects()
            self.by_key[kind] = {
                (subjects[tuple(s)], f, v, n): i
                for i, *s, f, v, n in conn.execute(
                    select(table.c.id, table.c.agreement_id, table.c.event_id, table.c.article_id,
                           table.c.field, table.c.value, table.c.note).order_by(table.c.id)
                )
            }  # fmt: skip

    def slugs(self, kind: str) -> dict:
        return {i: k for k, i in self.by_key[kind].items()}

    def subjects(self) -> dict:
        """(agreement_id, event_id, article_id) -> subject tuple."""
        subjects = {}
        for slug, i in self.by_key["agreements"].items():
            subjects[(i, None, None)] = ("agreement", slug)
        for (slug, key), i in self.by_key["events"].items():
            subjects[(None, i, None)] = ("event", slug, key)
        for (slug, number), i in self.by_key["articles"].items():
            subjects[(None, None, i)] = ("article", slug, number)
        return subjects

    def subject_columns(self, subject: tuple) -> tuple:
        kind = subject[0]
        if kind == "agreement":
            return (self.by_key["agreements"][subject[1]], None, None, None)
        if kind == "event":
            return (None, self.by_key["events"][subject[1:]], None, None)
        if kind == "article":
            return (None, None, self.by_key["articles"][subject[1:]], None)
        return (None, None, None, self.by_key["alternatives"][subject[1]])


def references(conn: Connection) -> References:
    """The natural keys the database holds, which seed files may refer to."""
    return References(
        sources=set(conn.scalars(select(T["sources"].c.slug))),
        parties=set(conn.scalars(select(T["parties"].c.code))),
        sectors=set(conn.scalars(select(T["sectors"].c.slug))),
        clause_types=set(conn.scalars(select(T["clause_types"].c.slug))),
        agreements=set(conn.scalars(select(T["agreements"].c.slug))),
    )


def load(conn: Connection) -> tuple[Rows, dict[str, dict], Ids]:
    """Everything the database holds as natural-key rows, with each row's database identity."""
    ids = Ids()
    for kind in ("sources", "parties", "sectors", "clause_types", "agreements", "events", "articles", "alternatives"):
        ids.load(conn, kind)
    rows, identity = Rows(), {kind: {} for kind in KINDS}
    slugs = {kind: ids.slugs(kind) for kind in ("sources", "parties", "sectors", "clause_types", "agreements")}
    articles = ids.slugs("articles")
    subjects = ids.subjects()
    alternatives = ids.slugs("alternatives")

    for kind in ("sources", "parties", "sectors", "clause_types"):
        table = T[kind]
        key_column = table.c[NATURAL_KEY_COLUMN[kind]]
        for key, ident, *values in conn.execute(select(key_column, table.c.id, *(table.c[c] for c in VALUE_COLUMNS[kind])).order_by(table.c.id)):
            rows[kind][key] = tuple(map(_plain, values))
            identity[kind][key] = ident

    table = T["agreements"]
    for key, ident, supersedes, *values in conn.execute(
        select(table.c.slug, table.c.id, table.c.supersedes_id, *(table.c[c] for c in VALUE_COLUMNS["agreements"]))
        .order_by(table.c.id)
    ):
        rows["agreements"][key] = tuple(map(_plain, values)) + (slugs["agreements"].get(supersedes),)
        identity["agreements"][key] = ident

    table = T["events"]
    for ident, agreement, key, party, *values in conn.execute(
        select(table.c.id, table.c.agreement_id, table.c.key, table.c.party_id,
               *(table.c[c] for c in VALUE_COLUMNS["events"][1:])).order_by(table.c.id)
    ):  # fmt: skip
        natural = (slugs["agreements"][agreement], key)
        rows["events"][natural] = (slugs["parties"].get(party), *map(_plain, values))
        identity["events"][natural] = ident

    table = T["articles"]
    for ident, heading, summary, text in conn.execute(
        select(table.c.id, table.c.heading, table.c.summary, table.c.text).order_by(table.c.id)
    ):
        natural = articles[ident]
        rows["articles"][natural] = (heading, summary, text)
        identity["articles"][natural] = ident

    table = T["agreement_parties"]
    for ident, agreement, party, role, note in conn.execute(
        select(table.c.id, table.c.agreement_id, table.c.party_id, table.c.role, table.c.note).order_by(table.c.id)
    ):
        natural = (slugs["agreements"][agreement], slugs["parties"][party])
        rows["agreement_parties"][natural] = (role, note)
        identity["agreement_parties"][natural] = ident

    table = T["agreement_sectors"]
    for agreement, sector, note in conn.execute(select(table.c.agreement_id, table.c.sector_id, table.c.note)):
        natural = (slugs["agreements"][agreement], slugs["sectors"][sector])
        rows["agreement_sectors"][natural] = (note,)
        identity["agreement_sectors"][natural] = (agreement, sector)

    table = T["article_sectors"]
    for article, sector in conn.execute(select(table.c.article_id, table.c.sector_id)):
        natural = (*articles[article], slugs["sectors"][sector])
        rows["article_sectors"][natural] = ()
        identity["article_sectors"][natural] = (article, sector)

    table = T["article_clause_types"]
    for article, clause_type, paragraph in conn.execute(
        select(table.c.article_id, table.c.clause_type_id, table.c.paragraph)
    ):
        natural = (*articles[article], slugs["clause_types"][clause_type])
        rows["article_clause_types"][natural] = (paragraph,)
        identity["article_clause_types"][natural] = (article, clause_type)

    for key, ident in ids.by_key["alternatives"].items():
        rows["alternatives"][key] = ()
        identity["alternatives"][key] = ident

    table = T["citations"]
    for ident, source, locator, agreement, event, article, alternative, field_name, sector, clause_type in conn.execute(
        select(table.c.id, table.c.source_id, table.c.locator, table.c.agreement_id, table.c.event_id,
               table.c.article_id, table.c.alternative_id, table.c.field, table.c.sector_id, table.c.clause_type_id)
        .order_by(table.c.id)
    ):  # fmt: skip
        subject = ("alternative", alternatives[alternative]) if alternative else subjects[(agreement, event, article)]
        natural = (
            subject, slugs["sources"][source], locator, field_name,
            slugs["sectors"].get(sector), slugs["clause_types"].get(clause_type),
        )  # fmt: skip
        rows["citations"][natural] = ()
        identity["citations"][natural] = ident
    return rows, identity, ids


# -- the difference ------------------------------------------------------------------------------


@dataclass
class Change:
    create: list = field(default_factory=list)  # natural keys
    update: list = field(default_factory=list)  # natural keys
    delete: list = field(default_factory=list)  # natural keys
    unchanged: int = 0

    @property
    def counts(self) -> tuple[int, int, int, int]:
        return len(self.create), len(self.update), self.unchanged, len(self.delete)


def diff(desired: Rows, existing: Rows, prune: bool) -> dict[str, Change]:
    """What must change for the database to hold the files.

    Without `prune` nothing outside the files is deleted, except the child rows
    (links, citations, alternatives) of the agreements, events and articles that
    the files hold: a file is the whole truth about those.
    """
    changes = {kind: Change() for kind in KINDS}
    agreements_in_files = desired["agreements"].keys()
    parents_in_files = {("event", *k) for k in desired["events"]} | {("article", *k) for k in desired["articles"]}
    for kind in KINDS:
        change, want, have = changes[kind], desired[kind], existing[kind]
        for key, values in want.items():
            current = have.get(key)
            if current is None:
                change.create.append(key)
            elif _same(kind, values, current):
                change.unchanged += 1
            else:
                change.update.append(key)
        for key in have.keys() - want.keys():
            if kind in CHILD_KINDS:
                if agreement_of(kind, key) not in agreements_in_files:
                    continue  # another agreement's, not this import's
                parent = parent_of(kind, key)
                if prune or parent is None or parent in parents_in_files:
                    change.delete.append(key)
            elif prune:
                if kind in ("events", "articles") and key[0] not in agreements_in_files:
                    continue  # goes with its agreement (ON DELETE CASCADE)
                change.delete.append(key)
    return changes


def _same(kind: str, wanted: tuple, current: tuple) -> bool:
    if kind == "articles" and wanted[2] is KEEP:
        return wanted[:2] == current[:2]
    return wanted == current


# -- writing -------------------------------------------------------------------------------------


def _batches(items: list, size: int = BATCH):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _execute(conn: Connection, statement, parameters: list[dict], tick: Callable[[int], None]) -> None:
    for batch in _batches(parameters):
        conn.execute(statement, batch)
        tick(len(batch))


def _insert(conn: Connection, kind: str, columns: tuple[str, ...], rows: list[tuple], tick) -> None:
    """INSERT `rows` (tuples in the order of `columns`), a batch at a time."""
    for batch in _batches(rows):
        bulk.insert(conn, T[kind], columns, batch)
        tick(len(batch))


def write(conn: Connection, desired: Rows, existing: Rows, identity: dict, ids: Ids,
          changes: dict[str, Change], tick: Callable[[int], None] = lambda n: None) -> None:  # fmt: skip
    """Apply `changes`: deletions of child rows first, then parents before children."""
    # Child rows that go: by their identity, before their parents can be deleted or rewritten.
    for kind in reversed(CHILD_KINDS):
        keys = changes[kind].delete
        if not keys:
            continue
        table = T[kind]
        if kind in ("agreement_sectors", "article_sectors", "article_clause_types"):
            first, second = table.primary_key.columns.values()
            statement = delete(table).where(first == bindparam("_a"), second == bindparam("_b"))
            _execute(conn, statement, [{"_a": identity[kind][k][0], "_b": identity[kind][k][1]} for k in keys], tick)
        else:
            statement = delete(table).where(table.c.id == bindparam("_id"))
            _execute(conn, statement, [{"_id": identity[kind][k]} for k in keys], tick)

    for kind in ("sources", "parties", "sectors", "clause_types"):
        _upsert_simple(conn, kind, desired, identity, changes[kind], tick)
        ids.load(conn, kind)

    _upsert_simple(conn, "agreements", desired, identity, changes["agreements"], tick)
    ids.load(conn, "agreements")
    _supersedes(conn, desired, existing, ids, tick)

    agreement_ids, party_ids = ids.by_key["agreements"], ids.by_key["parties"]
    event_columns = VALUE_COLUMNS["events"][1:]

    def event_values(key, values):
        party, *rest = values
        return (agreement_ids[key[0]], key[1], party_ids.get(party), *rest)

    existing_articles = existing["articles"]

    def article_values(key, values):
        heading, summary, text = values
        if text is KEEP:
            text = existing_articles.get(key, (None, None, None))[2]
        return (agreement_ids[key[0]], key[1], heading, summary, text)

    _upsert(conn, "events", desired, identity, changes["events"],
            ("agreement_id", "key", "party_id", *event_columns), event_values, tick)  # fmt: skip
    ids.load(conn, "events")
    _upsert(conn, "articles", desired, identity, changes["articles"],
            ("agreement_id", "number", "heading", "summary", "text"), article_values, tick)  # fmt: skip
    ids.load(conn, "articles")

    article_ids, sector_ids, clause_type_ids = ids.by_key["articles"], ids.by_key["sectors"], ids.by_key["clause_types"]
    _upsert(conn, "agreement_parties", desired, identity, changes["agreement_parties"],
            ("agreement_id", "party_id", "role", "note"),
            lambda k, v: (agreement_ids[k[0]], party_ids[k[1]], v[0], v[1]), tick)  # fmt: skip
    _upsert(conn, "agreement_sectors", desired, identity, changes["agreement_sectors"],
            ("agreement_id", "sector_id", "note"),
            lambda k, v: (agreement_ids[k[0]], sector_ids[k[1]], v[0]), tick)  # fmt: skip
    _upsert(conn, "article_sectors", desired, identity, changes["article_sectors"],
            ("article_id", "sector_id"),
            lambda k, v: (article_ids[k[:2]], sector_ids[k[2]]), tick)  # fmt: skip
    _upsert(conn, "article_clause_types", desired, identity, changes["article_clause_types"],
            ("article_id", "clause_type_id", "paragraph"),
            lambda k, v: (article_ids[k[:2]], clause_type_ids[k[2]], v[0]), tick)  # fmt: skip

    subject_columns = ids.subject_columns

    def alternative_values(key, values):
        subject, field_name, value, note = key
        return (*subject_columns(subject)[:3], field_name, value, note)

    _upsert(conn, "alternatives", desired, identity, changes["alternatives"],
            ("agreement_id", "event_id", "article_id", "field", "value", "note"), alternative_values, tick)  # fmt: skip
    ids.load(conn, "alternatives")
    source_ids = ids.by_key["sources"]

    def citation_values(key, values):
        subject, source, locator, field_name, sector, clause_type = key
        return (*subject_columns(subject), source_ids[source], locator, field_name,
                sector_ids.get(sector), clause_type_ids.get(clause_type))  # fmt: skip

    _upsert(conn, "citations", desired, identity, changes["citations"],
            ("agreement_id", "event_id", "article_id", "alternative_id", "source_id", "locator", "field",
             "sector_id", "clause_type_id"), citation_values, tick)  # fmt: skip

    # What the files no longer hold (--prune only): children before parents.
    for kind in ("articles", "events", "agreements", "clause_types", "sectors", "parties", "sources"):
        keys = changes[kind].delete
        if keys:
            table = T[kind]
            _execute(conn, delete(table).where(table.c.id == bindparam("_id")),
                     [{"_id": identity[kind][k]} for k in keys], tick)  # fmt: skip


def _upsert_simple(conn, kind, desired, identity, change, tick) -> None:
    columns = (NATURAL_KEY_COLUMN[kind], *VALUE_COLUMNS[kind])
    _upsert(conn, kind, desired, identity, change, columns, lambda key, values: (key, *values), tick)


def _upsert(conn, kind, desired, identity, change: Change, columns: tuple[str, ...], values_of, tick) -> None:
    """Insert the rows `change` creates and update those it changes; `values_of(key, values)`
    gives a row as a tuple in the order of `columns`."""
    table, want = T[kind], desired[kind]
    if change.create:
        with bulk.deferred(conn, table.name, len(change.create), len(identity[kind])):
            _insert(conn, kind, columns, [values_of(k, want[k]) for k in change.create], tick)
    if change.update:
        parameters = []
        for key in change.update:
            row = dict(zip(columns, values_of(key, want[key])))
            ident = identity[kind][key]
            if isinstance(ident, tuple):  # a link table keyed by its two ids: only its values change
                first, second = table.primary_key.columns.values()
                row = {c: v for c, v in row.items() if c not in (first.name, second.name)}
                row.update({"_a": ident[0], "_b": ident[1]})
            else:
                row["_id"] = ident
            parameters.append(row)
        if isinstance(identity[kind][change.update[0]], tuple):
            first, second = table.primary_key.columns.values()
            where = (first == bindparam("_a")) & (second == bindparam("_b"))
        else:
            where = table.c.id == bindparam("_id")
        columns = [c for c in parameters[0] if c not in ("_id", "_a", "_b")]
        statement = update(table).where(where).values({c: bindparam(c) for c in columns})
        _execute(conn, statement, parameters, tick)


def _supersedes(conn, desired: Rows, existing: Rows, ids: Ids, tick) -> None:
    """Point agreements at the agreements they supersede, once all of them exist."""
    agreement_ids = ids.by_key["agreements"]
    parameters = []
    for slug, values in desired["agreements"].items():
        wanted, current = values[-1], existing["agreements"].get(slug, (None,))[-1]
        if wanted != current:
            parameters.append({"_id": agreement_ids[slug], "supersedes_id": agreement_ids.get(wanted)})
    if parameters:
        table = T["agreements"]
        statement = update(table).where(table.c.id == bindparam("_id")).values(supersedes_id=bindparam("supersedes_id"))
        _execute(conn, statement, parameters, tick)
