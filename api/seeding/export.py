"""The database written back as seed files (the format of seeds/README.md).

Output is stable: keys in the README's order, records in the order they were
imported (database id), link tags by slug. So import -> export -> import into a
fresh database -> export gives identical files, and a curator's diff shows only
what changed.
"""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import yaml
from sqlalchemy import Connection

from api.seeding import store
from api.seeding.rows import languages_field

class SeedDumper(yaml.SafeDumper):
    """Block style with indented lists; citations and language lists on one line, as in the README;
    text with line breaks as a literal block, which reads like the treaty itself."""

    def increase_indent(self, flow=False, indentless=False):
        return super().increase_indent(flow, False)


class Inline(dict):
    """A small mapping written on one line: `{source: x, locator: y}`."""


class InlineList(list):
    pass


def _represent_text(dumper: yaml.SafeDumper, value: str):
    style = "|" if "\n" in value and not value.endswith((" ", "\t")) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


SeedDumper.add_representer(str, _represent_text)
SeedDumper.add_representer(Inline, lambda d, v: d.represent_mapping("tag:yaml.org,2002:map", v, flow_style=True))
SeedDumper.add_representer(InlineList, lambda d, v: d.represent_sequence("tag:yaml.org,2002:seq", v, flow_style=True))


def dump(document) -> str:
    return yaml.dump(
        document, Dumper=SeedDumper, sort_keys=False, allow_unicode=True, default_flow_style=False, width=100
    )


def _citation(source: str, locator: str | None, field_name: str | None = None) -> dict:
    citation = Inline(source=source)
    if locator is not None:
        citation["locator"] = locator
    if field_name is not None:
        citation["field"] = field_name
    return citation


def documents(conn: Connection) -> dict[str, object]:
    """File name (relative to the seed directory) -> document."""
    rows, _, _ = store.load(conn)
    files: dict[str, object] = {}
    files["sources.yaml"] = {"sources": [
        dict(id=slug, **dict(zip(store.VALUE_COLUMNS["sources"], values))) for slug, values in rows["sources"].items()
    ]}  # fmt: skip
    files["parties.yaml"] = {"parties": [
        {"code": code, "name": name, "kind": kind} for code, (name, kind) in rows["parties"].items()
    ]}  # fmt: skip
    files["sectors.yaml"] = {"sectors": [
        {"slug": slug, "name": name, "description": description}
        for slug, (name, description) in rows["sectors"].items()
    ]}  # fmt: skip
    files["clause_types.yaml"] = {"clause_types": [
        {"slug": slug, "name": name, "description": description, "atop_obligation": atop}
        for slug, (name, description, atop) in rows["clause_types"].items()
    ]}  # fmt: skip

    # Group every child row under its agreement once, rather than scanning per agreement.
    by_agreement: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for kind in ("events", "articles", "agreement_parties", "agreement_sectors", "article_sectors",
                 "article_clause_types"):  # fmt: skip
        for key, values in rows[kind].items():
            by_agreement[key[0]][kind].append((key, values))
    citations: dict[tuple, list] = defaultdict(list)
    for subject, source, locator, field_name, sector, clause_type in rows["citations"]:
        citations[(subject, sector, clause_type)].append(_citation(source, locator, field_name))
    disputes: dict[tuple, dict] = defaultdict(lambda: defaultdict(list))
    for key in rows["alternatives"]:
        subject, field_name, value, note = key
        alternative = {"value": value}
        if note is not None:
            alternative["note"] = note
        alternative["sources"] = citations[(("alternative", key), None, None)]
        disputes[subject][field_name].append(alternative)

    for slug, values in rows["agreements"].items():
        files[f"agreements/{slug}.yaml"] = _agreement(slug, values, by_agreement[slug], citations, disputes)
    return files


def _agreement(slug, values, children, citations, disputes) -> dict:
    columns = store.VALUE_COLUMNS["agreements"]
    document = {"id": slug, **dict(zip(columns, values))}
    languages = languages_field(document["languages"])
    document["languages"] = InlineList(languages) if languages is not None else None
    document["supersedes"] = values[-1]
    subject = ("agreement", slug)
    document["sources"] = citations[(subject, None, None)]
    if disputes.get(subject):
        document["disputes"] = dict(disputes[subject])
    parties = []
    for (_, code), (role, note) in children["agreement_parties"]:
        party = Inline(party=code, role=role)
        if note is not None:
            party["note"] = note
        parties.append(party)
    document["parties"] = parties

    events = []
    for (_, key), (party, kind, date, precision, acting_body, note) in children["events"]:
        event_subject = ("event", slug, key)
        event = {"id": key, "party": party, "kind": kind, "date": date, "precision": precision,
                 "acting_body": acting_body, "note": note, "sources": citations[(event_subject, None, None)]}  # fmt: skip
        if disputes.get(event_subject):
            event["disputes"] = dict(disputes[event_subject])
        events.append(event)
    document["events"] = events

    document["sectors"] = [
        {"sector": sector, "note": note, "sources": citations[(subject, sector, None)]}
        for (_, sector), (note,) in sorted(children["agreement_sectors"])
    ]

    sectors_of, clause_types_of = defaultdict(list), defaultdict(list)
    for (_, number, sector), _values in sorted(children["article_sectors"]):
        sectors_of[number].append(sector)
    for (_, number, clause_type), (paragraph,) in sorted(children["article_clause_types"]):
        clause_types_of[number].append((clause_type, paragraph))
    articles = []
    for (_, number), (heading, summary, text) in sorted(children["articles"]):
        article_subject = ("article", slug, number)
        article = {"number": number}
        for name, value in (("heading", heading), ("summary", summary), ("text", text)):
            if value is not None:
                article[name] = value
        if citations.get((article_subject, None, None)):
            article["sources"] = citations[(article_subject, None, None)]
        if sectors_of[number]:
            article["sectors"] = [
                {"sector": s, "sources": citations[(article_subject, s, None)]} for s in sectors_of[number]
            ]
        if clause_types_of[number]:
            article["clause_types"] = [
                {"clause_type": c, "paragraph": p, "sources": citations[(article_subject, None, c)]}
                for c, p in clause_types_of[number]
            ]
        if disputes.get(article_subject):
            article["disputes"] = dict(disputes[article_subject])
        articles.append(article)
    document["articles"] = articles
    return document


def write_files(conn: Connection, directory: str) -> int:
    root = Path(directory)
    (root / "agreements").mkdir(parents=True, exist_ok=True)
    written = 0
    for name, document in documents(conn).items():
        path = root / name
        content = dump(document)
        # Unchanged files are left alone, so their modification times mean something.
        if not path.exists() or path.read_text(encoding="utf-8") != content:
            path.write_text(content, encoding="utf-8")
        written += 1
    return written
